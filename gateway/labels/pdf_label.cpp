#include "gateway/labels/pdf_label.hpp"

#include <hpdf.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <optional>
#include <type_traits>

#include "gateway/labels/text_encoding.hpp"

namespace parcelgate::labels {
namespace {

constexpr double points_per_mm = 72.0 / 25.4;

HPDF_REAL pt(double mm) {
  return static_cast<HPDF_REAL>(mm * points_per_mm);
}

// The first libharu error of a document. libharu calls the handler and then returns an error
// status from the failing function, so recording is enough: no longjmp, no exception.
struct hpdf_error_record {
  HPDF_STATUS error = HPDF_OK;
  HPDF_STATUS detail = HPDF_OK;
};

void record_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void* user_data) {
  auto* record = static_cast<hpdf_error_record*>(user_data);
  if (record != nullptr && record->error == HPDF_OK) {
    record->error = error_no;
    record->detail = detail_no;
  }
}

struct doc_deleter {
  void operator()(HPDF_Doc doc) const { HPDF_Free(doc); }
};
using doc_ptr = std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, doc_deleter>;

class pdf_writer {
 public:
  explicit pdf_writer(const label_layout& layout) : layout_(layout) {}
  pdf_writer(const pdf_writer&) = delete;  // libharu holds a pointer to errors_
  pdf_writer& operator=(const pdf_writer&) = delete;

  result<std::string> write() {
    if (!create_document() || !draw_boxes() || !draw_cut_lines() || !draw_code128() ||
        !draw_datamatrix() || !draw_texts()) {
      return fail(std::move(*failure_));
    }
    return save();
  }

 private:
  // Checks one libharu call: a non-OK status or an error seen by the handler stops rendering.
  bool step(HPDF_STATUS status, const char* what) {
    if (status == HPDF_OK && errors_.error == HPDF_OK) return true;
    if (!failure_) {
      const HPDF_STATUS code = errors_.error != HPDF_OK ? errors_.error : status;
      std::array<char, 160> message{};
      std::snprintf(message.data(), message.size(),
                    "PDF label rendering failed: %s (libharu error 0x%04X, detail %u)", what,
                    static_cast<unsigned>(code), static_cast<unsigned>(errors_.detail));
      failure_ = error{.kind = error_kind::internal, .message = message.data()};
    }
    return false;
  }

  bool step_handle(const void* handle, const char* what) {
    return step(static_cast<HPDF_STATUS>(handle != nullptr ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM),
                what);
  }

  bool create_document() {
    doc_.reset(HPDF_New(record_hpdf_error, &errors_));
    if (!step_handle(doc_.get(), "create document")) return false;
    HPDF_Doc doc = doc_.get();
    if (!step(HPDF_SetCompressionMode(doc, HPDF_COMP_ALL), "set compression") ||
        !step(HPDF_SetInfoAttr(doc, HPDF_INFO_CREATOR, "parcelgate"), "set creator") ||
        !step(HPDF_SetInfoAttr(doc, HPDF_INFO_TITLE, "Shipping label"), "set title")) {
      return false;
    }
    page_ = HPDF_AddPage(doc);
    if (!step_handle(page_, "add page")) return false;
    if (!step(HPDF_Page_SetWidth(page_, pt(layout_.page.width_mm)), "set page width") ||
        !step(HPDF_Page_SetHeight(page_, pt(layout_.page.height_mm)), "set page height")) {
      return false;
    }
    regular_ = HPDF_GetFont(doc, "Helvetica", "WinAnsiEncoding");
    bold_ = HPDF_GetFont(doc, "Helvetica-Bold", "WinAnsiEncoding");
    return step_handle(regular_, "load Helvetica") && step_handle(bold_, "load Helvetica-Bold");
  }

  // PDF space has its origin bottom-left; the layout's is top-left.
  HPDF_REAL y_of(double y_mm) const { return pt(layout_.page.height_mm - y_mm); }

  bool fill_rect(double x_mm, double y_mm, double width_mm, double height_mm) {
    return step(
        HPDF_Page_Rectangle(page_, pt(x_mm), y_of(y_mm + height_mm), pt(width_mm), pt(height_mm)),
        "add rectangle");
  }

  bool draw_boxes() {
    for (const box& b : layout_.boxes) {
      if (b.style == box_style::filled) {
        if (!step(HPDF_Page_SetGrayFill(page_, 0), "set fill") ||
            !fill_rect(b.x_mm, b.y_mm, b.width_mm, b.height_mm) ||
            !step(HPDF_Page_Fill(page_), "fill box")) {
          return false;
        }
        continue;
      }
      // Stroke centred on a rectangle inset by half the line, so the ink stays inside the box.
      const double half = b.line_mm / 2;
      if (!step(HPDF_Page_SetGrayStroke(page_, 0), "set stroke") ||
          !step(HPDF_Page_SetLineWidth(page_, pt(b.line_mm)), "set line width") ||
          !step(HPDF_Page_Rectangle(page_, pt(b.x_mm + half), y_of(b.y_mm + b.height_mm - half),
                                    pt(b.width_mm - b.line_mm), pt(b.height_mm - b.line_mm)),
                "add outline") ||
          !step(HPDF_Page_Stroke(page_), "stroke outline")) {
        return false;
      }
    }
    return true;
  }

