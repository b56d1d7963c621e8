// The shipments CSV of the tariff comparison (gateway/tariffs/shipments_csv.cpp): RFC 4180
// records, the header, and every field's validation. The input is read twice, with and without
// a required date column: both must split it into the same records.

#include <sstream>
#include <string>

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
};

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
    if (row.billed_amount) {
      // Minor units written back as a major amount read back to the same value.
      const auto v = *row.billed_amount;
      const auto a = v < 0 ? -v : v;
      std::string text_form = (v < 0 ? "-" : "") + std::to_string(a / 100) + "." +
                              (a % 100 < 10 ? "0" : "") + std::to_string(a % 100);
      FUZZ_CHECK(parse_major_amount(text_form) == v);
    }
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
  return 0;
}
