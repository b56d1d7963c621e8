// Reading shipment rows from CSV: header, RFC 4180 quoting, line endings, bad rows.
#include "gateway/tariffs/shipments_csv.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace parcelgate::tariffs {
namespace {

const std::string kHeader =
    "date,direction,from_country,from_postal_code,to_country,to_postal_code,weight_g,length_mm,"
    "width_mm,height_mm,service\n";

struct read_result {
  std::vector<shipment_row> rows;
  std::vector<std::uint64_t> row_lines;
  std::vector<csv_bad_row> bad;
};

read_result read_all(const std::string& text, bool date_required = true) {
  std::istringstream in(text);
  shipments_csv_reader reader(in, date_required);
  auto header = reader.read_header();
  EXPECT_TRUE(header.has_value()) << header.error();
  read_result out;
  shipment_row row;
  csv_bad_row bad;
  for (;;) {
    auto s = reader.next(row, bad);
    if (s == shipments_csv_reader::status::end) break;
    if (s == shipments_csv_reader::status::row) {
      out.rows.push_back(row);
      out.row_lines.push_back(bad.line);
    } else {
      out.bad.push_back(bad);
    }
  }
  return out;
}

std::string header_error(const std::string& text) {
  std::istringstream in(text);
  shipments_csv_reader reader(in);
  auto header = reader.read_header();
  return header ? std::string("(no error)") : header.error();
}

TEST(shipments_csv, reads_every_field) {
  auto r = read_all(kHeader + "2026-03-01,return,fr,20000,BE,1000,1200,300,200,,pickup_point\n");
  ASSERT_EQ(r.rows.size(), 1u);
  ASSERT_TRUE(r.bad.empty());
  const auto& row = r.rows[0];
  EXPECT_EQ(row.date, parse_date("2026-03-01"));
  EXPECT_EQ(row.dir, direction::return_);
  EXPECT_EQ(row.from_country, "FR");  // upper-cased
  EXPECT_EQ(row.from_postal_code, "20000");
  EXPECT_EQ(row.to_country, "BE");
  EXPECT_EQ(row.parcel.weight_g, 1200);
  EXPECT_EQ(row.parcel.length_mm, 300);
  EXPECT_EQ(row.parcel.width_mm, 200);
  EXPECT_EQ(row.parcel.height_mm, 0);  // empty = unknown
  EXPECT_EQ(row.service, service_level::pickup_point);
  EXPECT_FALSE(row.billed_amount);
  EXPECT_EQ(r.row_lines[0], 2u);
}

TEST(shipments_csv, columns_in_any_order_and_extra_columns_ignored) {
  auto r = read_all(
      "note,service,weight_g,to_postal_code,to_country,from_postal_code,from_country,direction,"
      "date,height_mm,width_mm,length_mm,billed_amount,contract,currency,carrier\n"
      "hello,home,500,69001,FR,75001,FR,outbound,2026-01-02,1,2,3,12.5,c1,EUR,acme\n");
  ASSERT_EQ(r.rows.size(), 1u) << (r.bad.empty() ? "" : r.bad[0].reason);
  EXPECT_EQ(r.rows[0].to_postal_code, "69001");
  EXPECT_EQ(r.rows[0].parcel.length_mm, 3);
  EXPECT_EQ(r.rows[0].parcel.height_mm, 1);
  EXPECT_EQ(r.rows[0].billed_amount, 1250);
  EXPECT_EQ(r.rows[0].contract, "c1");
  EXPECT_EQ(r.rows[0].carrier, "acme");
  EXPECT_EQ(r.rows[0].currency, "EUR");
}

TEST(shipments_csv, quoted_fields_with_separators_quotes_and_line_breaks) {
  auto r = read_all(kHeader +
                    "2026-03-01,outbound,FR,\"75,001\",FR,\"69 \"\"A\"\"\",500,,,,home\n"
                    "2026-03-01,outbound,FR,\"two\nlines\",FR,69001,500,,,,home\n"
                    "2026-03-01,outbound,FR,75001,FR,69001,oops,,,,home\n");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].from_postal_code, "75,001");
  EXPECT_EQ(r.rows[0].to_postal_code, "69 \"A\"");
  EXPECT_EQ(r.rows[1].from_postal_code, "two\nlines");
  // The record with a line break spans lines 3-4, so the bad one starts on line 5.
  ASSERT_EQ(r.bad.size(), 1u);
  EXPECT_EQ(r.bad[0].line, 5u);
  EXPECT_EQ(r.row_lines, (std::vector<std::uint64_t>{2, 3}));
}

