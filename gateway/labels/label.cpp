#include "gateway/labels/label.hpp"

#include "gateway/labels/label_layout.hpp"
#include "gateway/labels/pdf_label.hpp"
#include "gateway/labels/png_label.hpp"
#include "gateway/labels/zpl_label.hpp"

namespace parcelgate::labels {

result<std::string> render(const label_content& content, label_format format, label_size size) {
  if (format == label_format::zpl && size == label_size::a4) {
    const std::string message = "ZPL labels are for 4 inch thermal printers: use size a6 or 4x6";
    return fail(error{.kind = error_kind::invalid_request,
                      .message = message,
                      .fields = {{"label.size", message}}});
  }
  auto layout = build_layout(content, size);
  if (!layout) return std::unexpected(std::move(layout.error()));
  switch (format) {
    case label_format::pdf:
      return render_pdf(*layout);
    case label_format::zpl:
      return render_zpl(*layout);
    case label_format::png:
      return render_png(*layout, default_png_options(size));
  }
  return make_error(error_kind::invalid_request, "unknown label format");
}

}  // namespace parcelgate::labels
