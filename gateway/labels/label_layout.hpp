#pragma once
// The device-independent layout of a shipping label, shared by the PDF, ZPL and PNG writers.
// All lengths are millimetres from the top-left corner of the page. The layout decides where
// everything goes; a writer only converts units, measures text with its own font (shrinking or
// truncating a line to its slot with fit_text) and rounds barcode modules to whole device dots.
//
// Page sizes: A6 = 105 x 148 mm and 4x6 in = 101.6 x 152.4 mm hold one label on the whole
// page; A4 = 210 x 297 mm holds the label in the upper half above a dashed cut line.
//
// Pure functions; a label_layout is a plain value.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"
#include "gateway/labels/barcode.hpp"
#include "gateway/labels/label.hpp"

namespace parcelgate::labels {

struct page_dimensions {
  double width_mm = 0;
  double height_mm = 0;
};

page_dimensions page_dimensions_of(label_size size) noexcept;

// Smallest Code128 / DataMatrix module the layout accepts: two dots of a 203 dpi printer.
inline constexpr double min_module_mm = 0.26;

enum class font_weight { regular, bold };
enum class text_align { left, center, right };

// One line of text in a horizontal slot [slot_left_mm, slot_left_mm + slot_width_mm].
struct text_line {
  std::string text;  // sanitized UTF-8: single line, no control characters
  double slot_left_mm = 0;
  double slot_width_mm = 0;
  double baseline_mm = 0;
  double size_mm = 0;      // em size of the font
  double min_size_mm = 0;  // the text shrinks down to this size before it is truncated
  font_weight weight = font_weight::regular;
  text_align align = text_align::left;
  bool inverse = false;  // light text on a dark box
};

enum class box_style { filled, outline };

struct box {
  double x_mm = 0, y_mm = 0, width_mm = 0, height_mm = 0;
  box_style style = box_style::filled;
  double line_mm = 0;  // stroke width of an outline
};

// A dashed horizontal line where an A4 sheet is cut.
struct cut_line {
  double x_from_mm = 0, x_to_mm = 0, y_mm = 0;
  double line_mm = 0;
  double dash_mm = 0;  // length of a dash and of a gap
};

// The Code128 of the tracking number. The area includes room for the quiet zones; a writer
// picks the module width (at most max_module_mm, at least min_module_mm guaranteed to fit) and
// centres the symbol horizontally. Bars fill the area's height.
struct code128_placement {
  std::string data;
  symbol_size size;  // modules, without quiet zones
  double x_mm = 0, y_mm = 0, width_mm = 0, height_mm = 0;
  double max_module_mm = 0;
};

// The DataMatrix: a square area (quiet zones included) in which the symbol is centred.
struct datamatrix_placement {
  std::string data;
  symbol_size size;
  double x_mm = 0, y_mm = 0, side_mm = 0;
  double max_module_mm = 0;
};

struct label_layout {
  page_dimensions page;
  std::vector<box> boxes;  // drawn first, in order
  std::vector<cut_line> cut_lines;
  std::vector<text_line> texts;
  code128_placement code128;
  std::optional<datamatrix_placement> datamatrix;
};

// Validates the content (tracking number encodable as Code128 and fitting the width, matrix
// payload fitting its square) and places every element. Errors are invalid_request with the
// offending field ("tracking_number", "matrix_code").
result<label_layout> build_layout(const label_content& content, label_size size);

// Width of `utf8` set in `weight` at `size_mm`, in millimetres, as a writer's font measures it.
using text_measure =
    std::function<double(std::string_view utf8, font_weight weight, double size_mm)>;

struct fitted_text {
  std::string text;
  double size_mm = 0;
  double left_mm = 0;  // where the line starts once aligned in its slot
};

// Shrinks the line until it fits its slot (not below min_size_mm), then cuts it and appends
// "..." so that it fits; aligns the result in the slot.
fitted_text fit_text(const text_line& line, const text_measure& measure);

// Module width in whole device dots for a symbol of `total_modules` (quiet zones included) in
// `area_mm`: as wide as fits, capped at max_module_mm. May be below 2 on coarse devices: the
// writer turns that into an error.
int module_dots(double area_mm, int total_modules, double dots_per_mm,
                double max_module_mm) noexcept;

}  // namespace parcelgate::labels
