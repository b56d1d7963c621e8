#include "gateway/labels/png_label.hpp"

#include <algorithm>
#include <cmath>

#include "gateway/labels/barcode.hpp"
#include "gateway/labels/png_encoder.hpp"
#include "gateway/labels/raster_canvas.hpp"

namespace parcelgate::labels {
namespace {

class png_writer {
 public:
  png_writer(const label_layout& layout, const png_options& options, font_rasterizer fonts)
      : layout_(layout),
        options_(options),
        dots_per_mm_(options.dots_per_inch / 25.4),
        fonts_(std::move(fonts)),
        canvas_(px(layout.page.width_mm), px(layout.page.height_mm)) {}

  result<std::string> write() {
    for (const box& b : layout_.boxes) draw_box(b);
    for (const cut_line& line : layout_.cut_lines) draw_cut_line(line);
    if (auto ok = draw_code128(); !ok) return std::unexpected(std::move(ok.error()));
    if (auto ok = draw_datamatrix(); !ok) return std::unexpected(std::move(ok.error()));
    draw_texts();
    return encode_png(canvas_, options_.bit_depth, options_.dots_per_inch);
  }

 private:
  int px(double mm) const { return static_cast<int>(std::lround(mm * dots_per_mm_)); }

  void draw_box(const box& b) {
    const int x = px(b.x_mm);
    const int y = px(b.y_mm);
    const int width = std::max(1, px(b.x_mm + b.width_mm) - x);
    const int height = std::max(1, px(b.y_mm + b.height_mm) - y);
    if (b.style == box_style::filled) {
      canvas_.fill_rect(x, y, width, height, 0);
    } else {
      canvas_.stroke_rect(x, y, width, height, std::max(1, px(b.line_mm)));
    }
  }

  void draw_cut_line(const cut_line& line) {
    const int thickness = std::max(1, px(line.line_mm));
    const int dash = std::max(1, px(line.dash_mm));
    const int end = px(line.x_to_mm);
    const int y = px(line.y_mm) - thickness / 2;
    for (int x = px(line.x_from_mm); x < end; x += 2 * dash)
      canvas_.fill_rect(x, y, std::min(dash, end - x), thickness, 0);
  }

  static error too_dense(const char* field, const char* what) {
    const std::string message =
        std::string(what) + " is too long for a barcode at this label's resolution";
    return error{
        .kind = error_kind::invalid_request, .message = message, .fields = {{field, message}}};
  }

  result<void> draw_code128() {
    const code128_placement& place = layout_.code128;
    const int total = place.size.columns + 2 * code128_quiet_modules;
    const int module = module_dots(place.width_mm, total, dots_per_mm_, place.max_module_mm);
    if (module < 2) return fail(too_dense("tracking_number", "tracking number"));
    auto symbol = rasterize_code128(place.data, module, px(place.height_mm));
    if (!symbol) return std::unexpected(std::move(symbol.error()));
    const int x = px(place.x_mm) + (px(place.width_mm) - symbol->width) / 2;
    canvas_.draw_symbol(*symbol, x, px(place.y_mm));
    return {};
  }

  result<void> draw_datamatrix() {
    if (!layout_.datamatrix) return {};
    const datamatrix_placement& place = *layout_.datamatrix;
    const int total = place.size.columns + 2 * datamatrix_quiet_modules;
    const int module = module_dots(place.side_mm, total, dots_per_mm_, place.max_module_mm);
    if (module < 2) return fail(too_dense("matrix_code", "matrix code"));
    auto symbol = rasterize_datamatrix(place.data, module);
    if (!symbol) return std::unexpected(std::move(symbol.error()));
    const int offset = (px(place.side_mm) - symbol->width) / 2;
    canvas_.fill_rect(px(place.x_mm), px(place.y_mm), px(place.side_mm), px(place.side_mm), 255);
    canvas_.draw_symbol(*symbol, px(place.x_mm) + offset, px(place.y_mm) + offset);
    return {};
  }

  void draw_texts() {
    const text_measure measure = [this](std::string_view text, font_weight weight, double size_mm) {
      return fonts_.measure(text, weight, size_mm * dots_per_mm_) / dots_per_mm_;
    };
    for (const text_line& line : layout_.texts) {
      const fitted_text fitted = fit_text(line, measure);
      fonts_.draw(canvas_, fitted.text, line.weight, fitted.size_mm * dots_per_mm_,
                  fitted.left_mm * dots_per_mm_, line.baseline_mm * dots_per_mm_, line.inverse);
    }
  }

  const label_layout& layout_;
  const png_options& options_;
  double dots_per_mm_;
  font_rasterizer fonts_;
  raster_canvas canvas_;
};

}  // namespace

png_options default_png_options(label_size size) noexcept {
  if (size == label_size::a4) return png_options{150, 8, {}};
  return png_options{203, 1, {}};
}

result<std::string> render_png(const label_layout& layout, const png_options& options) {
  if (options.bit_depth != 1 && options.bit_depth != 8) {
    return make_error(error_kind::internal, "PNG labels are 1-bit or 8-bit grey");
  }
  if (options.dots_per_inch < 72 || options.dots_per_inch > 600) {
    return make_error(error_kind::internal, "PNG label resolution must be between 72 and 600 dpi");
  }
  font_files files = options.fonts;
  if (files.regular.empty() || files.bold.empty()) {
    auto found = find_label_fonts();
    if (!found) return std::unexpected(std::move(found.error()));
    files = std::move(*found);
  }
  auto fonts = font_rasterizer::open(files);
  if (!fonts) return std::unexpected(std::move(fonts.error()));
  return png_writer(layout, options, std::move(*fonts)).write();
}

}  // namespace parcelgate::labels
