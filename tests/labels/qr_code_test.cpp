#include "gateway/labels/qr_code.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "external_tools.hpp"

namespace parcelgate::labels {
namespace {

using testing::missing_tool;
using testing::run_command;
using testing::shell_quote;
using testing::temp_dir;

const std::string png_signature("\x89PNG\r\n\x1A\n", 8);

// 256 printable bytes: every ASCII character from space to tilde, then letters to fill up.
std::string longest_payload() {
  std::string payload;
  for (char c = ' '; c <= '~'; ++c) payload.push_back(c);
  while (payload.size() < max_qr_payload_bytes)
    payload.push_back(static_cast<char>('a' + payload.size() % 26));
  return payload;
}

const std::vector<std::string>& payloads() {
  static const std::vector<std::string> all = {
      "K7QM4TZXP97",
      "https://returns.example.test/r/K7QM4TZXP97?lang=fr&carrier=mondialrelay&point=FR%3A020230",
      longest_payload()};
  return all;
}

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i)
    value = (value << 8) | static_cast<unsigned char>(bytes.at(at + i));
  return value;
}

// The error-correction level in the symbol's format information: bits 14 and 13, at row 8,
// columns 0 and 1, XORed with the mask 101010000010010 (ISO/IEC 18004 7.9). 0 = M.
int error_correction_bits(const qr_matrix& matrix) {
  return ((matrix.is_dark(0, 8) ? 2 : 0) | (matrix.is_dark(1, 8) ? 1 : 0)) ^ 2;
}

// The modules a path of "M<x> <y>h<n>v1h-<n>z" runs paints, on a side x side grid; nullopt if
// the path holds anything else, or paints a module twice or outside the grid.
std::optional<std::vector<std::uint8_t>> paint_runs(const std::string& d, int side) {
  std::vector<std::uint8_t> grid(static_cast<std::size_t>(side) * static_cast<std::size_t>(side));
  std::size_t at = 0;
  auto literal = [&](std::string_view text) {
    if (d.compare(at, text.size(), text) != 0) return false;
    at += text.size();
    return true;
  };
  auto number = [&](int& out) {
    const std::size_t start = at;
    out = 0;
    while (at < d.size() && d[at] >= '0' && d[at] <= '9' && at - start < 4)
      out = out * 10 + (d[at++] - '0');
    return at > start;
  };
  while (at < d.size()) {
    int x = 0, y = 0, n = 0, back = 0;
    if (!literal("M") || !number(x) || !literal(" ") || !number(y) || !literal("h") || !number(n) ||
        !literal("v1h-") || !number(back) || !literal("z") || n != back || n < 1 || x + n > side ||
        y >= side)
      return std::nullopt;
    for (int i = x; i < x + n; ++i) {
      std::uint8_t& module = grid[static_cast<std::size_t>(y) * static_cast<std::size_t>(side) +
                                  static_cast<std::size_t>(i)];
      if (module != 0) return std::nullopt;
      module = 1;
    }
  }
  return grid;
}

TEST(qr_code, return_codes_fit_the_smallest_symbol_at_level_m) {
  auto matrix = qr_modules("K7QM4TZXP97");
  ASSERT_TRUE(matrix) << matrix.error().message;
  EXPECT_EQ(matrix->size, 21);  // version 1
  EXPECT_EQ(error_correction_bits(*matrix), 0);
  // The three finder patterns: a dark 7x7 ring around a light ring around a dark 3x3 square.
  for (auto [left, top] : {std::pair{0, 0}, std::pair{14, 0}, std::pair{0, 14}}) {
    for (int i = 0; i < 7; ++i) {
      EXPECT_TRUE(matrix->is_dark(left + i, top));
      EXPECT_TRUE(matrix->is_dark(left + i, top + 6));
      EXPECT_TRUE(matrix->is_dark(left, top + i));
      EXPECT_TRUE(matrix->is_dark(left + 6, top + i));
    }
    EXPECT_FALSE(matrix->is_dark(left + 1, top + 1));
    EXPECT_TRUE(matrix->is_dark(left + 3, top + 3));
  }
}

TEST(qr_code, error_correction_is_level_m_whatever_the_payload) {
  // Byte capacities of version 1: L 17, M 14, Q 11, H 7. Lowercase forces byte mode.
  auto fourteen = qr_modules(std::string(14, 'x'));
  auto fifteen = qr_modules(std::string(15, 'x'));
  ASSERT_TRUE(fourteen && fifteen);
  EXPECT_EQ(fourteen->size, 21);
  EXPECT_EQ(fifteen->size, 25);
  for (const std::string& payload : payloads()) {
    auto matrix = qr_modules(payload);
    ASSERT_TRUE(matrix) << matrix.error().message;
    EXPECT_EQ(error_correction_bits(*matrix), 0) << payload;
  }
  // 256 bytes that only byte mode can carry take version 12 (287 bytes at M; 251 at version 11).
  auto largest = qr_modules(std::string(max_qr_payload_bytes, 'x'));
  ASSERT_TRUE(largest);
  EXPECT_EQ(largest->size, 65);
  EXPECT_EQ(error_correction_bits(*largest), 0);
}

