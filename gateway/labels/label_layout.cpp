#include "gateway/labels/label_layout.hpp"

#include <algorithm>
#include <cmath>

#include "gateway/labels/text_encoding.hpp"

namespace parcelgate::labels {
namespace {

// A rectangle of the page in millimetres.
struct frame {
  double x = 0, y = 0, width = 0, height = 0;
  double right() const { return x + width; }
  double bottom() const { return y + height; }
};

// Typography, in millimetres of em size. Baselines sit at cap_ratio * size below the top of
// capitals, which is what both Helvetica and DejaVu Sans need to look vertically centred.
constexpr double cap_ratio = 0.72;
constexpr double pad = 3.0;      // inner padding of every section
constexpr double rule_mm = 0.4;  // separator lines
constexpr double frame_line_mm = 0.5;
constexpr double header_height = 13.0;
constexpr double info_height = 11.5;
constexpr double routing_height = 26.0;
constexpr double barcode_section_height = 30.0;
constexpr double bar_height = 19.0;
constexpr double footer_height = 6.0;
constexpr double wide_frame_mm = 150.0;  // from this width the middle is set in two columns
constexpr std::size_t max_sender_lines = 5;
constexpr std::size_t max_recipient_lines = 8;
constexpr double max_recipient_scale = 1.35;

// Cleans every line, drops empty ones and folds lines beyond `max_lines` into the last one.
std::vector<std::string> clean_lines(const std::vector<std::string>& lines, std::size_t max_lines) {
  std::vector<std::string> out;
  for (const auto& raw : lines) {
    std::string line = sanitize_label_text(raw);
    if (line.empty()) continue;
    if (out.size() < max_lines) {
      out.push_back(std::move(line));
    } else {
      out.back() += ", " + line;
    }
  }
  return out;
}

error field_error_of(error e, std::string field) {
  e.fields.push_back({std::move(field), e.message});
  return e;
}

class layout_builder {
 public:
  layout_builder(const label_content& content, label_size size) : content_(content), size_(size) {
    layout_.page = page_dimensions_of(size);
  }

  result<label_layout> build() {
    auto code = measure_code128(content_.tracking_number);
    if (!code) return fail(field_error_of(std::move(code.error()), "tracking_number"));
    std::optional<symbol_size> matrix;
    if (!content_.matrix_code.empty()) {
      auto measured = measure_datamatrix(content_.matrix_code);
      if (!measured) return fail(field_error_of(std::move(measured.error()), "matrix_code"));
      matrix = *measured;
    }

    const frame label = label_frame();
    add_outline(label, frame_line_mm);
    const double top = add_header(label);

    // The fixed-height sections stack up from the bottom; the middle takes what is left.
    double bottom = label.bottom();
    if (const std::string footer = sanitize_label_text(content_.footer); !footer.empty()) {
      bottom -= footer_height;
      add_rule(label, bottom);
      add_text(footer, label.x + pad, label.width - 2 * pad, bottom + footer_height - 1.9, 2.6, 1.8,
               font_weight::regular, text_align::center);
    }
    bottom -= barcode_section_height;
    add_rule(label, bottom);
    if (auto ok = add_code128(label, bottom, *code); !ok)
      return std::unexpected(std::move(ok.error()));
    const std::string routing = sanitize_label_text(content_.routing);
    if (!routing.empty() || matrix) {
      bottom -= routing_height;
      add_rule(label, bottom);
      if (auto ok = add_routing(label, bottom, routing, matrix); !ok)
        return std::unexpected(std::move(ok.error()));
    }
    const frame middle{label.x, top, label.width, bottom - top};
    if (label.width >= wide_frame_mm) {
      add_middle_in_columns(middle);
    } else {
      add_middle_stacked(middle);
    }
    if (size_ == label_size::a4) add_cut_instructions();
    return std::move(layout_);
  }

