#include "gateway/tariffs/shipments_csv.hpp"

#include <charconv>
#include <cstdio>

namespace parcelgate::tariffs {

namespace {

constexpr std::array<std::string_view, kShipmentColumnCount> kColumnNames = {
    "date",           "direction", "from_country", "from_postal_code", "to_country",
    "to_postal_code", "weight_g",  "length_mm",    "width_mm",         "height_mm",
    "service",        "carrier",   "contract",     "billed_amount",    "currency"};

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
      if (text.empty()) {
        row.billed_amount.reset();
      } else {
        row.billed_amount = parse_major_amount(text);
        if (!row.billed_amount) return bad("an amount such as 12.34");
      }
      break;
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
  auto skip_line = [&] {
    for (int c = get(); c != kEnd; c = get())
      if (c == '\n') {
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
  for (;; c = get()) {  // blank lines
    if (c == '\n') {
      ++line_;
    } else if (c == '\r' && peek() == '\n') {
      continue;
    } else {
      break;
    }
  }
  if (c == kEnd) return record_status::end;
  record_line_ = line_;
  field_count_ = 0;
  std::string* field = next_field();
  enum class state { field_start, unquoted, quoted, after_quote } st = state::field_start;
  auto malformed = [&](std::string message, bool inside_line) {
    error = std::move(message);
    if (inside_line) skip_line();
    return record_status::malformed;
  };
  for (;; c = get()) {
    if (field->size() >= kMaxFieldBytes)
      return malformed("a field longer than " + std::to_string(kMaxFieldBytes) + " bytes",
                       st != state::quoted);
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
        } else if (c == '\n' || c == kEnd) {
          if (c == '\n') ++line_;
          return record_status::ok;
        } else if (c == '\r' && peek() == '\n') {
          continue;
        } else if (st == state::after_quote && c == '"') {
          field->push_back('"');
          st = state::quoted;
        } else if (st == state::after_quote) {
          return malformed("text after the closing quote of field " + std::to_string(field_count_),
                           true);
        } else if (c == '"') {
          return malformed("a quote inside unquoted field " + std::to_string(field_count_) +
                               " (quote the whole field and double the quote)",
                           true);
        } else {
          field->push_back(static_cast<char>(c));
        }
        continue;
      case state::quoted:
        if (c == kEnd) return malformed("a quoted field is never closed", false);
        if (c == '"') {
          st = state::after_quote;
          continue;
        }
        if (c == '\n') ++line_;
        field->push_back(static_cast<char>(c));
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
  for (std::size_t i = 0; i < kRequiredShipmentColumns; ++i) {
    if (seen[i] || (!date_required_ && static_cast<shipment_column>(i) == shipment_column::date))
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