TEST(qr_code, png_decodes_back_to_the_payload) {
  ASSERT_EQ(missing_tool("zbarimg", "zbar-tools"), "");
  temp_dir dir;
  for (const std::string& payload : payloads()) {
    auto png = qr_png(payload);
    ASSERT_TRUE(png) << png.error().message;
    ASSERT_EQ(png->compare(0, 8, png_signature), 0);
    const auto file = dir.write("qr.png", *png);
    const auto read = run_command("zbarimg --raw -q " + shell_quote(file) + " 2>/dev/null");
    EXPECT_EQ(read.exit_code, 0) << "zbarimg found no QR code in the PNG of " << payload;
    EXPECT_EQ(read.output, payload + "\n");
  }
}

TEST(qr_code, png_is_one_bit_grey_with_the_quiet_zone_and_a_print_resolution) {
  auto matrix = qr_modules("K7QM4TZXP97");
  ASSERT_TRUE(matrix);
  const auto side = [&](int module_px) {
    return static_cast<std::uint32_t>((matrix->size + 2 * qr_quiet_modules) * module_px);
  };
  for (auto [asked, used] : {std::pair{8, 8}, std::pair{3, 3}, std::pair{0, 1}, std::pair{-5, 1},
                             std::pair{41, 40}, std::pair{1000, 40}}) {
    auto png = qr_png("K7QM4TZXP97", asked);
    ASSERT_TRUE(png) << png.error().message;
    ASSERT_EQ(png->compare(12, 4, "IHDR"), 0);
    EXPECT_EQ(big_endian(*png, 16), side(used)) << "module_px " << asked;
    EXPECT_EQ(big_endian(*png, 20), side(used)) << "module_px " << asked;
    EXPECT_EQ(static_cast<unsigned char>((*png)[24]), 1) << "bit depth";
    EXPECT_EQ(static_cast<unsigned char>((*png)[25]), 0) << "greyscale";
    const std::size_t phys = png->find("pHYs");
    ASSERT_NE(phys, std::string::npos);
    EXPECT_EQ(big_endian(*png, phys + 4), 7992u);  // 203 dpi in pixels per metre
  }
  // Two pixels per module still decode: the quiet zone is there whatever the size.
  ASSERT_EQ(missing_tool("zbarimg", "zbar-tools"), "");
  temp_dir dir;
  auto small = qr_png("K7QM4TZXP97", 2);
  ASSERT_TRUE(small);
  const auto read = run_command("zbarimg --raw -q " + shell_quote(dir.write("small.png", *small)) +
                                " 2>/dev/null");
  EXPECT_EQ(read.output, "K7QM4TZXP97\n");
}

TEST(qr_code, svg_is_a_standalone_document_with_the_quiet_zone_in_its_view_box) {
  for (const std::string& payload : payloads()) {
    auto matrix = qr_modules(payload);
    auto svg = qr_svg(payload);
    ASSERT_TRUE(matrix && svg);
    const int side = matrix->size + 2 * qr_quiet_modules;
    EXPECT_EQ(svg->rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u);
    pugi::xml_document doc;
    const pugi::xml_parse_result parsed =
        doc.load_buffer(svg->data(), svg->size(), pugi::parse_default | pugi::parse_declaration);
    ASSERT_TRUE(parsed) << parsed.description();
    const pugi::xml_node root = doc.document_element();
    EXPECT_STREQ(root.name(), "svg");
    EXPECT_STREQ(root.attribute("xmlns").value(), "http://www.w3.org/2000/svg");
    EXPECT_STREQ(root.attribute("version").value(), "1.1");
    EXPECT_EQ(std::string(root.attribute("viewBox").value()),
              "0 0 " + std::to_string(side) + " " + std::to_string(side));
    EXPECT_STREQ(root.attribute("shape-rendering").value(), "crispEdges");
    // 0.5 mm per module.
    const std::string mm = std::to_string(side / 2) + (side % 2 ? ".5mm" : "mm");
    EXPECT_EQ(std::string(root.attribute("width").value()), mm);
    EXPECT_EQ(std::string(root.attribute("height").value()), mm);
    // A white background over the whole view box, then one path, and nothing else.
    std::vector<std::string> children;
    for (const pugi::xml_node child : root.children()) children.push_back(child.name());
    EXPECT_EQ(children, (std::vector<std::string>{"rect", "path"}));
    const pugi::xml_node rect = root.child("rect");
    EXPECT_EQ(rect.attribute("x").as_int(0), 0);
    EXPECT_EQ(rect.attribute("y").as_int(0), 0);
    EXPECT_EQ(rect.attribute("width").as_int(), side);
    EXPECT_EQ(rect.attribute("height").as_int(), side);
    EXPECT_STREQ(rect.attribute("fill").value(), "#ffffff");
    EXPECT_STREQ(root.child("path").attribute("fill").value(), "#000000");
    // No scripts, no links, no payload text.
    EXPECT_EQ(svg->find("script"), std::string::npos);
    EXPECT_EQ(svg->find("href"), std::string::npos);
    EXPECT_EQ(svg->find("url("), std::string::npos);
    EXPECT_EQ(svg->find(payload), std::string::npos);
  }
}