 private:
  frame label_frame() const {
    const page_dimensions page = layout_.page;
    if (size_ == label_size::a4) {
      // Upper half of the sheet; the lower half is left for the cut line and the instructions.
      return frame{10.0, 8.0, page.width_mm - 20.0, page.height_mm / 2 - 14.0};
    }
    return frame{3.0, 3.0, page.width_mm - 6.0, page.height_mm - 6.0};
  }

  void add_outline(const frame& f, double line) {
    layout_.boxes.push_back({f.x, f.y, f.width, f.height, box_style::outline, line});
  }

  void add_rule(const frame& f, double y) {
    layout_.boxes.push_back({f.x, y - rule_mm / 2, f.width, rule_mm, box_style::filled, 0});
  }

  void add_text(std::string text, double left, double width, double baseline, double size,
                double min_size, font_weight weight, text_align align, bool inverse = false) {
    if (text.empty()) return;
    layout_.texts.push_back(
        {std::move(text), left, width, baseline, size, min_size, weight, align, inverse});
  }

  double add_header(const frame& f) {
    layout_.boxes.push_back({f.x, f.y, f.width, header_height, box_style::filled, 0});
    const double name_size = 6.5;
    const double product_size = 5.5;
    const double split = f.x + f.width * 0.62;
    add_text(sanitize_label_text(content_.carrier_name), f.x + pad, split - f.x - pad,
             f.y + header_height / 2 + name_size * cap_ratio / 2, name_size, 3.5, font_weight::bold,
             text_align::left, true);
    add_text(sanitize_label_text(content_.product), split + 1.0, f.right() - pad - split - 1.0,
             f.y + header_height / 2 + product_size * cap_ratio / 2, product_size, 3.0,
             font_weight::bold, text_align::right, true);
    return f.y + header_height;
  }

  bool has_info() const {
    return !sanitize_label_text(content_.weight).empty() ||
           !sanitize_label_text(content_.reference).empty();
  }

  // Narrow labels: sender, recipient and the weight/reference row one below the other.
  void add_middle_stacked(const frame& middle) {
    const double top = add_sender(middle, middle.y, true);
    double recipient_bottom = middle.bottom();
    if (has_info()) {
      recipient_bottom -= info_height;
      add_rule(middle, recipient_bottom);
      add_info(frame{middle.x, recipient_bottom, middle.width, info_height});
    }
    add_recipient(frame{middle.x, top, middle.width, recipient_bottom - top});
  }

  // Wide labels (A4): sender over weight/reference on the left, the recipient on the right.
  void add_middle_in_columns(const frame& middle) {
    const frame left{middle.x, middle.y, middle.width * 0.42, middle.height};
    const frame right{left.right(), middle.y, middle.right() - left.right(), middle.height};
    layout_.boxes.push_back(
        {left.right() - rule_mm / 2, middle.y, rule_mm, middle.height, box_style::filled, 0});
    add_sender(left, left.y, false);
    if (has_info()) {
      const double info_top = left.bottom() - info_height;
      add_rule(left, info_top);
      add_info(frame{left.x, info_top, left.width, info_height});
    }
    add_recipient(right);
  }

  double add_sender(const frame& f, double top, bool rule_below) {
    const auto lines = clean_lines(content_.sender_lines, max_sender_lines);
    if (lines.empty()) return top;
    const double caption_size = 2.3;
    const double size = 2.9;
    const double pitch = 3.5;
    double baseline = top + 3.4;
    add_text("FROM", f.x + pad, f.width - 2 * pad, baseline, caption_size, caption_size,
             font_weight::bold, text_align::left);
    baseline += 3.7;
    for (const auto& line : lines) {
      add_text(line, f.x + pad, f.width - 2 * pad, baseline, size, 2.0, font_weight::regular,
               text_align::left);
      baseline += pitch;
    }
    const double bottom = baseline - pitch + 2.4;
    if (rule_below) add_rule(f, bottom);
    return bottom;
  }

