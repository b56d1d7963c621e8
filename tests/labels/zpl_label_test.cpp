#include "gateway/labels/zpl_label.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "gateway/labels/label.hpp"
#include "sample_label.hpp"

namespace parcelgate::labels {
namespace {

using testing::sample_content;

std::string render_zpl_or_fail(const label_content& content, label_size size) {
  auto zpl = render(content, label_format::zpl, size);
  EXPECT_TRUE(zpl) << (zpl ? "" : zpl.error().message);
  return zpl ? *zpl : std::string();
}

// The data of every ^FD...^FS field, in order.
std::vector<std::string> field_data(const std::string& zpl) {
  std::vector<std::string> fields;
  std::size_t at = 0;
  while ((at = zpl.find("^FD", at)) != std::string::npos) {
    const std::size_t end = zpl.find("^FS", at);
    if (end == std::string::npos) break;
    fields.push_back(zpl.substr(at + 3, end - at - 3));
    at = end;
  }
  return fields;
}

// Reverses ^FH hex escapes (indicator '_').
std::string unhex(const std::string& data) {
  std::string out;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '_' && i + 2 < data.size()) {
      out.push_back(static_cast<char>(std::stoi(data.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(data[i]);
    }
  }
  return out;
}

TEST(zpl_label, is_one_format_with_a_code128_of_the_tracking_number) {
  const std::string zpl = render_zpl_or_fail(sample_content(), label_size::a6);
  ASSERT_EQ(zpl.rfind("^XA", 0), 0u);
  EXPECT_EQ(zpl.substr(zpl.size() - 4), "^XZ\n");
  EXPECT_EQ(zpl.find("^XA", 1), std::string::npos);
  EXPECT_EQ(zpl.find("^XZ"), zpl.size() - 4);
  EXPECT_NE(zpl.find("^CI28"), std::string::npos);
  EXPECT_NE(zpl.find("^PW839"), std::string::npos);
  EXPECT_NE(zpl.find("^LL1183"), std::string::npos);
  EXPECT_NE(zpl.find("^GB"), std::string::npos);
  EXPECT_NE(zpl.find("^A0N"), std::string::npos);

  const std::regex barcode(R"(\^BY(\d+),3,(\d+)\^BCN,(\d+),N,N,N,N\^FH\^FD([^^]*)\^FS)");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(zpl, match, barcode)) << zpl;
  EXPECT_GE(std::stoi(match[1]), 2);
  // Subset B for "6A1", then subset C for the ten digits that follow.
  EXPECT_EQ(match[4].str(), ">:6A1>55984040331");
  EXPECT_NE(zpl.find("^FD6A15984040331^FS"), std::string::npos) << "human-readable tracking number";
  EXPECT_EQ(zpl.find("^BXN"), std::string::npos);
}

TEST(zpl_label, four_by_six_uses_the_4_inch_print_width) {
  const std::string zpl = render_zpl_or_fail(sample_content(), label_size::in4x6);
  EXPECT_NE(zpl.find("^PW812"), std::string::npos);
  EXPECT_NE(zpl.find("^LL1218"), std::string::npos);
}

TEST(zpl_label, datamatrix_is_a_bx_ecc200_field) {
  auto content = sample_content();
  content.matrix_code = "6A15984040331~69007^FR_x";
  const std::string zpl = render_zpl_or_fail(content, label_size::a6);
  const std::regex matrix(R"(\^BXN,(\d+),200\^FH\^FD([^^~]*)\^FS)");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(zpl, match, matrix)) << zpl;
  EXPECT_GE(std::stoi(match[1]), 2);
  EXPECT_EQ(unhex(match[2]), "6A15984040331~d12669007^FR_x");
}

TEST(zpl_label, escapes_caret_tilde_and_underscore_in_user_text) {
  auto content = sample_content();
  content.recipient_lines = {"Evil ^XZ^XA Name", "~JA cancel_all", "back\\slash \\& break"};
  content.reference = "REF^FS~";
  const std::string zpl = render_zpl_or_fail(content, label_size::a6);
  EXPECT_EQ(zpl.find('~'), std::string::npos) << zpl;
  EXPECT_EQ(zpl.find("^XZ"), zpl.size() - 4) << zpl;
  for (const std::string& data : field_data(zpl)) {
    EXPECT_EQ(data.find('^'), std::string::npos) << data;
    EXPECT_EQ(data.find('~'), std::string::npos) << data;
  }
  EXPECT_NE(zpl.find("^FH^FDEvil _5EXZ_5EXA Name^FS"), std::string::npos) << zpl;
  EXPECT_NE(zpl.find("^FH^FD_7EJA cancel_5Fall^FS"), std::string::npos) << zpl;
  EXPECT_NE(zpl.find("^FH^FDback\\\\slash \\\\& break^FS"), std::string::npos) << zpl;
  EXPECT_NE(zpl.find("^FH^FDREF_5EFS_7E^FS"), std::string::npos) << zpl;
}

TEST(zpl_label, code128_data_uses_explicit_subsets_and_invocation_escapes) {
  int modules = 0;
  EXPECT_EQ(zpl_code128_data("12345678", modules), ">;12345678");
  EXPECT_EQ(modules, 11 * (4 + 2) + 13);
  EXPECT_EQ(zpl_code128_data("1Z999AA10123456784", modules), ">:1Z999AA1>50123456784");
  EXPECT_EQ(zpl_code128_data("12345ABC", modules), ">;1234>65ABC");
  EXPECT_EQ(zpl_code128_data("A>B~C", modules), ">:A><B>=C");
  EXPECT_EQ(modules, 11 * (5 + 2) + 13);
  EXPECT_EQ(zpl_code128_data("AB1234567", modules), ">:AB1>5234567");
}

// What a printer encodes from ^BC data: invocation codes removed, escaped characters restored.
std::string code128_payload(const std::string& data) {
  std::string out;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] != '>') {
      out.push_back(data[i]);
      continue;
    }
    const char code = data.at(++i);
    if (code == '<') out.push_back('>');
    if (code == '=') out.push_back('~');
  }
  return out;
}