TEST(shipments_csv, crlf_line_endings) {
  std::string text = kHeader;
  text.insert(text.size() - 1, "\r");
  text += "2026-03-01,outbound,FR,75001,FR,69001,500,,,,home\r\n";
  text += "2026-03-01,outbound,FR,75001,FR,69001,700,,,,\"express\"\r\n";
  auto r = read_all(text);
  ASSERT_EQ(r.rows.size(), 2u) << (r.bad.empty() ? "" : r.bad[0].reason);
  EXPECT_EQ(r.rows[0].service, service_level::home);  // not "home\r"
  EXPECT_EQ(r.rows[1].service, service_level::express);
  EXPECT_EQ(r.rows[1].parcel.weight_g, 700);
}

TEST(shipments_csv, missing_columns_are_one_clear_error) {
  EXPECT_EQ(header_error("date,direction,from_country,to_country,to_postal_code,weight_g\n"),
            "header: missing column(s): from_postal_code, length_mm, width_mm, height_mm, service");
  EXPECT_EQ(header_error(""), "empty file: no header line");
  EXPECT_EQ(header_error("date,date\n").substr(0, 26), "header: column date twice");
}

TEST(shipments_csv, date_column_optional_when_overridden) {
  std::string header = kHeader.substr(5);  // without "date,"
  std::istringstream in(header + "outbound,FR,75001,FR,69001,500,,,,home\n");
  shipments_csv_reader reader(in, /*date_required=*/false);
  ASSERT_TRUE(reader.read_header());
  shipment_row row;
  csv_bad_row bad;
  EXPECT_EQ(reader.next(row, bad), shipments_csv_reader::status::row) << bad.reason;
  EXPECT_FALSE(row.date);
  EXPECT_NE(header_error(header), "(no error)");  // required otherwise
}

TEST(shipments_csv, bad_rows_carry_their_line_and_reason) {
  auto r = read_all(kHeader +
                    "2026-02-30,outbound,FR,75001,FR,69001,500,,,,home\n"       // 2: no such day
                    "2026-03-01,sideways,FR,75001,FR,69001,500,,,,home\n"       // 3
                    "2026-03-01,outbound,FRA,75001,FR,69001,500,,,,home\n"      // 4
                    "2026-03-01,outbound,FR,75001,FR,69001,0,,,,home\n"         // 5
                    "2026-03-01,outbound,FR,75001,FR,69001,500,-1,,,home\n"     // 6
                    "2026-03-01,outbound,FR,75001,FR,69001,500,,,,boat\n"       // 7
                    "2026-03-01,outbound,FR,75001,FR,69001,500,,,\n"            // 8: 10 fields
                    "\n"                                                        // 9: blank, skipped
                    "2026-03-01,outbound,FR,75\"001,FR,69001,500,,,,home\n"     // 10
                    "2026-03-01,outbound,FR,\"75001\"x,FR,69001,500,,,,home\n"  // 11
                    "2026-03-01,outbound,FR,75001,FR,69001,500,,,,home\n"       // 12: fine
                    "2026-03-01,outbound,FR,75001,FR,69001,500,,,,home,x\n"     // 13: 12 fields
                    "2026-03-01,outbound,FR,\"75001,FR,69001,500,,,,home\n");   // 14: never closed
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.row_lines[0], 12u);
  std::vector<std::uint64_t> lines;
  for (const auto& b : r.bad) lines.push_back(b.line);
  EXPECT_EQ(lines, (std::vector<std::uint64_t>{2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14}));
  ASSERT_EQ(r.bad.size(), 11u);
  EXPECT_EQ(r.bad[0].reason, "date: expected YYYY-MM-DD, got '2026-02-30'");
  EXPECT_EQ(r.bad[1].reason, "direction: expected outbound or return, got 'sideways'");
  EXPECT_EQ(r.bad[3].reason, "weight_g: expected an integer 1..100000000, got '0'");
  EXPECT_EQ(r.bad[6].reason, "10 field(s), the header has 11");
  EXPECT_NE(r.bad[7].reason.find("quote inside unquoted field 4"), std::string::npos);
  EXPECT_NE(r.bad[8].reason.find("after the closing quote"), std::string::npos);
  EXPECT_EQ(r.bad[10].reason, "a quoted field is never closed");
}

