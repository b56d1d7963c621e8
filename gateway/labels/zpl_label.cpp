#include "gateway/labels/zpl_label.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gateway/labels/text_encoding.hpp"

namespace parcelgate::labels {
namespace {

int dots(double mm) {
  return static_cast<int>(std::lround(mm * zpl_dots_per_mm));
}

// Advance widths of font 0 (CG Triumvirate Bold Condensed) as a fraction of the ^A0 height,
// rounded up: the printer's metrics are not available here, and a line that is estimated too
// wide only ends up a little smaller, while one estimated too narrow would wrap inside ^FB.
double font0_advance(char32_t cp) {
  if (cp == U' ') return 0.30;
  if (cp == U'i' || cp == U'l' || cp == U'j' || cp == U'.' || cp == U',' || cp == U'\'' ||
      cp == U':')
    return 0.30;
  if (cp == U'm' || cp == U'w' || cp == U'M' || cp == U'W' || cp == U'@') return 0.85;
  if (cp >= U'a' && cp <= U'z') return 0.55;
  if ((cp >= U'A' && cp <= U'Z') || (cp >= U'0' && cp <= U'9')) return 0.62;
  return 0.65;
}

double estimate_width(std::string_view utf8, font_weight, double size_mm) {
  double em = 0;
  for (char32_t cp : decode_utf8(utf8)) em += font0_advance(cp);
  return em * size_mm;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::size_t digit_run(std::string_view data, std::size_t from) {
  std::size_t n = 0;
  while (from + n < data.size() && is_digit(data[from + n])) ++n;
  return n;
}

class zpl_writer {
 public:
  explicit zpl_writer(const label_layout& layout) : layout_(layout) {}

  result<std::string> write() {
    const int width = dots(layout_.page.width_mm);
    const int height = dots(layout_.page.height_mm);
    out_ =
        "^XA\n^CI28\n^PW" + std::to_string(width) + "\n^LL" + std::to_string(height) + "\n^LH0,0\n";
    for (const box& b : layout_.boxes) write_box(b);
    for (const cut_line& line : layout_.cut_lines) write_cut_line(line);
    if (auto ok = write_code128(); !ok) return std::unexpected(std::move(ok.error()));
    if (auto ok = write_datamatrix(); !ok) return std::unexpected(std::move(ok.error()));
    for (const text_line& line : layout_.texts) write_text(line);
    out_ += "^PQ1\n^XZ\n";
    return std::move(out_);
  }

 private:
  void graphic_box(int x, int y, int width, int height, int thickness) {
    width = std::max(width, 1);
    height = std::max(height, 1);
    thickness = std::clamp(thickness, 1, std::min(width, height));
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "^FO%d,%d^GB%d,%d,%d,B,0^FS\n", x, y, width, height,
                  thickness);
    out_ += buffer;
  }

  void write_box(const box& b) {
    const int x = dots(b.x_mm);
    const int y = dots(b.y_mm);
    const int width = dots(b.x_mm + b.width_mm) - x;
    const int height = dots(b.y_mm + b.height_mm) - y;
    // A ^GB whose thickness equals its smaller side is a solid rectangle.
    const int thickness =
        b.style == box_style::filled ? std::min(width, height) : std::max(1, dots(b.line_mm));
    graphic_box(x, y, width, height, thickness);
  }

  void write_cut_line(const cut_line& line) {
    const int thickness = std::max(1, dots(line.line_mm));
    const int dash = std::max(1, dots(line.dash_mm));
    const int end = dots(line.x_to_mm);
    for (int x = dots(line.x_from_mm); x < end; x += 2 * dash) {
      graphic_box(x, dots(line.y_mm), std::min(dash, end - x), thickness, thickness);
    }
  }

  void write_text(const text_line& line) {
    const fitted_text fitted = fit_text(line, estimate_width);
    const int height = std::max(10, dots(fitted.size_mm));
    // ^FO is the top of the character cell; font 0 puts its baseline about 0.78 h below it.
    const int top = dots(line.baseline_mm) - static_cast<int>(std::lround(height * 0.78));
    const char justify = line.align == text_align::left     ? 'L'
                         : line.align == text_align::center ? 'C'
                                                            : 'R';
    char buffer[128];
    std::snprintf(buffer, sizeof buffer, "^FO%d,%d^A0N,%d^FB%d,1,0,%c,0", dots(line.slot_left_mm),
                  std::max(0, top), height, std::max(1, dots(line.slot_width_mm)), justify);
    out_ += buffer;
    if (line.inverse) out_ += "^FR";
    out_ += "^FH^FD" + zpl_escape_field(fitted.text, true) + "^FS\n";
  }

  result<void> write_code128() {
    const code128_placement& place = layout_.code128;
    int modules = 0;
    const std::string data = zpl_code128_data(place.data, modules);
    modules = std::max(modules, place.size.columns);
    const int module = module_dots(place.width_mm, modules + 2 * code128_quiet_modules,
                                   zpl_dots_per_mm, place.max_module_mm);
    if (module < 2) {
      const std::string message = "tracking number is too long for a Code128 barcode on this label";
      return fail(error{.kind = error_kind::invalid_request,
                        .message = message,
                        .fields = {{"tracking_number", message}}});
    }
    const int area_x = dots(place.x_mm);
    const int x = area_x + (dots(place.width_mm) - modules * module) / 2;
    const int height = dots(place.height_mm);
    char buffer[128];
    std::snprintf(buffer, sizeof buffer, "^FO%d,%d^BY%d,3,%d^BCN,%d,N,N,N,N", x, dots(place.y_mm),
                  module, height, height);
    out_ += buffer;
    out_ += "^FH^FD" + zpl_escape_field(data, false) + "^FS\n";
    return {};
  }

  result<void> write_datamatrix() {
    if (!layout_.datamatrix) return {};
    const datamatrix_placement& place = *layout_.datamatrix;
    const int total = place.size.columns + 2 * datamatrix_quiet_modules;
    const int module = module_dots(place.side_mm, total, zpl_dots_per_mm, place.max_module_mm);
    if (module < 2) {
      const std::string message = "matrix code is too long for a DataMatrix on this label";
      return fail(error{.kind = error_kind::invalid_request,
                        .message = message,
                        .fields = {{"matrix_code", message}}});
    }
    const int offset = (dots(place.side_mm) - place.size.columns * module) / 2;
    // ^BX reads '~' as its escape character: a literal tilde is written as ~d126.
    std::string data;
    for (char c : place.data) {
      if (c == '~') {
        data += "~d126";
      } else {
        data.push_back(c);
      }
    }
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "^FO%d,%d^BXN,%d,200", dots(place.x_mm) + offset,
                  dots(place.y_mm) + offset, module);
    out_ += buffer;
    out_ += "^FH^FD" + zpl_escape_field(data, false) + "^FS\n";
    return {};
  }

