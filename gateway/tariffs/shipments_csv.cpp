#include "gateway/tariffs/shipments_csv.hpp"

#include <charconv>
#include <cstdio>

namespace parcelgate::tariffs {

namespace {

constexpr std::array<std::string_view, kShipmentColumnCount> kColumnNames = {
    "date",       "direction",      "from_country", "from_postal_code",
    "to_country", "to_postal_code", "weight_g",     "length_mm",
    "width_mm",   "height_mm",      "service",      "carrier",
    "contract",   "billed_amount",  "currency",     "billed_amount_minor"};

constexpr std::size_t kBufferSize = 1 << 16;
constexpr std::size_t kMaxFieldBytes = 1 << 16;  // bounds memory on a runaway quoted field
constexpr std::size_t kMaxFields = 1024;

std::string quoted_sample(std::string_view text) {
  std::string s(text.substr(0, 40));
  if (text.size() > 40) s += "...";
  return "'" + s + "'";
}

std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t low,
                                          std::int64_t high) noexcept {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v < low || v > high)
    return std::nullopt;
  return v;
}

std::string minor_as_major(std::int64_t minor) {  // -350 -> "-3.50"
  std::uint64_t m =
      minor < 0 ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  char text[40];
  std::snprintf(text, sizeof text, "%s%llu.%02llu", minor < 0 ? "-" : "",
                static_cast<unsigned long long>(m / 100), static_cast<unsigned long long>(m % 100));
  return text;
}

bool set_country(std::string& out, std::string_view text) {
  if (text.size() != 2) return false;
  out.clear();
  for (char c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') return false;
    out.push_back(c);
  }
  return true;
}

}  // namespace

std::string_view column_name(shipment_column c) noexcept {
  return kColumnNames[static_cast<std::size_t>(c)];
}

bool required_column(shipment_column c) noexcept {
  switch (c) {
    case shipment_column::date:
    case shipment_column::from_country:
    case shipment_column::from_postal_code:
    case shipment_column::to_country:
    case shipment_column::to_postal_code:
    case shipment_column::weight_g:
    case shipment_column::length_mm:
    case shipment_column::width_mm:
    case shipment_column::height_mm:
    case shipment_column::service:
      return true;
    default:
      return false;
  }
}

std::optional<shipment_column> parse_column_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kColumnNames.size(); ++i)
    if (kColumnNames[i] == name) return static_cast<shipment_column>(i);
  return std::nullopt;
}

void shipment_row::clear() {
  date.reset();
  dir = direction::outbound;
  from_country.clear();
  from_postal_code.clear();
  to_country.clear();
  to_postal_code.clear();
  parcel = {};
  service = service_level::home;
  carrier.clear();
  contract.clear();
  billed_amount.reset();
  billed_from = 0;
  currency.clear();
}

std::optional<std::int64_t> parse_major_amount(std::string_view text) noexcept {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  auto dot = text.find('.');
  std::string_view units = text.substr(0, dot);
  std::string_view cents =
      dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (units.empty() || units.size() > 15) return std::nullopt;
  if (dot != std::string_view::npos && (cents.empty() || cents.size() > 2)) return std::nullopt;
  auto u = parse_integer(units, 0, 999'999'999'999'999);
  std::optional<std::int64_t> c =
      cents.empty() ? std::optional<std::int64_t>(0) : parse_integer(cents, 0, 99);
  if (!u || !c) return std::nullopt;
  std::int64_t minor = *u * 100 + (cents.size() == 1 ? *c * 10 : *c);
  return negative ? -minor : minor;
}