  // The recipient block: a heavy frame, a "TO" caption, the name in bold and the address lines
  // below, scaled together: down when there are more lines than room, up (within limits) when
  // there is room to spare. Lines too wide for the box shrink on their own in fit_text.
  void add_recipient(const frame& area) {
    const frame inner{area.x + 1.5, area.y + 1.5, area.width - 3.0, area.height - 3.0};
    add_outline(inner, 0.8);
    const double caption_size = 2.6;
    const double caption_baseline = inner.y + 3.9;
    add_text("TO", inner.x + pad, inner.width - 2 * pad, caption_baseline, caption_size,
             caption_size, font_weight::bold, text_align::left);
    const auto lines = clean_lines(content_.recipient_lines, max_recipient_lines);
    if (lines.empty()) return;

    const double name_size = 5.4;
    const double line_size = 4.6;
    const double leading = 1.22;
    double needed = name_size * cap_ratio;
    for (std::size_t i = 1; i < lines.size(); ++i) needed += line_size * leading;
    const double available = inner.bottom() - 2.0 - (caption_baseline + 2.2);
    const double scale = std::clamp(available / needed, 0.5, max_recipient_scale);

    double baseline = caption_baseline + 2.2 + name_size * scale * cap_ratio;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const bool name = i == 0;
      const double size = (name ? name_size : line_size) * scale;
      if (!name) baseline += size * leading;
      add_text(lines[i], inner.x + pad, inner.width - 2 * pad, baseline, size, size * 0.6,
               name ? font_weight::bold : font_weight::regular, text_align::left);
    }
  }

  void add_info(const frame& f) {
    const double split = f.x + f.width * 0.38;
    layout_.boxes.push_back({split - rule_mm / 2, f.y, rule_mm, f.height, box_style::filled, 0});
    const double caption_baseline = f.y + 3.4;
    const double value_baseline = f.y + 9.0;
    add_text("WEIGHT", f.x + pad, split - f.x - 2 * pad, caption_baseline, 2.2, 2.2,
             font_weight::bold, text_align::left);
    add_text(sanitize_label_text(content_.weight), f.x + pad, split - f.x - 2 * pad, value_baseline,
             4.6, 2.6, font_weight::bold, text_align::left);
    add_text("REFERENCE", split + pad, f.right() - split - 2 * pad, caption_baseline, 2.2, 2.2,
             font_weight::bold, text_align::left);
    add_text(sanitize_label_text(content_.reference), split + pad, f.right() - split - 2 * pad,
             value_baseline, 3.8, 2.2, font_weight::regular, text_align::left);
  }

  result<void> add_routing(const frame& f, double top, const std::string& routing,
                           const std::optional<symbol_size>& matrix) {
    double text_right = f.right() - pad;
    if (matrix) {
      const double side = routing_height - 3.0;
      const int total = matrix->columns + 2 * datamatrix_quiet_modules;
      if (side / total < min_module_mm) {
        const std::string message = "matrix code is too long to print as a DataMatrix on a " +
                                    std::string(to_string(size_)) + " label";
        return fail(error{.kind = error_kind::invalid_request,
                          .message = message,
                          .fields = {{"matrix_code", message}}});
      }
      const double x = f.right() - 1.5 - side;
      layout_.datamatrix =
          datamatrix_placement{content_.matrix_code, *matrix, x, top + 1.5, side, 1.0};
      text_right = x - 1.0;
    }
    const double size = 12.0;
    add_text(routing, f.x + pad, text_right - f.x - pad,
             top + routing_height / 2 + size * cap_ratio / 2, size, 3.5, font_weight::bold,
             text_align::left);
    return {};
  }