TEST(zpl_label, code128_data_always_carries_the_whole_tracking_number) {
  for (const std::string tracking :
       {"6A15984040331", "00340434161094042557", "1Z999AA10123456784", "7", "12", "123",
        "A1234B56789C", "JJD0003900077222222220042", "X>Y~Z 99"}) {
    int modules = 0;
    const std::string data = zpl_code128_data(tracking, modules);
    EXPECT_EQ(code128_payload(data), tracking) << data;
    // Subset C only ever holds digit pairs.
    bool subset_c = false;
    std::size_t run = 0;
    for (std::size_t i = 0; i < data.size(); ++i) {
      if (data[i] == '>') {
        const char code = data.at(++i);
        if (code == ';' || code == '5' || code == '6' || code == ':') {
          EXPECT_EQ(run % 2, 0u) << data;
          subset_c = code == ';' || code == '5';
          run = 0;
        }
        continue;
      }
      if (subset_c) {
        EXPECT_TRUE(data[i] >= '0' && data[i] <= '9') << data;
        ++run;
      }
    }
    EXPECT_EQ(run % 2, 0u) << data;
  }
}

TEST(zpl_label, control_bytes_in_a_datamatrix_payload_are_hex_escaped) {
  EXPECT_EQ(zpl_escape_field(std::string("01\x1D"
                                         "10AB"),
                             false),
            "01_1D10AB");
  EXPECT_EQ(zpl_escape_field("a\\b", false), "a\\b");
  EXPECT_EQ(zpl_escape_field("a\\b", true), "a\\\\b");
}

TEST(zpl_label, refuses_a4) {
  auto zpl = render(sample_content(), label_format::zpl, label_size::a4);
  ASSERT_FALSE(zpl);
  EXPECT_EQ(zpl.error().kind, error_kind::invalid_request);
  ASSERT_EQ(zpl.error().fields.size(), 1u);
  EXPECT_EQ(zpl.error().fields[0].field, "label.size");
}

}  // namespace
}  // namespace parcelgate::labels
