#pragma once
// Shipment rows for the batch comparison (compare.hpp): one parcel per row, read from CSV
// (`parcelctl tariffs compare`) or built from JSON objects by the HTTP API.
//
// Columns (CSV header names, JSON field names):
//   required: date, from_country, from_postal_code, to_country, to_postal_code,
//             weight_g, length_mm, width_mm, height_mm, service
//   optional: direction, carrier, contract, billed_amount, billed_amount_minor, currency
// `date` is not required when the comparison overrides the date of every row.
//
// Field values (set_field() checks them, for both sources):
//   date            YYYY-MM-DD
//   direction       outbound | return; empty (or no column) = outbound, as in the API
//   *_country       ISO alpha-2 (lower case accepted, stored upper case)
//   *_postal_code   any text, may be empty
//   weight_g        integer 1..100,000,000
//   length/width/height_mm  empty (unknown) or integer 0..100,000
//   service         home | home_signature | pickup_point | locker | express
//   carrier, contract  any text, may be empty
//   billed_amount   empty, or a decimal amount in MAJOR units of the currency with at most two
//                   decimals and '.' as separator ("12.34", "12", "-3.5"), as carrier invoices
//                   print it; stored in minor units
//   billed_amount_minor  empty, or an integer amount in MINOR units (cents): "1234" = 12.34.
//                   A row may give both columns only if they agree ("12.34" and "1234"); when
//                   they disagree the row is bad.
//   currency        empty or 3 upper-case letters
//
// CSV dialect (RFC 4180): ',' separator, fields optionally in double quotes, "" inside quotes
// for a quote, quoted fields may hold separators and line breaks, lines end with LF, CRLF or a
// lone CR (classic Mac OS exports; the three may even be mixed).
// The first record is the header: column names in any order, unknown columns ignored, a column
// named twice is an error. Blank lines are skipped. A record whose field count differs from the
// header's, or with a malformed quote, is a bad row; so is a row with an invalid field value.
// A field longer than 64 KiB is one bad row: the reader skips to the end of that record
// (quotes respected) and goes on with the next one.
//
// Thread-safety: a reader is used by one thread at a time.

#include <array>
#include <cstdint>
#include <expected>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::tariffs {

enum class shipment_column : std::uint8_t {
  date,
  direction,
  from_country,
  from_postal_code,
  to_country,
  to_postal_code,
  weight_g,
  length_mm,
  width_mm,
  height_mm,
  service,
  carrier,
  contract,
  billed_amount,
  currency,
  billed_amount_minor,
};
constexpr std::size_t kShipmentColumnCount = 16;
// Whether a CSV header must name the column (date only without a date override).
bool required_column(shipment_column c) noexcept;
std::string_view column_name(shipment_column c) noexcept;
std::optional<shipment_column> parse_column_name(std::string_view name) noexcept;

// One shipment of one parcel. Reuse one object across rows: the strings keep their capacity.
struct shipment_row {
  std::optional<day> date;  // nullopt: not given
  direction dir = direction::outbound;
  std::string from_country, from_postal_code, to_country, to_postal_code;
  priced_parcel parcel;
  service_level service = service_level::home;
  std::string carrier, contract;              // what the shipment was billed under, if known
  std::optional<std::int64_t> billed_amount;  // minor units, from either billed column
  std::string currency;
  // Which column set billed_amount: 0 none, 1 billed_amount, 2 billed_amount_minor.
  std::uint8_t billed_from = 0;

  void clear();  // back to the defaults, keeping string capacity
};

// Sets one field from its text form. Returns a reason such as
// "weight_g: expected an integer 1..100000000, got 'abc'" when the value is invalid. Start each
// row with clear(): an empty billed column leaves the amount of the other one in place.
std::expected<void, std::string> set_field(shipment_row& row, shipment_column column,
                                           std::string_view text);

// "12.34" -> 1234, "-3.5" -> -350, "7" -> 700; nullopt for anything else.
std::optional<std::int64_t> parse_major_amount(std::string_view text) noexcept;

struct csv_bad_row {
  std::uint64_t line = 0;  // 1-based line where the record starts (the header is line 1)
  std::string reason;
};

// Streams shipment rows out of CSV text with a fixed-size buffer: memory does not grow with
// the number of rows.
class shipments_csv_reader {
 public:
  enum class status { row, bad_row, end };

  // `in` must outlive the reader.
  explicit shipments_csv_reader(std::istream& in, bool date_required = true);

  // Reads the header. On error, one message naming every missing required column (or the
  // problem with the header), e.g. "missing column(s): weight_g, service".
  std::expected<void, std::string> read_header();

  // The next record: fills `row` (status::row), or `bad` (status::bad_row), or status::end.
  status next(shipment_row& row, csv_bad_row& bad);

  std::uint64_t bytes_read() const noexcept { return bytes_read_; }
  // Header columns, in file order; nullopt for an ignored column.
  const std::vector<std::optional<shipment_column>>& columns() const noexcept { return columns_; }

 private:
  enum class record_status { ok, malformed, end };
  record_status read_record(std::string& error);
  bool fill();

  std::istream& in_;
  bool date_required_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t bytes_read_ = 0;
  std::uint64_t line_ = 1;         // current physical line
  std::uint64_t record_line_ = 1;  // line where the current record started
  std::vector<std::string> fields_;
  std::size_t field_count_ = 0;
  std::vector<std::optional<shipment_column>> columns_;
};

}  // namespace parcelgate::tariffs
