// The shipments CSV of the tariff comparison (gateway/tariffs/shipments_csv.cpp): RFC 4180
// records, the header, and every field's validation. The input is read twice, with and without
// a required date column: both must split it into the same records.

#include <sstream>
#include <string>
#include <vector>

#include "gateway/tariffs/shipments_csv.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace parcelgate;
using namespace parcelgate::tariffs;

namespace {

bool upper_alpha(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

struct tally {
  bool header_ok = false;
  std::size_t records = 0;
  std::vector<shipment_row> rows;  // the first rows read, for the round trip
};

std::string major_amount(std::int64_t v) {
  const auto a = v < 0 ? -v : v;
  return (v < 0 ? "-" : "") + std::to_string(a / 100) + "." + (a % 100 < 10 ? "0" : "") +
         std::to_string(a % 100);
}

void quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

// The rows written back as CSV, every column, every field quoted.
std::string write_csv(const std::vector<shipment_row>& rows) {
  std::string out;
  for (std::size_t i = 0; i < kShipmentColumnCount; ++i) {
    if (i) out.push_back(',');
    out += column_name(static_cast<shipment_column>(i));
  }
  out += "\r\n";
  for (const auto& r : rows) {
    const std::string fields[] = {
        r.date ? format_date(*r.date) : std::string(),
        std::string(to_string(r.dir)),
        r.from_country,
        r.from_postal_code,
        r.to_country,
        r.to_postal_code,
        std::to_string(r.parcel.weight_g),
        std::to_string(r.parcel.length_mm),
        std::to_string(r.parcel.width_mm),
        std::to_string(r.parcel.height_mm),
        std::string(to_string(r.service)),
        r.carrier,
        r.contract,
        r.billed_amount ? major_amount(*r.billed_amount) : std::string(),
        r.currency,
        std::string()};  // billed_amount_minor: the euro column carries the amount
    static_assert(std::size(fields) == kShipmentColumnCount, "one field per CSV column");
    for (std::size_t i = 0; i < kShipmentColumnCount; ++i) {
      if (i) out.push_back(',');
      quoted(out, fields[i]);
    }
    out += "\n";
  }
  return out;
}

bool same(const shipment_row& a, const shipment_row& b) {
  return a.date == b.date && a.dir == b.dir && a.from_country == b.from_country &&
         a.from_postal_code == b.from_postal_code && a.to_country == b.to_country &&
         a.to_postal_code == b.to_postal_code && a.parcel.weight_g == b.parcel.weight_g &&
         a.parcel.length_mm == b.parcel.length_mm && a.parcel.width_mm == b.parcel.width_mm &&
         a.parcel.height_mm == b.parcel.height_mm && a.service == b.service &&
         a.carrier == b.carrier && a.contract == b.contract && a.billed_amount == b.billed_amount &&
         a.currency == b.currency;
}

tally read_all(std::string_view text, bool date_required) {
  std::istringstream in{std::string(text)};
  shipments_csv_reader reader(in, date_required);
  tally t;
  auto header = reader.read_header();
  if (!header) {
    FUZZ_CHECK(!header.error().empty());
    return t;
  }
  t.header_ok = true;
  shipment_row row;
  csv_bad_row bad;
  std::uint64_t last_line = 1;
  for (;;) {
    const auto got = reader.next(row, bad);
    if (got == shipments_csv_reader::status::end) break;
    ++t.records;
    FUZZ_CHECK(t.records <= text.size());  // every record consumes input
    if (got == shipments_csv_reader::status::bad_row) {
      FUZZ_CHECK(bad.line > last_line);  // records start on later lines, in order
      last_line = bad.line;
      FUZZ_CHECK(!bad.reason.empty());
      continue;
    }
    FUZZ_CHECK(!date_required || row.date.has_value());
    FUZZ_CHECK(upper_alpha(row.from_country, 2) && upper_alpha(row.to_country, 2));
    FUZZ_CHECK(row.parcel.weight_g >= 1 && row.parcel.weight_g <= 100'000'000);
    for (int d : {row.parcel.length_mm, row.parcel.width_mm, row.parcel.height_mm})
      FUZZ_CHECK(d >= 0 && d <= 100'000);
    FUZZ_CHECK(row.currency.empty() || upper_alpha(row.currency, 3));
    if (row.billed_amount)
      FUZZ_CHECK(parse_major_amount(major_amount(*row.billed_amount)) == row.billed_amount);
    if (t.rows.size() < 16) t.rows.push_back(row);
  }
  FUZZ_CHECK(reader.bytes_read() <= text.size());
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  const tally strict = read_all(text, true);
  const tally loose = read_all(text, false);
  if (strict.header_ok) FUZZ_CHECK(loose.header_ok);
  if (strict.header_ok && loose.header_ok) FUZZ_CHECK(strict.records == loose.records);

  // Round trip: the rows read, written back as quoted CSV, read back the same.
  if (strict.rows.empty()) return 0;
  const std::string csv = write_csv(strict.rows);
  std::istringstream in(csv);
  shipments_csv_reader reader(in, true);
  FUZZ_CHECK(reader.read_header().has_value());
  shipment_row row;
  csv_bad_row bad;
  for (const auto& expected : strict.rows) {
    const auto got = reader.next(row, bad);
    if (got == shipments_csv_reader::status::bad_row)
      std::fprintf(stderr, "line %llu: %s\n", static_cast<unsigned long long>(bad.line),
                   bad.reason.c_str());
    FUZZ_CHECK(got == shipments_csv_reader::status::row);
    FUZZ_CHECK(same(row, expected));
  }
  FUZZ_CHECK(reader.next(row, bad) == shipments_csv_reader::status::end);
  return 0;
}
