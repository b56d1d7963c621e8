#pragma once
// Barcode symbols for labels, encoded by libzint: Code128 for the tracking number and an
// ECC200 DataMatrix (square sizes only) for the optional matrix payload. Each call encodes
// from scratch; no state is shared, so every function is thread-safe.
//
// Quiet zones are NOT part of the returned symbols: the label layout reserves them around the
// placement (code128_quiet_modules / datamatrix_quiet_modules on each side).

#include <cstdint>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"

namespace parcelgate::labels {

// Quiet zone each side, in modules: ISO/IEC 15417 asks 10X for Code128; ISO/IEC 16022 asks 1X
// for DataMatrix, two are kept so that a box line next to it never touches the finder pattern.
inline constexpr int code128_quiet_modules = 10;
inline constexpr int datamatrix_quiet_modules = 2;

// Longest tracking number accepted, in characters.
inline constexpr std::size_t max_tracking_number_length = 64;

// Width and height of a symbol in modules (for Code128 `rows` is 1).
struct symbol_size {
  int columns = 0;
  int rows = 0;
};

// A symbol rasterized by zint: `width` x `height` pixels, row-major, 1 = dark, 0 = light.
struct raster_symbol {
  int width = 0;
  int height = 0;
  int module_px = 0;
  std::vector<std::uint8_t> dark;

  bool is_dark(int x, int y) const {
    return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                static_cast<std::size_t>(x)] != 0;
  }
};

// A dark rectangle of a vector symbol. Units: modules horizontally; vertically modules for
// DataMatrix and fractions of the bar height (0..1) for Code128. Origin top-left.
struct symbol_rect {
  double x = 0, y = 0, width = 0, height = 0;
};

// A symbol as zint's vector output: `columns` modules wide; for DataMatrix `rows` modules high,
// for Code128 bars span a height of 1.
struct vector_symbol {
  symbol_size size;
  std::vector<symbol_rect> rects;
};

// Checks that `data` is a tracking number that Code128 can carry (1..64 printable ASCII
// characters, 0x20..0x7E) and returns the symbol width in modules. invalid_request otherwise.
result<symbol_size> measure_code128(std::string_view data);

// Returns the size of the smallest square DataMatrix holding `data` (bytes, taken as-is).
// invalid_request when empty or above the DataMatrix capacity.
result<symbol_size> measure_datamatrix(std::string_view data);

// Rasterizes the Code128 of `data` with `module_px` pixels per module and bars `height_px` high.
result<raster_symbol> rasterize_code128(std::string_view data, int module_px, int height_px);

// Rasterizes the DataMatrix of `data` with `module_px` pixels per module.
result<raster_symbol> rasterize_datamatrix(std::string_view data, int module_px);

// zint's vector rectangles for the Code128 / DataMatrix of `data`, in module units.
result<vector_symbol> vectorize_code128(std::string_view data);
result<vector_symbol> vectorize_datamatrix(std::string_view data);

}  // namespace parcelgate::labels
