#include "gateway/labels/png_label.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "external_tools.hpp"
#include "gateway/labels/label.hpp"
#include "sample_label.hpp"

namespace parcelgate::labels {
namespace {

using testing::missing_tool;
using testing::run_command;
using testing::sample_content;
using testing::shell_quote;
using testing::temp_dir;

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i)
    value = (value << 8) | static_cast<unsigned char>(bytes.at(at + i));
  return value;
}

struct png_header {
  std::uint32_t width = 0, height = 0;
  int bit_depth = 0, colour_type = -1;
};

png_header read_header(const std::string& png) {
  png_header header;
  if (png.size() < 33 || png.compare(12, 4, "IHDR") != 0) return header;
  header.width = big_endian(png, 16);
  header.height = big_endian(png, 20);
  header.bit_depth = static_cast<unsigned char>(png[24]);
  header.colour_type = static_cast<unsigned char>(png[25]);
  return header;
}

const std::string png_signature("\x89PNG\r\n\x1A\n", 8);

struct size_case {
  label_size size;
  std::uint32_t width, height;
  int bit_depth;
  std::uint32_t pixels_per_metre;
};

void PrintTo(const size_case& c, std::ostream* out) {
  *out << to_string(c.size);
}

class png_label_per_size : public ::testing::TestWithParam<size_case> {};

TEST_P(png_label_per_size, has_the_page_size_at_the_device_resolution) {
  const size_case c = GetParam();
  auto png = render(sample_content(), label_format::png, c.size);
  ASSERT_TRUE(png) << png.error().message;
  ASSERT_EQ(png->compare(0, 8, png_signature), 0);
  const png_header header = read_header(*png);
  EXPECT_EQ(header.width, c.width);
  EXPECT_EQ(header.height, c.height);
  EXPECT_EQ(header.bit_depth, c.bit_depth);
  EXPECT_EQ(header.colour_type, 0) << "greyscale";
  const std::size_t phys = png->find("pHYs");
  ASSERT_NE(phys, std::string::npos);
  EXPECT_EQ(big_endian(*png, phys + 4), c.pixels_per_metre);
}

TEST_P(png_label_per_size, code128_and_datamatrix_decode) {
  ASSERT_EQ(missing_tool("zbarimg", "zbar-tools"), "");
  ASSERT_EQ(missing_tool("dmtxread", "dmtx-utils"), "");
  auto content = sample_content();
  content.matrix_code = "6A15984040331|69007|FR|1200";
  auto png = render(content, label_format::png, GetParam().size);
  ASSERT_TRUE(png) << png.error().message;
  temp_dir dir;
  const auto file = dir.write("label.png", *png);
  const auto code = run_command("zbarimg -q " + shell_quote(file) + " 2>/dev/null");
  EXPECT_EQ(code.exit_code, 0) << "zbarimg found no barcode";
  EXPECT_EQ(code.output, "CODE-128:6A15984040331\n");
  const auto matrix = run_command("dmtxread -N1 " + shell_quote(file) + " 2>&1");
  EXPECT_EQ(matrix.exit_code, 0) << matrix.output;
  EXPECT_EQ(matrix.output, "6A15984040331|69007|FR|1200");
}

INSTANTIATE_TEST_SUITE_P(sizes, png_label_per_size,
                         ::testing::Values(size_case{label_size::a6, 839, 1183, 1, 7992},
                                           size_case{label_size::in4x6, 812, 1218, 1, 7992},
                                           size_case{label_size::a4, 1240, 1754, 8, 5906}),
                         [](const auto& instance) {
                           return instance.param.size == label_size::in4x6
                                      ? std::string("in4x6")
                                      : std::string(to_string(instance.param.size));
                         });

TEST(png_label, long_tracking_numbers_still_decode_at_two_pixels_per_module) {
  ASSERT_EQ(missing_tool("zbarimg", "zbar-tools"), "");
  auto content = sample_content();
  for (const std::string tracking : {"00340434161094042557", "1Z999AA10123456784",
                                     "JJD0003900077222222220042", "CX-123/456 abc.def+GH"}) {
    content.tracking_number = tracking;
    auto png = render(content, label_format::png, label_size::in4x6);
    ASSERT_TRUE(png) << png.error().message;
    temp_dir dir;
    const auto code =
        run_command("zbarimg -q " + shell_quote(dir.write("label.png", *png)) + " 2>/dev/null");
    EXPECT_EQ(code.output, "CODE-128:" + tracking + "\n") << tracking;
  }
}

TEST(png_label, eight_bit_output_on_request) {
  auto layout = build_layout(sample_content(), label_size::a6);
  ASSERT_TRUE(layout);
  auto png = render_png(*layout, png_options{203, 8, {}});
  ASSERT_TRUE(png) << png.error().message;
  EXPECT_EQ(read_header(*png).bit_depth, 8);
}

TEST(png_label, missing_font_is_an_internal_error_not_a_crash) {
  auto layout = build_layout(sample_content(), label_size::a6);
  ASSERT_TRUE(layout);
  auto png = render_png(
      *layout,
      png_options{203, 1, {"/nonexistent/DejaVuSans.ttf", "/nonexistent/DejaVuSans-Bold.ttf"}});
  ASSERT_FALSE(png);
  EXPECT_EQ(png.error().kind, error_kind::internal);
  EXPECT_NE(png.error().message.find("label font not found"), std::string::npos)
      << png.error().message;
}

TEST(png_label, a_file_that_is_not_a_font_is_an_internal_error) {
  temp_dir dir;
  const auto fake = dir.write("DejaVuSans.ttf", "this is not a TrueType font");
  auto layout = build_layout(sample_content(), label_size::a6);
  ASSERT_TRUE(layout);
  auto png = render_png(*layout, png_options{203, 1, {fake.string(), fake.string()}});
  ASSERT_FALSE(png);
  EXPECT_EQ(png.error().kind, error_kind::internal);
  EXPECT_NE(png.error().message.find("cannot be read"), std::string::npos) << png.error().message;
}

TEST(png_label, finds_the_installed_dejavu_fonts) {
  auto fonts = find_label_fonts();
  ASSERT_TRUE(fonts) << fonts.error().message << " (apt-get install fonts-dejavu-core)";
  EXPECT_NE(fonts->regular.find("DejaVuSans.ttf"), std::string::npos);
  EXPECT_NE(fonts->bold.find("DejaVuSans-Bold.ttf"), std::string::npos);
}

}  // namespace
}  // namespace parcelgate::labels
