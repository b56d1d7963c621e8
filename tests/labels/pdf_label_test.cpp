#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "external_tools.hpp"
#include "gateway/labels/label.hpp"
#include "gateway/labels/label_layout.hpp"
#include "gateway/labels/pdf_label.hpp"
#include "sample_label.hpp"

namespace parcelgate::labels {
namespace {

using testing::missing_tool;
using testing::run_command;
using testing::sample_content;
using testing::shell_quote;
using testing::temp_dir;

std::string render_pdf_or_fail(const label_content& content, label_size size) {
  auto pdf = render(content, label_format::pdf, size);
  EXPECT_TRUE(pdf) << (pdf ? "" : pdf.error().message);
  return pdf ? *pdf : std::string();
}

std::string pdf_text(const temp_dir& dir, const std::string& pdf) {
  const auto file = dir.write("label.pdf", pdf);
  const auto result = run_command("pdftotext -enc UTF-8 " + shell_quote(file) + " - 2>&1");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result.output;
}

TEST(pdf_label, starts_with_the_pdf_signature_and_carries_the_text) {
  ASSERT_EQ(missing_tool("pdftotext", "poppler-utils"), "");
  const std::string pdf = render_pdf_or_fail(sample_content(), label_size::a6);
  ASSERT_EQ(pdf.rfind("%PDF-", 0), 0u);
  temp_dir dir;
  const std::string text = pdf_text(dir, pdf);
  EXPECT_NE(text.find("6A15984040331"), std::string::npos) << text;
  EXPECT_NE(text.find("Jeanne Dupont-Müller"), std::string::npos) << text;
  EXPECT_NE(text.find("69 VILLEURBANNE"), std::string::npos) << text;
}

TEST(pdf_label, media_box_is_the_requested_paper_size) {
  const struct {
    label_size size;
    double width_pt, height_pt;
  } cases[] = {{label_size::a6, 297.638, 419.528},
               {label_size::in4x6, 288.0, 432.0},
               {label_size::a4, 595.276, 841.890}};
  const std::regex media_box(
      R"(/MediaBox\s*\[\s*([-0-9.]+)\s+([-0-9.]+)\s+([-0-9.]+)\s+([-0-9.]+)\s*\])");
  for (const auto& c : cases) {
    const std::string pdf = render_pdf_or_fail(sample_content(), c.size);
    std::smatch match;
    ASSERT_TRUE(std::regex_search(pdf, match, media_box)) << to_string(c.size);
    EXPECT_DOUBLE_EQ(std::stod(match[1]), 0.0);
    EXPECT_DOUBLE_EQ(std::stod(match[2]), 0.0);
    EXPECT_NEAR(std::stod(match[3]), c.width_pt, 0.01) << to_string(c.size);
    EXPECT_NEAR(std::stod(match[4]), c.height_pt, 0.01) << to_string(c.size);
  }
}

class pdf_label_per_size : public ::testing::TestWithParam<label_size> {};

TEST_P(pdf_label_per_size, code128_and_datamatrix_decode_after_rasterizing) {
  ASSERT_EQ(missing_tool("pdftoppm", "poppler-utils"), "");
  ASSERT_EQ(missing_tool("zbarimg", "zbar-tools"), "");
  ASSERT_EQ(missing_tool("dmtxread", "dmtx-utils"), "");
  auto content = sample_content();
  content.tracking_number = "JJD000390007722222222";
  content.matrix_code = "JJD000390007722222222|69007|FR";
  const std::string pdf = render_pdf_or_fail(content, GetParam());
  temp_dir dir;
  const auto file = dir.write("label.pdf", pdf);
  const auto raster = run_command("pdftoppm -r 300 -png -singlefile " + shell_quote(file) + " " +
                                  shell_quote(dir.path() / "page") + " 2>&1");
  ASSERT_EQ(raster.exit_code, 0) << raster.output;
  const auto page = dir.path() / "page.png";
  const auto code = run_command("zbarimg -q --raw -Sdisable -Scode128.enable " + shell_quote(page) +
                                " 2>/dev/null");
  EXPECT_EQ(code.exit_code, 0) << "zbarimg found no Code128";
  EXPECT_EQ(code.output, "JJD000390007722222222\n");
  const auto plain = run_command("zbarimg -q " + shell_quote(page) + " 2>/dev/null");
  EXPECT_NE(plain.output.find("CODE-128:JJD000390007722222222"), std::string::npos) << plain.output;
  const auto matrix = run_command("dmtxread -N1 " + shell_quote(page) + " 2>&1");
  EXPECT_EQ(matrix.exit_code, 0) << matrix.output;
  EXPECT_EQ(matrix.output, "JJD000390007722222222|69007|FR");
}

INSTANTIATE_TEST_SUITE_P(sizes, pdf_label_per_size,
                         ::testing::Values(label_size::a6, label_size::in4x6, label_size::a4),
                         [](const auto& instance) {
                           return instance.param == label_size::in4x6
                                      ? std::string("in4x6")
                                      : std::string(to_string(instance.param));
                         });

TEST(pdf_label, survives_malformed_and_non_latin_text) {
  ASSERT_EQ(missing_tool("pdftotext", "poppler-utils"), "");
  auto content = sample_content();
  content.carrier_name = "Poczta \xF0\x9F\x93\xA6 Polska";
  content.sender_lines = {"\xFF\xFE broken \xC3", "東京都 渋谷区", "\xE0\x80\xAF overlong"};
  content.recipient_lines = {"Łukasz Wąsik", "ul. Długa 5", "80-831 Gdańsk",
                             "Price 5 \xE2\x82\xAC \xE2\x80\x93 ok"};
  content.reference = std::string("nul\0inside", 10);
  const std::string pdf = render_pdf_or_fail(content, label_size::a6);
  ASSERT_EQ(pdf.rfind("%PDF-", 0), 0u);
  temp_dir dir;
  const std::string text = pdf_text(dir, pdf);
  EXPECT_NE(text.find("Lukasz Wasik"), std::string::npos) << text;
  EXPECT_NE(text.find("80-831 Gdansk"), std::string::npos) << text;
  EXPECT_NE(text.find("5 € – ok"), std::string::npos) << text;
  EXPECT_NE(text.find("??? ???"), std::string::npos) << text;
}

TEST(pdf_label, long_lines_shrink_or_are_cut_to_stay_on_the_label) {
  ASSERT_EQ(missing_tool("pdftotext", "poppler-utils"), "");
  auto content = sample_content();
  content.recipient_lines = {std::string(120, 'W'), "Short line"};
  const std::string pdf = render_pdf_or_fail(content, label_size::a6);
  temp_dir dir;
  const std::string text = pdf_text(dir, pdf);
  EXPECT_NE(text.find("WWW..."), std::string::npos) << text;
  EXPECT_NE(text.find("Short line"), std::string::npos) << text;
}

TEST(pdf_label, libharu_errors_become_internal_errors) {
  auto layout = build_layout(sample_content(), label_size::a6);
  ASSERT_TRUE(layout);
  layout->texts.front().size_mm = 0;  // libharu refuses a font size of 0
  layout->texts.front().min_size_mm = 0;
  auto pdf = render_pdf(*layout);
  ASSERT_FALSE(pdf);
  EXPECT_EQ(pdf.error().kind, error_kind::internal);
  EXPECT_NE(pdf.error().message.find("libharu error"), std::string::npos) << pdf.error().message;
}

}  // namespace
}  // namespace parcelgate::labels
