#include "gateway/labels/barcode.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parcelgate::labels {
namespace {

TEST(barcode, measures_code128_of_a_tracking_number) {
  auto size = measure_code128("6A15984040331");
  ASSERT_TRUE(size) << size.error().message;
  // Start, check and stop symbols alone take 35 modules; every symbol is 11 modules wide.
  EXPECT_GT(size->columns, 35);
  EXPECT_EQ((size->columns - 13) % 11, 0);
  EXPECT_EQ(size->rows, 1);
}

TEST(barcode, rejects_tracking_numbers_code128_cannot_carry) {
  for (const std::string& bad : {std::string(), std::string("   "), std::string("AB\xE2\x82\xAC"),
                                 std::string("AB\x01"
                                             "C"),
                                 std::string(65, '7')}) {
    auto size = measure_code128(bad);
    ASSERT_FALSE(size) << "accepted '" << bad << "'";
    EXPECT_EQ(size.error().kind, error_kind::invalid_request);
  }
}

TEST(barcode, code128_raster_has_whole_pixel_modules_and_exact_height) {
  auto size = measure_code128("JJD000390007722222222");
  ASSERT_TRUE(size);
  auto symbol = rasterize_code128("JJD000390007722222222", 3, 120);
  ASSERT_TRUE(symbol) << symbol.error().message;
  EXPECT_EQ(symbol->width, size->columns * 3);
  EXPECT_EQ(symbol->height, 120);
  EXPECT_TRUE(symbol->is_dark(0, 0));  // the start symbol begins with a bar
  EXPECT_TRUE(symbol->is_dark(0, 119));
  EXPECT_TRUE(symbol->is_dark(symbol->width - 1, 60));  // and the stop pattern ends with one
}

TEST(barcode, datamatrix_raster_has_its_finder_pattern_and_clock_track) {
  auto symbol = rasterize_datamatrix("https://track.example/6A15984040331", 2);
  ASSERT_TRUE(symbol) << symbol.error().message;
  ASSERT_EQ(symbol->width, symbol->height);
  const int modules = symbol->width / 2;
  ASSERT_EQ(modules % 2, 0);
  auto dark = [&](int column, int row) { return symbol->is_dark(column * 2, row * 2); };
  for (int i = 0; i < modules; ++i) {
    EXPECT_TRUE(dark(0, i)) << "left edge, row " << i;
    EXPECT_TRUE(dark(i, modules - 1)) << "bottom edge, column " << i;
    EXPECT_EQ(dark(i, 0), i % 2 == 0) << "top clock track, column " << i;
    EXPECT_EQ(dark(modules - 1, i), i % 2 == 1) << "right clock track, row " << i;
  }
}

TEST(barcode, datamatrix_grows_with_its_payload_and_refuses_what_does_not_fit) {
  auto small = measure_datamatrix("12345");
  auto large = measure_datamatrix(std::string(300, 'x'));
  ASSERT_TRUE(small);
  ASSERT_TRUE(large);
  EXPECT_LT(small->columns, large->columns);
  EXPECT_EQ(small->columns, small->rows);

  auto too_large = measure_datamatrix(std::string(4000, 'x'));
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().kind, error_kind::invalid_request);
  EXPECT_FALSE(measure_datamatrix(""));
}

TEST(barcode, vector_symbols_are_in_module_units) {
  auto code = vectorize_code128("6A15984040331");
  ASSERT_TRUE(code) << code.error().message;
  double right_edge = 0;
  for (const auto& r : code->rects) {
    EXPECT_GE(r.width, 1.0 - 1e-6);
    EXPECT_NEAR(r.height, 1.0, 1e-6);
    right_edge = std::max(right_edge, r.x + r.width);
  }
  EXPECT_NEAR(right_edge, code->size.columns, 1e-6);

  auto matrix = vectorize_datamatrix("6A15984040331");
  ASSERT_TRUE(matrix) << matrix.error().message;
  for (const auto& r : matrix->rects) {
    EXPECT_LE(r.x + r.width, matrix->size.columns + 1e-6);
    EXPECT_LE(r.y + r.height, matrix->size.rows + 1e-6);
  }
}

}  // namespace
}  // namespace parcelgate::labels
