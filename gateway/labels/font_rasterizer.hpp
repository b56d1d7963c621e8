#pragma once
// Text for raster labels, set with FreeType in DejaVu Sans (regular and bold). The font files
// are looked up on the machine at run time (package fonts-dejavu-core on Debian); a missing or
// unreadable font is an `internal` error, never a crash.
//
// A font_rasterizer owns its FreeType library and faces: create one per rendering, don't share
// it between threads.

#include <memory>
#include <string>
#include <string_view>

#include "gateway/domain/error.hpp"
#include "gateway/labels/label_layout.hpp"

namespace parcelgate::labels {

class raster_canvas;

struct font_files {
  std::string regular;  // path of DejaVuSans.ttf (or a compatible TrueType font)
  std::string bold;     // path of DejaVuSans-Bold.ttf
};

// Looks for DejaVuSans.ttf and DejaVuSans-Bold.ttf in the usual font directories.
result<font_files> find_label_fonts();

class font_rasterizer {
 public:
  // Loads both faces. internal error naming the file when one is missing or not a font.
  static result<font_rasterizer> open(const font_files& files);

  font_rasterizer(font_rasterizer&&) noexcept;
  font_rasterizer& operator=(font_rasterizer&&) noexcept;
  ~font_rasterizer();

  // Advance width of `utf8` in pixels at an em size of `size_px`.
  double measure(std::string_view utf8, font_weight weight, double size_px);

  // Draws `utf8` with its baseline at `baseline_y`, starting at `left_x`; black, or white
  // when `light`. Characters the font lacks are drawn as '?'.
  void draw(raster_canvas& canvas, std::string_view utf8, font_weight weight, double size_px,
            double left_x, double baseline_y, bool light);

 private:
  struct state;
  explicit font_rasterizer(std::unique_ptr<state> state);
  std::unique_ptr<state> state_;
};

}  // namespace parcelgate::labels
