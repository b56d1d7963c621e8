// What a local label says, and the printed label read back as a scanner and a person would: the
// Code128 (zbarimg) and the DataMatrix (dmtxread) of the PNG, the text of the PDF (pdftotext),
// the barcode of the PDF's page (pdftoppm + zbarimg), and the fields of the ZPL.
#include "adapters/local/label_content.hpp"

#include <gtest/gtest.h>

#include "tests/adapters/local/test_support.hpp"
#include "tests/adapters/pdf_tools.hpp"
#include "tests/labels/external_tools.hpp"

using namespace parcelgate;
using adapters::local::address_lines;
using adapters::local::label_content_for;
using adapters::local::network_identity;
using adapters::local::printed_weight;
using adapters::local::routing_line;
using labels::testing::missing_tool;
using labels::testing::run_command;
using labels::testing::shell_quote;
using labels::testing::temp_dir;
using local_test::buy;
using local_test::return_request;

namespace {

const std::string kPngSignature("\x89PNG\r\n\x1A\n", 8);

TEST(LocalLabelContent, weight_is_printed_in_kilograms_to_10_g) {
  EXPECT_EQ(printed_weight(1200), "1.20 kg");
  EXPECT_EQ(printed_weight(1234), "1.23 kg");
  EXPECT_EQ(printed_weight(1235), "1.24 kg");
  EXPECT_EQ(printed_weight(5), "0.01 kg");
  EXPECT_EQ(printed_weight(30'000), "30.00 kg");
}

TEST(LocalLabelContent, routing_is_postal_code_and_city_in_capitals) {
  auto to = return_request().to;
  EXPECT_EQ(routing_line(to), "69800 SAINT-PRIEST");
  to.city = "Lyon 3e";
  EXPECT_EQ(routing_line(to), "69800 LYON 3E");
}

TEST(LocalLabelContent, address_blocks_skip_empty_lines) {
  EXPECT_EQ(address_lines(return_request().to),
            (std::vector<std::string>{"Acme Returns", "Acme SAS", "12 rue du Depot", "Quai 4",
                                      "69800 Saint-Priest", "FR"}));
  EXPECT_EQ(address_lines(return_request().from),
            (std::vector<std::string>{"Marie Curie", "31 cours Andre Philip", "69100 Villeurbanne",
                                      "FR"}));
}

TEST(LocalLabelContent, carries_the_network_the_parcel_and_the_routing) {
  const auto c = label_content_for(
      return_request(), "PGL4907353161423",
      network_identity{.network_name = "Relais Rhone", .hub_name = "Saint-Priest"});
  EXPECT_EQ(c.carrier_name, "Relais Rhone");
  EXPECT_EQ(c.product, "home (return)");
  EXPECT_EQ(c.tracking_number, "PGL4907353161423");
  EXPECT_EQ(c.recipient_lines.front(), "Acme Returns");
  EXPECT_EQ(c.sender_lines.front(), "Marie Curie");
  EXPECT_EQ(c.weight, "1.20 kg");
  EXPECT_EQ(c.reference, "RMA-5521");
  EXPECT_EQ(c.routing, "69800 SAINT-PRIEST");
  EXPECT_EQ(c.matrix_code, "PGL4907353161423|69800|FR");
  EXPECT_EQ(c.footer, "Relais Rhone - hub Saint-Priest");
  auto outbound = return_request();
  outbound.dir = direction::outbound;
  EXPECT_EQ(label_content_for(outbound, "PGL4907353161423",
                              network_identity{.network_name = "Relais Rhone", .hub_name = {}})
                .product,
            "home");
}

TEST(LocalLabelContent, png_code128_and_datamatrix_decode_to_the_tracking_number) {
  ASSERT_EQ(missing_tool("zbarimg", "zbar-tools"), "");
  ASSERT_EQ(missing_tool("dmtxread", "dmtx-utils"), "");
  for (auto size : {label_size::a6, label_size::in4x6, label_size::a4}) {
    auto r = return_request();
    r.format = label_format::png;
    r.size = size;
    const auto label = buy(r);
    ASSERT_TRUE(label) << label.error().message;
    ASSERT_EQ(label->label.compare(0, 8, kPngSignature), 0);
    temp_dir dir;
    const auto file = dir.write("label.png", label->label);
    const auto code = run_command("zbarimg -q " + shell_quote(file) + " 2>/dev/null");
    EXPECT_EQ(code.output, "CODE-128:" + label->tracking_number + "\n") << to_string(size);
    const auto matrix = run_command("dmtxread -N1 " + shell_quote(file) + " 2>&1");
    EXPECT_EQ(matrix.exit_code, 0) << matrix.output;
    EXPECT_EQ(matrix.output, label->tracking_number + "|69800|FR") << to_string(size);
  }
}

TEST(LocalLabelContent, pdf_reads_as_the_network_label_and_its_barcode_scans) {
  ASSERT_EQ(missing_tool("zbarimg", "zbar-tools"), "");
  ASSERT_EQ(missing_tool("pdftoppm", "poppler-utils"), "");
  const auto label =
      buy(return_request(), {{"network_name", "Relais Rhone"}, {"hub_name", "Saint-Priest"}});
  ASSERT_TRUE(label) << label.error().message;
  ASSERT_TRUE(label->label.starts_with("%PDF-"));
  const std::string text = pgtest_pdf::pdf_text(label->label);
  for (std::string expected :
       {std::string("Relais Rhone"), std::string("Acme Returns"), std::string("Marie Curie"),
        std::string("69800 SAINT-PRIEST"), std::string("RMA-5521"), std::string("1.20 kg"),
        std::string("hub Saint-Priest"), label->tracking_number})
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
  const auto page = pgtest_pdf::page_size_pt(label->label);
  ASSERT_TRUE(page);
  EXPECT_NEAR(page->first, 105 * pgtest_pdf::kPointsPerMm, 1.0);  // A6, as asked
  EXPECT_NEAR(page->second, 148 * pgtest_pdf::kPointsPerMm, 1.0);

  temp_dir dir;
  const auto pdf = dir.write("label.pdf", label->label);
  run_command("pdftoppm -r 300 -png -singlefile " + shell_quote(pdf) + " " +
              shell_quote(dir.path() / "page"));
  const auto code =
      run_command("zbarimg -q " + shell_quote(dir.path() / "page.png") + " 2>/dev/null");
  EXPECT_NE(code.output.find("CODE-128:" + label->tracking_number), std::string::npos)
      << code.output;
}

TEST(LocalLabelContent, zpl_holds_the_code128_and_datamatrix_fields) {
  auto r = return_request();
  r.format = label_format::zpl;
  r.size = label_size::in4x6;
  const auto label = buy(r);
  ASSERT_TRUE(label) << label.error().message;
  ASSERT_TRUE(label->label.starts_with("^XA"));
  EXPECT_NE(label->label.find("^XZ"), std::string::npos);
  EXPECT_NE(label->label.find("^BC"), std::string::npos) << "Code128";
  EXPECT_NE(label->label.find("^BX"), std::string::npos) << "DataMatrix";
  EXPECT_NE(label->label.find("^FD" + label->tracking_number + "^FS"), std::string::npos);
  EXPECT_NE(label->label.find(label->tracking_number + "|69800|FR"), std::string::npos);
}

TEST(LocalLabelContent, a_long_postal_code_still_fits_the_datamatrix) {
  auto r = return_request();
  r.format = label_format::png;
  r.to.postal_code = "ABCDEFGHIJ1234567890";  // the API's longest postal code (20)
  const auto label = buy(r);
  ASSERT_TRUE(label) << label.error().message;
}

}  // namespace