  result<void> add_code128(const frame& f, double top, symbol_size code) {
    const double x = f.x + 2.0;
    const double width = f.width - 4.0;
    const int total = code.columns + 2 * code128_quiet_modules;
    if (width / total < min_module_mm) {
      const std::string message =
          "tracking number is too long to print as a Code128 barcode on a " +
          std::string(to_string(size_)) + " label";
      return fail(error{.kind = error_kind::invalid_request,
                        .message = message,
                        .fields = {{"tracking_number", message}}});
    }
    layout_.code128 =
        code128_placement{content_.tracking_number, code, x, top + 3.0, width, bar_height, 0.5};
    const double text_size = 3.8;
    add_text(content_.tracking_number, f.x + pad, f.width - 2 * pad,
             top + 3.0 + bar_height + 1.3 + text_size * cap_ratio, text_size, 2.4,
             font_weight::bold, text_align::center);
    return {};
  }

  void add_cut_instructions() {
    const page_dimensions page = layout_.page;
    const double y = page.height_mm / 2;
    layout_.cut_lines.push_back({6.0, page.width_mm - 6.0, y, 0.3, 2.5});
    add_text(
        "Cut along the dashed line and attach the label flat on the largest side of the parcel.",
        10.0, page.width_mm - 20.0, y + 7.0, 3.2, 2.2, font_weight::regular, text_align::center);
    add_text("Do not cover or fold the barcode.", 10.0, page.width_mm - 20.0, y + 12.0, 3.2, 2.2,
             font_weight::regular, text_align::center);
  }

  const label_content& content_;
  label_size size_;
  label_layout layout_;
};

}  // namespace

page_dimensions page_dimensions_of(label_size size) noexcept {
  switch (size) {
    case label_size::a6:
      return {105.0, 148.0};
    case label_size::in4x6:
      return {101.6, 152.4};
    case label_size::a4:
      return {210.0, 297.0};
  }
  return {105.0, 148.0};
}

result<label_layout> build_layout(const label_content& content, label_size size) {
  return layout_builder(content, size).build();
}

fitted_text fit_text(const text_line& line, const text_measure& measure) {
  fitted_text out{line.text, line.size_mm, line.slot_left_mm};
  double width = measure(out.text, line.weight, out.size_mm);
  if (width > line.slot_width_mm && width > 0) {
    out.size_mm = std::max(line.min_size_mm, out.size_mm * line.slot_width_mm / width);
    width = measure(out.text, line.weight, out.size_mm);
    // Rounding in a writer's metrics can leave a hair too much; one more step settles it.
    if (width > line.slot_width_mm && out.size_mm > line.min_size_mm) {
      out.size_mm = std::max(line.min_size_mm, out.size_mm * 0.97);
      width = measure(out.text, line.weight, out.size_mm);
    }
  }
  if (width > line.slot_width_mm) {
    // Longest prefix that fits with an ellipsis, found by bisection over code points.
    std::size_t low = 0;
    std::size_t high = decode_utf8(line.text).size();
    while (low < high) {
      const std::size_t mid = (low + high + 1) / 2;
      if (measure(truncate_utf8(line.text, mid) + "...", line.weight, out.size_mm) <=
          line.slot_width_mm) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    out.text = truncate_utf8(line.text, low) + "...";
    width = measure(out.text, line.weight, out.size_mm);
  }
  switch (line.align) {
    case text_align::left:
      out.left_mm = line.slot_left_mm;
      break;
    case text_align::center:
      out.left_mm = line.slot_left_mm + (line.slot_width_mm - width) / 2;
      break;
    case text_align::right:
      out.left_mm = line.slot_left_mm + line.slot_width_mm - width;
      break;
  }
  return out;
}

int module_dots(double area_mm, int total_modules, double dots_per_mm,
                double max_module_mm) noexcept {
  if (total_modules <= 0) return 0;
  const int area_dots = static_cast<int>(std::floor(area_mm * dots_per_mm));
  const int cap = std::max(1, static_cast<int>(std::lround(max_module_mm * dots_per_mm)));
  return std::min(area_dots / total_modules, cap);
}

}  // namespace parcelgate::labels
