#pragma once
// An 8-bit grey pixel buffer that the PNG writer draws a label into: 0 is black, 255 white,
// row-major, origin top-left. Drawing clips to the canvas; nothing here can fail.

#include <cstdint>
#include <vector>

namespace parcelgate::labels {

struct raster_symbol;

class raster_canvas {
 public:
  // A white canvas. Negative sizes are treated as 0.
  raster_canvas(int width, int height);

  int width() const noexcept { return width_; }
  int height() const noexcept { return height_; }
  const std::vector<std::uint8_t>& pixels() const noexcept { return pixels_; }
  std::uint8_t at(int x, int y) const noexcept;

  // Fills [x, x + width) x [y, y + height) with `grey`.
  void fill_rect(int x, int y, int width, int height, std::uint8_t grey);

  // Draws a rectangle outline whose `thickness` lies inside the rectangle.
  void stroke_rect(int x, int y, int width, int height, int thickness);

  // Blends `coverage` (0 = none, 255 = full) of black onto a pixel, or of white when `light`.
  void blend(int x, int y, std::uint8_t coverage, bool light);

  // Paints the dark modules of a barcode black with its top-left corner at (x, y). Light
  // modules are painted white, so a symbol is always readable whatever lies beneath it.
  void draw_symbol(const raster_symbol& symbol, int x, int y);

 private:
  int width_;
  int height_;
  std::vector<std::uint8_t> pixels_;
};

}  // namespace parcelgate::labels
