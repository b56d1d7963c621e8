#include "gateway/labels/qr_code.hpp"

#include <zint.h>

#include <algorithm>
#include <memory>

#include "gateway/labels/png_encoder.hpp"
#include "gateway/labels/raster_canvas.hpp"

namespace parcelgate::labels {
namespace {

struct symbol_deleter {
  void operator()(zint_symbol* symbol) const { ZBarcode_Delete(symbol); }
};
using symbol_ptr = std::unique_ptr<zint_symbol, symbol_deleter>;

// zint's option_1 for QR codes: 1 = L, 2 = M, 3 = Q, 4 = H.
constexpr int kErrorCorrectionM = 2;

std::unexpected<error> payload_error(std::string message) {
  return fail(error{.kind = error_kind::invalid_request,
                    .message = "payload " + message,
                    .fields = {{"payload", message}}});
}

result<void> check_payload(std::string_view payload) {
  if (payload.empty()) return payload_error("must not be empty");
  if (payload.size() > max_qr_payload_bytes) {
    return payload_error("must be at most " + std::to_string(max_qr_payload_bytes) + " bytes");
  }
  return {};
}

// One module as zint stores it: bit (x % 8) of byte x / 8 of the row (zint's module_is_set,
// which is not part of its public header).
bool zint_module(const zint_symbol& symbol, int x, int y) {
  return ((symbol.encoded_data[y][x >> 3] >> (x & 7)) & 1) != 0;
}

// "12.5" for 125 tenths.
std::string tenths(int value) {
  std::string out = std::to_string(value / 10);
  if (value % 10 != 0) out += "." + std::to_string(value % 10);
  return out;
}

}  // namespace

result<qr_matrix> qr_modules(std::string_view payload) {
  if (auto ok = check_payload(payload); !ok) return std::unexpected(std::move(ok.error()));
  symbol_ptr symbol(ZBarcode_Create());
  if (!symbol) return make_error(error_kind::internal, "QR encoder could not allocate a symbol");
  symbol->symbology = BARCODE_QRCODE;
  symbol->input_mode = DATA_MODE;
  symbol->option_1 = kErrorCorrectionM;
  symbol->show_hrt = 0;
  const int rc =
      ZBarcode_Encode(symbol.get(), reinterpret_cast<const unsigned char*>(payload.data()),
                      static_cast<int>(payload.size()));
  // 256 bytes fit a version 12 symbol at level M (287 bytes; version 40 holds 2331), so an error
  // here is never the payload's.
  if (rc >= ZINT_ERROR) {
    return make_error(error_kind::internal, std::string("QR encoder failed: ") + symbol->errtxt);
  }
  const zint_symbol& s = *symbol;
  if (s.width < 21 || s.width != s.rows || s.width > 177) {
    return make_error(error_kind::internal, "QR encoder returned a symbol of an unexpected size");
  }
  qr_matrix out;
  out.size = s.width;
  out.dark.resize(static_cast<std::size_t>(out.size) * static_cast<std::size_t>(out.size));
  for (int y = 0; y < out.size; ++y) {
    for (int x = 0; x < out.size; ++x) {
      out.dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(out.size) +
               static_cast<std::size_t>(x)] = zint_module(s, x, y) ? 1 : 0;
    }
  }
  return out;
}

result<std::string> qr_png(std::string_view payload, int module_px) {
  auto matrix = qr_modules(payload);
  if (!matrix) return std::unexpected(std::move(matrix.error()));
  const int module = std::clamp(module_px, qr_min_module_px, qr_max_module_px);
  const int side = (matrix->size + 2 * qr_quiet_modules) * module;
  raster_canvas canvas(side, side);
  for (int y = 0; y < matrix->size; ++y) {
    for (int x = 0; x < matrix->size; ++x) {
      if (!matrix->is_dark(x, y)) continue;
      canvas.fill_rect((x + qr_quiet_modules) * module, (y + qr_quiet_modules) * module, module,
                       module, 0);
    }
  }
  return encode_png(canvas, 1, qr_png_dots_per_inch);
}

result<std::string> qr_svg(std::string_view payload) {
  auto matrix = qr_modules(payload);
  if (!matrix) return std::unexpected(std::move(matrix.error()));
  const std::string side = std::to_string(matrix->size + 2 * qr_quiet_modules);
  const std::string side_mm =
      tenths((matrix->size + 2 * qr_quiet_modules) * qr_svg_module_tenths_mm) + "mm";
  std::string path;
  for (int y = 0; y < matrix->size; ++y) {
    for (int x = 0; x < matrix->size;) {
      if (!matrix->is_dark(x, y)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < matrix->size && matrix->is_dark(x, y)) ++x;
      const std::string run = std::to_string(x - start);
      path += "M" + std::to_string(start + qr_quiet_modules) + " " +
              std::to_string(y + qr_quiet_modules) + "h" + run + "v1h-" + run + "z";
    }
  }
  std::string out;
  out.reserve(path.size() + 400);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + side_mm +
         "\" height=\"" + side_mm + "\" viewBox=\"0 0 " + side + " " + side +
         "\" shape-rendering=\"crispEdges\">\n";
  out += "<rect width=\"" + side + "\" height=\"" + side + "\" fill=\"#ffffff\"/>\n";
  out += "<path fill=\"#000000\" d=\"" + path + "\"/>\n";
  out += "</svg>\n";
  return out;
}

}  // namespace parcelgate::labels
