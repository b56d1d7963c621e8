#pragma once
// PNG writer for label layouts: the layout is rasterized at the device resolution (text with
// FreeType, barcodes from zint's raster buffer with whole-pixel modules, at least 2 pixels each)
// and encoded with libpng.

#include <string>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"
#include "gateway/labels/font_rasterizer.hpp"
#include "gateway/labels/label_layout.hpp"

namespace parcelgate::labels {

struct png_options {
  int dots_per_inch = 203;
  int bit_depth = 1;  // 1 (black and white) or 8 (grey, antialiased text)
  font_files fonts;   // empty paths: looked up with find_label_fonts()
};

// The options render() uses: A6 and 4x6 are thermal labels, 203 dpi in 1 bit; A4 is an office
// sheet, 150 dpi in 8-bit grey.
png_options default_png_options(label_size size) noexcept;

// Returns the PNG bytes. Errors: invalid_request when a barcode cannot get 2 pixels per module
// at this resolution; internal when the fonts are missing or FreeType/libpng/zint fail.
result<std::string> render_png(const label_layout& layout, const png_options& options);

}  // namespace parcelgate::labels