TEST(shipments_csv, billed_amounts_in_major_units) {
  EXPECT_EQ(parse_major_amount("12.34"), 1234);
  EXPECT_EQ(parse_major_amount("12.3"), 1230);
  EXPECT_EQ(parse_major_amount("7"), 700);
  EXPECT_EQ(parse_major_amount("-3.5"), -350);
  EXPECT_EQ(parse_major_amount("0.05"), 5);
  EXPECT_FALSE(parse_major_amount(""));
  EXPECT_FALSE(parse_major_amount("12."));
  EXPECT_FALSE(parse_major_amount(".5"));
  EXPECT_FALSE(parse_major_amount("1.234"));
  EXPECT_FALSE(parse_major_amount("12,34"));
  EXPECT_FALSE(parse_major_amount("1e3"));
}

TEST(shipments_csv, set_field_serves_json_rows_too) {
  shipment_row row;
  EXPECT_TRUE(set_field(row, shipment_column::weight_g, "250"));
  EXPECT_EQ(row.parcel.weight_g, 250);
  auto bad = set_field(row, shipment_column::currency, "eur");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "currency: expected a currency code such as EUR, got 'eur'");
  EXPECT_EQ(parse_column_name("billed_amount"), shipment_column::billed_amount);
  EXPECT_FALSE(parse_column_name("weight"));
}

// Issue 7: a file saved with classic Mac OS line endings (CR only) was read as an empty file.
TEST(shipments_csv, cr_only_line_endings) {
  std::string text = kHeader;
  text.back() = '\r';
  text += "2026-03-01,outbound,FR,75001,FR,69001,500,,,,home\r";
  text += "2026-03-01,return,FR,\"75\r001\",FR,69001,700,,,,express\r";  // a CR inside quotes
  text += "\r";                                                          // a blank line
  text += "2026-03-01,outbound,FR,75001,FR,69001,x,,,,home\r";
  text += "2026-03-01,outbound,FR,75001,FR,69001,900,,,,locker";  // no line end at the end
  auto r = read_all(text);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].parcel.weight_g, 500);
  EXPECT_EQ(r.rows[1].dir, direction::return_);
  EXPECT_EQ(r.rows[1].from_postal_code, "75\r001");
  EXPECT_EQ(r.rows[1].service, service_level::express);
  EXPECT_EQ(r.rows[2].service, service_level::locker);
  EXPECT_EQ(r.row_lines, (std::vector<std::uint64_t>{2, 3, 7}));
  ASSERT_EQ(r.bad.size(), 1u);
  EXPECT_EQ(r.bad[0].line, 6u);
  EXPECT_EQ(r.bad[0].reason, "weight_g: expected an integer 1..100000000, got 'x'");
}

TEST(shipments_csv, mixed_line_endings) {
  auto r = read_all(kHeader + "2026-03-01,outbound,FR,75001,FR,69001,500,,,,home\r\n" +
                    "2026-03-01,outbound,FR,75001,FR,69001,600,,,,home\r" +
                    "2026-03-01,outbound,FR,75001,FR,69001,700,,,,home\n");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[2].parcel.weight_g, 700);
  EXPECT_EQ(r.row_lines, (std::vector<std::uint64_t>{2, 3, 4}));
}

// Issue 7: a quoted field over the 64 KiB limit stopped the record in the middle of the quotes;
// the rest of the field was then read as one more (invented) bad row.
TEST(shipments_csv, a_quoted_field_over_the_limit_is_one_bad_row) {
  std::string huge(70'000, 'a');
  for (std::size_t i = 100; i < huge.size(); i += 1000) huge[i] = ',';  // separators inside
  huge[5000] = '\n';                                                    // and a line break
  auto r = read_all(kHeader + "2026-03-01,outbound,FR,\"" + huge +
                    "\",FR,69001,500,,,,home\n"                            // lines 2-3
                    "2026-03-01,outbound,FR,75001,FR,69001,600,,,,home\n"  // 4
                    "2026-03-01,outbound,FR,75001,FR,69001,700,,,," +
                    std::string(70'000, 'b') +
                    "\n"                                                     // 5: unquoted
                    "2026-03-01,outbound,FR,75001,FR,69001,800,,,,home\n");  // 6
  ASSERT_EQ(r.bad.size(), 2u);
  EXPECT_EQ(r.bad[0].line, 2u);
  EXPECT_EQ(r.bad[0].reason, "field 4 is longer than 65536 bytes (the record is skipped)");
  EXPECT_EQ(r.bad[1].line, 5u);
  EXPECT_EQ(r.bad[1].reason, "field 11 is longer than 65536 bytes (the record is skipped)");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].parcel.weight_g, 600);
  EXPECT_EQ(r.rows[1].parcel.weight_g, 800);
  EXPECT_EQ(r.row_lines, (std::vector<std::uint64_t>{4, 6}));
}