std::expected<void, std::string> set_field(shipment_row& row, shipment_column column,
                                           std::string_view text) {
  auto bad = [&](std::string_view expected) {
    return std::unexpected(std::string(column_name(column)) + ": expected " +
                           std::string(expected) + ", got " + quoted_sample(text));
  };
  switch (column) {
    case shipment_column::date:
      row.date = parse_date(text);
      if (!row.date) return bad("YYYY-MM-DD");
      break;
    case shipment_column::direction: {
      if (text.empty()) {
        row.dir = direction::outbound;
        break;
      }
      auto d = parse_direction(text);
      if (!d) return bad("outbound or return");
      row.dir = *d;
      break;
    }
    case shipment_column::from_country:
      if (!set_country(row.from_country, text)) return bad("an ISO country code such as FR");
      break;
    case shipment_column::to_country:
      if (!set_country(row.to_country, text)) return bad("an ISO country code such as FR");
      break;
    case shipment_column::from_postal_code:
      row.from_postal_code.assign(text);
      break;
    case shipment_column::to_postal_code:
      row.to_postal_code.assign(text);
      break;
    case shipment_column::weight_g: {
      auto w = parse_integer(text, 1, 100'000'000);
      if (!w) return bad("an integer 1..100000000");
      row.parcel.weight_g = static_cast<std::int32_t>(*w);
      break;
    }
    case shipment_column::length_mm:
    case shipment_column::width_mm:
    case shipment_column::height_mm: {
      std::int32_t value = 0;
      if (!text.empty()) {
        auto v = parse_integer(text, 0, 100'000);
        if (!v) return bad("empty or an integer 0..100000");
        value = static_cast<std::int32_t>(*v);
      }
      if (column == shipment_column::length_mm) row.parcel.length_mm = value;
      if (column == shipment_column::width_mm) row.parcel.width_mm = value;
      if (column == shipment_column::height_mm) row.parcel.height_mm = value;
      break;
    }
    case shipment_column::service: {
      auto s = parse_service_level(text);
      if (!s) return bad("home, home_signature, pickup_point, locker or express");
      row.service = *s;
      break;
    }
    case shipment_column::carrier:
      row.carrier.assign(text);
      break;
    case shipment_column::contract:
      row.contract.assign(text);
      break;
    case shipment_column::billed_amount:
    case shipment_column::billed_amount_minor: {
      if (text.empty()) break;  // the other column may give the amount
      const bool minor = column == shipment_column::billed_amount_minor;
      auto amount = minor ? parse_integer(text, -999'999'999'999'999, 999'999'999'999'999)
                          : parse_major_amount(text);
      if (!amount)
        return bad(minor ? "an integer amount in minor units such as 1234 (= 12.34)"
                         : "an amount such as 12.34");
      const std::uint8_t from = minor ? 2 : 1;
      if (row.billed_from != 0 && row.billed_from != from && row.billed_amount != amount) {
        const std::int64_t from_major = minor ? *row.billed_amount : *amount;
        const std::int64_t from_minor = minor ? *amount : *row.billed_amount;
        return std::unexpected(
            "billed_amount and billed_amount_minor disagree: billed_amount " +
            minor_as_major(from_major) + " is in major units (euros), billed_amount_minor " +
            std::to_string(from_minor) + " in minor units (cents) is " +
            minor_as_major(from_minor) + "; give one of them, or the same amount in both");
      }
      row.billed_amount = amount;
      row.billed_from = from;
      break;
    }
    case shipment_column::currency:
      if (!text.empty() &&
          (text.size() != 3 ||
           text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos))
        return bad("a currency code such as EUR");
      row.currency.assign(text);
      break;
  }
  return {};
}

shipments_csv_reader::shipments_csv_reader(std::istream& in, bool date_required)
    : in_(in), date_required_(date_required), buffer_(kBufferSize) {}

bool shipments_csv_reader::fill() {
  in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  end_ = static_cast<std::size_t>(in_.gcount());
  pos_ = 0;
  bytes_read_ += end_;
  return end_ > 0;
}

shipments_csv_reader::record_status shipments_csv_reader::read_record(std::string& error) {
  constexpr int kEnd = -1;
  auto get = [this]() -> int {
    if (pos_ == end_ && !fill()) return kEnd;
    return static_cast<unsigned char>(buffer_[pos_++]);
  };
  auto peek = [this]() -> int {
    if (pos_ == end_ && !fill()) return kEnd;
    return static_cast<unsigned char>(buffer_[pos_]);
  };
  // A line ends with LF, CRLF or a lone CR; `c` was just read. Consumes the LF of a CRLF.
  auto end_of_line = [&](int c) {
    if (c == '\n') return true;
    if (c != '\r') return false;
    if (peek() == '\n') ++pos_;
    return true;
  };
  auto skip_line = [&] {
    for (int c = get(); c != kEnd; c = get())
      if (end_of_line(c)) {
        ++line_;
        return;
      }
  };
  auto next_field = [this]() -> std::string* {
    if (field_count_ == fields_.size()) fields_.emplace_back();
    std::string* f = &fields_[field_count_++];
    f->clear();
    return f;
  };

  int c = get();
  for (; end_of_line(c); c = get()) ++line_;  // blank lines
  if (c == kEnd) return record_status::end;
  record_line_ = line_;
  field_count_ = 0;
  std::string* field = next_field();
  // A field over the limit: its text is dropped and the rest of the record is still parsed
  // (quotes included) so that reading resumes at the next record, then the record is bad.
  std::size_t too_long = 0;  // 1-based field number, 0 = none
  auto append = [&](int ch) {
    if (too_long != 0) return;
    if (field->size() >= kMaxFieldBytes) {
      too_long = field_count_;
      field->clear();
      return;
    }
    field->push_back(static_cast<char>(ch));
  };
  auto record_end = [&] {
    if (too_long == 0) return record_status::ok;
    error = "field " + std::to_string(too_long) + " is longer than " +
            std::to_string(kMaxFieldBytes) + " bytes (the record is skipped)";
    return record_status::malformed;
  };
  enum class state { field_start, unquoted, quoted, after_quote } st = state::field_start;
  auto malformed = [&](std::string message, bool inside_line) {
    error = std::move(message);
    if (inside_line) skip_line();
    return record_status::malformed;
  };
  for (;; c = get()) {
    switch (st) {
      case state::field_start:
        if (c == '"') {
          st = state::quoted;
          continue;
        }
        st = state::unquoted;
        [[fallthrough]];
      case state::unquoted:
      case state::after_quote:
        if (c == ',') {
          if (field_count_ == kMaxFields)
            return malformed("more than " + std::to_string(kMaxFields) + " fields", true);
          field = next_field();
          st = state::field_start;
        } else if (c == kEnd) {
          return record_end();
        } else if (end_of_line(c)) {
          ++line_;
          return record_end();
        } else if (st == state::after_quote && c == '"') {
          append('"');
          st = state::quoted;
        } else if (st == state::after_quote) {
          return malformed("text after the closing quote of field " + std::to_string(field_count_),
                           true);
        } else if (c == '"') {
          return malformed("a quote inside unquoted field " + std::to_string(field_count_) +
                               " (quote the whole field and double the quote)",
                           true);
        } else {
          append(c);
        }
        continue;
      case state::quoted:
        if (c == kEnd) return malformed("a quoted field is never closed", false);
        if (c == '"') {
          st = state::after_quote;
          continue;
        }
        if (c == '\n' || (c == '\r' && peek() != '\n')) ++line_;
        append(c);
        continue;
    }
  }
}

std::expected<void, std::string> shipments_csv_reader::read_header() {
  std::string error;
  auto got = read_record(error);
  if (got == record_status::end) return std::unexpected("empty file: no header line");
  if (got == record_status::malformed) return std::unexpected("header: " + error);
  columns_.clear();
  std::array<bool, kShipmentColumnCount> seen{};
  for (std::size_t i = 0; i < field_count_; ++i) {
    std::string_view name = fields_[i];
    if (i == 0 && name.starts_with("\xEF\xBB\xBF")) name.remove_prefix(3);  // a UTF-8 BOM
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    auto column = parse_column_name(name);
    if (column) {
      auto index = static_cast<std::size_t>(*column);
      if (seen[index]) return std::unexpected("header: column " + std::string(name) + " twice");
      seen[index] = true;
    }
    columns_.push_back(column);
  }
  std::string missing;
  for (std::size_t i = 0; i < kShipmentColumnCount; ++i) {
    const auto column = static_cast<shipment_column>(i);
    if (seen[i] || !required_column(column) || (!date_required_ && column == shipment_column::date))
      continue;
    missing += (missing.empty() ? "" : ", ") + std::string(kColumnNames[i]);
  }
  if (!missing.empty()) return std::unexpected("header: missing column(s): " + missing);
  return {};
}

shipments_csv_reader::status shipments_csv_reader::next(shipment_row& row, csv_bad_row& bad) {
  std::string error;
  auto got = read_record(error);
  if (got == record_status::end) return status::end;
  bad.line = record_line_;
  if (got == record_status::malformed) {
    bad.reason = std::move(error);
    return status::bad_row;
  }
  if (field_count_ != columns_.size()) {
    bad.reason = std::to_string(field_count_) + " field(s), the header has " +
                 std::to_string(columns_.size());
    return status::bad_row;
  }
  row.clear();
  for (std::size_t i = 0; i < field_count_; ++i) {
    if (!columns_[i]) continue;
    if (!date_required_ && *columns_[i] == shipment_column::date) continue;
    auto ok = set_field(row, *columns_[i], fields_[i]);
    if (!ok) {
      bad.reason = std::move(ok.error());
      return status::bad_row;
    }
  }
  return status::row;
}

}  // namespace parcelgate::tariffs
