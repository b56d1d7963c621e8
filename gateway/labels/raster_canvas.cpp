#include "gateway/labels/raster_canvas.hpp"

#include <algorithm>

#include "gateway/labels/barcode.hpp"

namespace parcelgate::labels {

raster_canvas::raster_canvas(int width, int height)
    : width_(std::max(width, 0)),
      height_(std::max(height, 0)),
      pixels_(static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_), 255) {}

std::uint8_t raster_canvas::at(int x, int y) const noexcept {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return 255;
  return pixels_[static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) +
                 static_cast<std::size_t>(x)];
}

void raster_canvas::fill_rect(int x, int y, int width, int height, std::uint8_t grey) {
  const int x0 = std::clamp(x, 0, width_);
  const int x1 = std::clamp(x + width, 0, width_);
  const int y0 = std::clamp(y, 0, height_);
  const int y1 = std::clamp(y + height, 0, height_);
  for (int row = y0; row < y1; ++row) {
    auto* line = pixels_.data() + static_cast<std::size_t>(row) * static_cast<std::size_t>(width_);
    std::fill(line + x0, line + x1, grey);
  }
}

void raster_canvas::stroke_rect(int x, int y, int width, int height, int thickness) {
  thickness = std::max(1, thickness);
  fill_rect(x, y, width, thickness, 0);
  fill_rect(x, y + height - thickness, width, thickness, 0);
  fill_rect(x, y, thickness, height, 0);
  fill_rect(x + width - thickness, y, thickness, height, 0);
}

void raster_canvas::blend(int x, int y, std::uint8_t coverage, bool light) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_ || coverage == 0) return;
  auto& pixel = pixels_[static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) +
                        static_cast<std::size_t>(x)];
  const int p = pixel;
  const int c = coverage;
  const int blended = light ? p + (255 - p) * c / 255 : p * (255 - c) / 255;
  pixel = static_cast<std::uint8_t>(blended);
}

void raster_canvas::draw_symbol(const raster_symbol& symbol, int x, int y) {
  for (int row = 0; row < symbol.height; ++row) {
    const int target_y = y + row;
    if (target_y < 0 || target_y >= height_) continue;
    for (int column = 0; column < symbol.width; ++column) {
      const int target_x = x + column;
      if (target_x < 0 || target_x >= width_) continue;
      pixels_[static_cast<std::size_t>(target_y) * static_cast<std::size_t>(width_) +
              static_cast<std::size_t>(target_x)] = symbol.is_dark(column, row) ? 0 : 255;
    }
  }
}

}  // namespace parcelgate::labels