  bool draw_cut_lines() {
    for (const cut_line& line : layout_.cut_lines) {
      const auto dash = static_cast<HPDF_UINT16>(pt(line.dash_mm) + 0.5f);
      const std::array<HPDF_UINT16, 2> pattern{dash, dash};
      if (!step(HPDF_Page_SetGrayStroke(page_, 0), "set stroke") ||
          !step(HPDF_Page_SetLineWidth(page_, pt(line.line_mm)), "set line width") ||
          !step(HPDF_Page_SetDash(page_, pattern.data(), 2, 0), "set dash") ||
          !step(HPDF_Page_MoveTo(page_, pt(line.x_from_mm), y_of(line.y_mm)), "move to") ||
          !step(HPDF_Page_LineTo(page_, pt(line.x_to_mm), y_of(line.y_mm)), "line to") ||
          !step(HPDF_Page_Stroke(page_), "stroke cut line") ||
          !step(HPDF_Page_SetDash(page_, nullptr, 0, 0), "reset dash")) {
        return false;
      }
    }
    return true;
  }

  // Adds zint's rectangles for a symbol whose top-left corner is (x_mm, y_mm), `module_mm` per
  // module horizontally and `unit_y_mm` per vertical unit, then fills them as one path.
  bool draw_symbol(const vector_symbol& symbol, double x_mm, double y_mm, double module_mm,
                   double unit_y_mm) {
    if (!step(HPDF_Page_SetGrayFill(page_, 0), "set fill")) return false;
    for (const symbol_rect& r : symbol.rects) {
      if (!fill_rect(x_mm + r.x * module_mm, y_mm + r.y * unit_y_mm, r.width * module_mm,
                     r.height * unit_y_mm)) {
        return false;
      }
    }
    return step(HPDF_Page_Fill(page_), "fill barcode");
  }

  bool draw_code128() {
    const code128_placement& place = layout_.code128;
    auto symbol = vectorize_code128(place.data);
    if (!symbol) {
      failure_ = std::move(symbol.error());
      return false;
    }
    const int total = symbol->size.columns + 2 * code128_quiet_modules;
    const double module = std::min(place.max_module_mm, place.width_mm / total);
    const double left = place.x_mm + (place.width_mm - symbol->size.columns * module) / 2;
    return draw_symbol(*symbol, left, place.y_mm, module, place.height_mm);
  }

  bool draw_datamatrix() {
    if (!layout_.datamatrix) return true;
    const datamatrix_placement& place = *layout_.datamatrix;
    auto symbol = vectorize_datamatrix(place.data);
    if (!symbol) {
      failure_ = std::move(symbol.error());
      return false;
    }
    const int total = symbol->size.columns + 2 * datamatrix_quiet_modules;
    const double module = std::min(place.max_module_mm, place.side_mm / total);
    const double offset = (place.side_mm - symbol->size.columns * module) / 2;
    return draw_symbol(*symbol, place.x_mm + offset, place.y_mm + offset, module, module);
  }

  HPDF_Font font_of(font_weight weight) const {
    return weight == font_weight::bold ? bold_ : regular_;
  }

  // Text width from the font's AFM metrics (units of 1/1000 em).
  double measure(std::string_view utf8, font_weight weight, double size_mm) {
    const std::string text = utf8_to_cp1252(utf8);
    if (text.empty()) return 0;
    const HPDF_TextWidth width =
        HPDF_Font_TextWidth(font_of(weight), reinterpret_cast<const HPDF_BYTE*>(text.data()),
                            static_cast<HPDF_UINT>(text.size()));
    return width.width * size_mm / 1000.0;
  }

  bool draw_texts() {
    const text_measure measure_fn = [this](std::string_view text, font_weight weight, double size) {
      return measure(text, weight, size);
    };
    for (const text_line& line : layout_.texts) {
      const fitted_text fitted = fit_text(line, measure_fn);
      if (!step(static_cast<HPDF_STATUS>(HPDF_OK), "measure text")) return false;
      const std::string text = utf8_to_cp1252(fitted.text);
      if (text.empty()) continue;
      if (!step(HPDF_Page_BeginText(page_), "begin text") ||
          !step(HPDF_Page_SetFontAndSize(page_, font_of(line.weight), pt(fitted.size_mm)),
                "set font") ||
          !step(HPDF_Page_SetGrayFill(page_, line.inverse ? 1.0f : 0.0f), "set text colour") ||
          !step(HPDF_Page_TextOut(page_, pt(fitted.left_mm), y_of(line.baseline_mm), text.c_str()),
                "show text") ||
          !step(HPDF_Page_EndText(page_), "end text")) {
        return false;
      }
    }
    return true;
  }

  result<std::string> save() {
    HPDF_Doc doc = doc_.get();
    if (!step(HPDF_SaveToStream(doc), "save document")) return fail(std::move(*failure_));
    const HPDF_UINT32 size = HPDF_GetStreamSize(doc);
    if (!step(static_cast<HPDF_STATUS>(size > 0 ? HPDF_OK : HPDF_INVALID_STREAM), "measure output"))
      return fail(std::move(*failure_));
    std::string bytes(size, '\0');
    HPDF_UINT32 read = size;
    if (!step(HPDF_GetContents(doc, reinterpret_cast<HPDF_BYTE*>(bytes.data()), &read),
              "read output")) {
      return fail(std::move(*failure_));
    }
    bytes.resize(read);
    return bytes;
  }

  const label_layout& layout_;
  hpdf_error_record errors_;
  doc_ptr doc_;
  HPDF_Page page_ = nullptr;
  HPDF_Font regular_ = nullptr;
  HPDF_Font bold_ = nullptr;
  std::optional<error> failure_;
};

}  // namespace

result<std::string> render_pdf(const label_layout& layout) {
  return pdf_writer(layout).write();
}

}  // namespace parcelgate::labels
