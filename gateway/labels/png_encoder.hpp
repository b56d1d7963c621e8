#pragma once
// PNG encoding of a raster canvas with libpng: greyscale, 1 bit per pixel (black/white, what a
// thermal printer prints; grey below 128 becomes black) or 8 bits per pixel. The pHYs chunk
// carries the resolution so that the image prints at its true size.

#include <string>

#include "gateway/domain/error.hpp"
#include "gateway/labels/raster_canvas.hpp"

namespace parcelgate::labels {

// bit_depth is 1 or 8. Errors: internal when libpng fails (or on a bad bit depth).
result<std::string> encode_png(const raster_canvas& canvas, int bit_depth, int dots_per_inch);

}  // namespace parcelgate::labels