TEST(qr_code, svg_path_draws_exactly_the_dark_modules_in_merged_runs) {
  for (const std::string& payload : payloads()) {
    auto matrix = qr_modules(payload);
    auto svg = qr_svg(payload);
    ASSERT_TRUE(matrix && svg);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_buffer(svg->data(), svg->size()));
    const std::string d = doc.document_element().child("path").attribute("d").value();
    const int side = matrix->size + 2 * qr_quiet_modules;
    const auto painted = paint_runs(d, side);
    ASSERT_TRUE(painted) << "path is not made of single-row runs: " << d.substr(0, 200);
    std::size_t dark_in_symbol = 0, dark_in_path = 0, runs = 0;
    for (int y = 0; y < side; ++y) {
      for (int x = 0; x < side; ++x) {
        const bool in_symbol = x >= qr_quiet_modules && y >= qr_quiet_modules &&
                               x < side - qr_quiet_modules && y < side - qr_quiet_modules;
        const bool expected =
            in_symbol && matrix->is_dark(x - qr_quiet_modules, y - qr_quiet_modules);
        const bool drawn = (*painted)[static_cast<std::size_t>(y * side + x)] != 0;
        ASSERT_EQ(drawn, expected) << "module " << x << "," << y << " of " << payload;
        dark_in_symbol += expected ? 1 : 0;
        dark_in_path += drawn ? 1 : 0;
        // A run starts wherever a dark module follows a light one: runs are maximal.
        if (drawn && (x == 0 || (*painted)[static_cast<std::size_t>(y * side + x - 1)] == 0))
          ++runs;
      }
    }
    EXPECT_EQ(dark_in_path, dark_in_symbol);
    std::size_t subpaths = 0;
    for (char c : d) subpaths += c == 'M' ? 1 : 0;
    EXPECT_EQ(subpaths, runs) << "adjacent dark modules of a row are one run";
  }
}

TEST(qr_code, refuses_an_empty_or_oversized_payload) {
  const std::string too_long(max_qr_payload_bytes + 1, 'x');
  for (const std::string& bad : {std::string(), too_long}) {
    auto matrix = qr_modules(bad);
    auto png = qr_png(bad);
    auto svg = qr_svg(bad);
    for (const error* e : {matrix ? nullptr : &matrix.error(), png ? nullptr : &png.error(),
                           svg ? nullptr : &svg.error()}) {
      ASSERT_NE(e, nullptr) << "accepted a payload of " << bad.size() << " bytes";
      EXPECT_EQ(e->kind, error_kind::invalid_request);
      ASSERT_EQ(e->fields.size(), 1u);
      EXPECT_EQ(e->fields[0].field, "payload");
    }
  }
  EXPECT_TRUE(qr_svg(std::string(max_qr_payload_bytes, 'x')));
}

TEST(qr_code, carries_any_bytes) {
  // NUL, control and non-UTF-8 bytes are encoded as they are. zint packs the run of digits
  // 0-9 in numeric mode, which is why all 256 values fit version 11 rather than 12.
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  auto matrix = qr_modules(bytes);
  ASSERT_TRUE(matrix) << matrix.error().message;
  EXPECT_LE(matrix->size, 65);
  EXPECT_EQ(error_correction_bits(*matrix), 0);
}

TEST(qr_code, encodes_the_same_symbol_from_many_threads_at_once) {
  const std::string payload = payloads()[1];
  const auto expected = qr_svg(payload);
  ASSERT_TRUE(expected);
  std::vector<std::string> results(4 * 25);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < 25; ++i) {
        auto svg = qr_svg(payload);
        results[t * 25 + i] = svg ? *svg : std::string();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const std::string& svg : results) EXPECT_EQ(svg, *expected);
}

}  // namespace
}  // namespace parcelgate::labels