  const label_layout& layout_;
  std::string out_;
};

}  // namespace

std::string zpl_escape_field(std::string_view utf8, bool in_field_block) {
  static constexpr char hex_digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(utf8.size());
  for (char c : utf8) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += in_field_block ? "\\\\" : "\\";
    } else if (c == '^' || c == '~' || c == '_' || byte < 0x20 || byte == 0x7F) {
      // Control bytes only reach here in DataMatrix payloads (GS1 separators): keep them exact.
      out.push_back('_');
      out.push_back(hex_digits[byte >> 4]);
      out.push_back(hex_digits[byte & 0x0F]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string zpl_code128_data(std::string_view data, int& modules) {
  std::string out;
  int symbols = 0;
  const std::size_t leading = digit_run(data, 0);
  bool subset_c = leading >= 4 || (leading == data.size() && leading >= 2 && leading % 2 == 0);
  out += subset_c ? ">;" : ">:";
  std::size_t i = 0;
  while (i < data.size()) {
    if (subset_c) {
      if (digit_run(data, i) >= 2) {
        out.append(data.substr(i, 2));
        i += 2;
        ++symbols;
        continue;
      }
      out += ">6";
      ++symbols;
      subset_c = false;
      continue;
    }
    std::size_t run = digit_run(data, i);
    if (run >= 6 || (run >= 4 && i + run == data.size())) {
      if (run % 2 == 1) {
        out.push_back(data[i]);
        ++i;
        ++symbols;
      }
      out += ">5";
      ++symbols;
      subset_c = true;
      continue;
    }
    const char c = data[i];
    if (c == '>') {
      out += "><";
    } else if (c == '~') {
      out += ">=";
    } else {
      out.push_back(c);
    }
    ++i;
    ++symbols;
  }
  // Start, data and switch symbols, check symbol: 11 modules each; the stop pattern has 13.
  modules = 11 * (symbols + 2) + 13;
  return out;
}

result<std::string> render_zpl(const label_layout& layout) {
  if (layout.page.width_mm > 110.0) {
    return fail(
        error{.kind = error_kind::invalid_request,
              .message = "ZPL labels are for 4 inch thermal printers: use size a6 or 4x6",
              .fields = {{"label.size",
                          "ZPL labels are for 4 inch thermal printers: use size a6 or 4x6"}}});
  }
  return zpl_writer(layout).write();
}

}  // namespace parcelgate::labels