TEST(shipments_csv, a_field_of_exactly_the_limit_is_read) {
  std::string postal(65'536, '7');
  auto r = read_all(kHeader + "2026-03-01,outbound,FR,\"" + postal + "\",FR,69001,500,,,,home\n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].from_postal_code.size(), 65'536u);
}

// Issue 7: the API defaults a missing direction to outbound; the CSV refused a blank one.
TEST(shipments_csv, blank_or_missing_direction_is_outbound) {
  auto r = read_all(kHeader + "2026-03-01,,FR,75001,FR,69001,500,,,,home\n" +
                    "2026-03-01,return,FR,75001,FR,69001,500,,,,home\n");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].dir, direction::outbound);
  EXPECT_EQ(r.rows[1].dir, direction::return_);
  // The column itself may be left out.
  auto without = read_all(
      "date,from_country,from_postal_code,to_country,to_postal_code,weight_g,length_mm,"
      "width_mm,height_mm,service\n2026-03-01,FR,75001,FR,69001,500,,,,home\n");
  ASSERT_EQ(without.rows.size(), 1u);
  EXPECT_EQ(without.rows[0].dir, direction::outbound);
}

TEST(shipments_csv, billed_amount_minor_and_billed_amount) {
  const std::string header =
      kHeader.substr(0, kHeader.size() - 1) + ",billed_amount,billed_amount_minor\n";
  auto r = read_all(header +
                    "2026-03-01,,FR,75001,FR,69001,500,,,,home,,1234\n"       // 2: cents
                    "2026-03-01,,FR,75001,FR,69001,500,,,,home,12.34,\n"      // 3: euros
                    "2026-03-01,,FR,75001,FR,69001,500,,,,home,12.34,1234\n"  // 4: both, agree
                    "2026-03-01,,FR,75001,FR,69001,500,,,,home,,\n"           // 5: none
                    "2026-03-01,,FR,75001,FR,69001,500,,,,home,,-50\n"        // 6: a credit
                    "2026-03-01,,FR,75001,FR,69001,500,,,,home,1234,1234\n"   // 7: disagree
                    "2026-03-01,,FR,75001,FR,69001,500,,,,home,,12.34\n");    // 8: not cents
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_EQ(r.rows[0].billed_amount, 1234);
  EXPECT_EQ(r.rows[1].billed_amount, 1234);
  EXPECT_EQ(r.rows[2].billed_amount, 1234);
  EXPECT_FALSE(r.rows[3].billed_amount);
  EXPECT_EQ(r.rows[4].billed_amount, -50);
  ASSERT_EQ(r.bad.size(), 2u);
  EXPECT_EQ(r.bad[0].line, 7u);
  EXPECT_EQ(r.bad[0].reason,
            "billed_amount and billed_amount_minor disagree: billed_amount 1234.00 is in major "
            "units (euros), billed_amount_minor 1234 in minor units (cents) is 12.34; give one "
            "of them, or the same amount in both");
  EXPECT_EQ(r.bad[1].reason,
            "billed_amount_minor: expected an integer amount in minor units such as 1234 (= "
            "12.34), got '12.34'");
  // Same rule for the JSON rows of the API, whatever the field order.
  shipment_row row;
  ASSERT_TRUE(set_field(row, shipment_column::billed_amount_minor, "999"));
  EXPECT_FALSE(set_field(row, shipment_column::billed_amount, "999"));
  row.clear();
  ASSERT_TRUE(set_field(row, shipment_column::billed_amount_minor, "999"));
  EXPECT_TRUE(set_field(row, shipment_column::billed_amount, "9.99"));
  EXPECT_EQ(row.billed_amount, 999);
}

}  // namespace
}  // namespace parcelgate::tariffs
