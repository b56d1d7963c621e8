#include "gateway/labels/barcode.hpp"

#include <zint.h>

#include <memory>
#include <string>

namespace parcelgate::labels {
namespace {

struct symbol_deleter {
  void operator()(zint_symbol* symbol) const { ZBarcode_Delete(symbol); }
};
using symbol_ptr = std::unique_ptr<zint_symbol, symbol_deleter>;

enum class symbology { code128, datamatrix };

std::string_view name_of(symbology kind) {
  return kind == symbology::code128 ? "Code128" : "DataMatrix";
}

// Encodes `data` without drawing it. zint warnings (return codes below ZINT_ERROR) are fine;
// errors about the input are the caller's, anything else (memory) is ours.
result<symbol_ptr> encode(symbology kind, std::string_view data, float scale, float height) {
  symbol_ptr symbol(ZBarcode_Create());
  if (!symbol)
    return make_error(error_kind::internal, "barcode encoder could not allocate a symbol");
  symbol->input_mode = DATA_MODE;
  symbol->show_hrt = 0;
  symbol->whitespace_width = 0;
  symbol->whitespace_height = 0;
  symbol->border_width = 0;
  symbol->scale = scale;
  if (kind == symbology::code128) {
    symbol->symbology = BARCODE_CODE128;
    symbol->height = height;
  } else {
    symbol->symbology = BARCODE_DATAMATRIX;
    symbol->option_3 = DM_SQUARE;
  }
  const int rc = ZBarcode_Encode(symbol.get(), reinterpret_cast<const unsigned char*>(data.data()),
                                 static_cast<int>(data.size()));
  if (rc >= ZINT_ERROR) {
    const bool input_problem = rc == ZINT_ERROR_TOO_LONG || rc == ZINT_ERROR_INVALID_DATA ||
                               rc == ZINT_ERROR_INVALID_CHECK || rc == ZINT_ERROR_INVALID_OPTION;
    std::string message =
        std::string(name_of(kind)) + " cannot encode this data: " + symbol->errtxt;
    return make_error(input_problem ? error_kind::invalid_request : error_kind::internal,
                      std::move(message));
  }
  if (symbol->width <= 0 || symbol->rows <= 0) {
    return make_error(error_kind::internal,
                      std::string(name_of(kind)) + " encoder returned an empty symbol");
  }
  return symbol;
}

result<void> check_code128_text(std::string_view data) {
  if (data.empty()) return make_error(error_kind::invalid_request, "tracking number is empty");
  if (data.size() > max_tracking_number_length) {
    return make_error(error_kind::invalid_request, "tracking number is longer than " +
                                                       std::to_string(max_tracking_number_length) +
                                                       " characters");
  }
  for (char c : data) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7E) {
      return make_error(error_kind::invalid_request,
                        "tracking number must be printable ASCII to be encoded as Code128");
    }
  }
  if (data.find_first_not_of(' ') == std::string_view::npos) {
    return make_error(error_kind::invalid_request, "tracking number is blank");
  }
  return {};
}

result<void> check_datamatrix_data(std::string_view data) {
  if (data.empty()) return make_error(error_kind::invalid_request, "DataMatrix payload is empty");
  return {};
}

// Copies zint's RGB raster into a dark/light mask. For Code128 only the first pixel row is
// read (every row of a linear symbol is the same) and repeated to the requested bar height,
// which keeps the height exact whatever rounding zint applies vertically.
result<raster_symbol> to_mask(const zint_symbol& symbol, int module_px, int height_px) {
  if (symbol.bitmap == nullptr || symbol.bitmap_width <= 0 || symbol.bitmap_height <= 0) {
    return make_error(error_kind::internal, "barcode raster output is empty");
  }
  raster_symbol out;
  out.width = symbol.bitmap_width;
  out.height = height_px > 0 ? height_px : symbol.bitmap_height;
  out.module_px = module_px;
  out.dark.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height));
  const auto width = static_cast<std::size_t>(out.width);
  for (int y = 0; y < out.height; ++y) {
    const int source_row = height_px > 0 ? 0 : y;
    const unsigned char* row = symbol.bitmap + static_cast<std::size_t>(source_row) * width * 3;
    for (std::size_t x = 0; x < width; ++x) {
      // Foreground is black (000000), background white: any channel below half is dark.
      out.dark[static_cast<std::size_t>(y) * width + x] = row[x * 3] < 128 ? 1 : 0;
    }
  }
  return out;
}

result<vector_symbol> vectorize(symbology kind, std::string_view data) {
  auto symbol = encode(kind, data, 1.0f, 50.0f);
  if (!symbol) return std::unexpected(std::move(symbol.error()));
  zint_symbol& s = **symbol;
  const int rc = ZBarcode_Buffer_Vector(&s, 0);
  if (rc >= ZINT_ERROR || s.vector == nullptr || s.vector->width <= 0 || s.vector->height <= 0) {
    return make_error(error_kind::internal,
                      std::string(name_of(kind)) + " vector output failed: " + s.errtxt);
  }
  vector_symbol out;
  out.size = {s.width, kind == symbology::code128 ? 1 : s.rows};
  const double unit_x = static_cast<double>(s.vector->width) / s.width;
  const double unit_y = kind == symbology::code128 ? static_cast<double>(s.vector->height)
                                                   : static_cast<double>(s.vector->height) / s.rows;
  for (const zint_vector_rect* r = s.vector->rectangles; r != nullptr; r = r->next) {
    // -1 is the foreground colour, 7 explicit black; anything else would be a background fill.
    if (r->colour != -1 && r->colour != 7) continue;
    out.rects.push_back({r->x / unit_x, r->y / unit_y, r->width / unit_x, r->height / unit_y});
  }
  if (out.rects.empty())
    return make_error(error_kind::internal, "barcode vector output has no bars");
  return out;
}

}  // namespace

result<symbol_size> measure_code128(std::string_view data) {
  if (auto ok = check_code128_text(data); !ok) return std::unexpected(std::move(ok.error()));
  auto symbol = encode(symbology::code128, data, 1.0f, 50.0f);
  if (!symbol) return std::unexpected(std::move(symbol.error()));
  return symbol_size{(*symbol)->width, 1};
}

result<symbol_size> measure_datamatrix(std::string_view data) {
  if (auto ok = check_datamatrix_data(data); !ok) return std::unexpected(std::move(ok.error()));
  auto symbol = encode(symbology::datamatrix, data, 1.0f, 0.0f);
  if (!symbol) return std::unexpected(std::move(symbol.error()));
  return symbol_size{(*symbol)->width, (*symbol)->rows};
}

result<raster_symbol> rasterize_code128(std::string_view data, int module_px, int height_px) {
  if (auto ok = check_code128_text(data); !ok) return std::unexpected(std::move(ok.error()));
  if (module_px < 1 || height_px < 1)
    return make_error(error_kind::internal, "invalid Code128 raster size");
  // zint draws 2 pixels per module at scale 1.
  auto symbol = encode(symbology::code128, data, static_cast<float>(module_px) / 2.0f,
                       static_cast<float>(height_px) / static_cast<float>(module_px));
  if (!symbol) return std::unexpected(std::move(symbol.error()));
  zint_symbol& s = **symbol;
  if (const int rc = ZBarcode_Buffer(&s, 0); rc >= ZINT_ERROR) {
    return make_error(error_kind::internal,
                      std::string("Code128 raster output failed: ") + s.errtxt);
  }
  if (s.bitmap_width != s.width * module_px) {
    return make_error(error_kind::internal, "Code128 raster has an unexpected width");
  }
  return to_mask(s, module_px, height_px);
}

result<raster_symbol> rasterize_datamatrix(std::string_view data, int module_px) {
  if (auto ok = check_datamatrix_data(data); !ok) return std::unexpected(std::move(ok.error()));
  if (module_px < 1) return make_error(error_kind::internal, "invalid DataMatrix raster size");
  auto symbol = encode(symbology::datamatrix, data, static_cast<float>(module_px) / 2.0f, 0.0f);
  if (!symbol) return std::unexpected(std::move(symbol.error()));
  zint_symbol& s = **symbol;
  if (const int rc = ZBarcode_Buffer(&s, 0); rc >= ZINT_ERROR) {
    return make_error(error_kind::internal,
                      std::string("DataMatrix raster output failed: ") + s.errtxt);
  }
  if (s.bitmap_width != s.width * module_px || s.bitmap_height != s.rows * module_px) {
    return make_error(error_kind::internal, "DataMatrix raster has an unexpected size");
  }
  return to_mask(s, module_px, 0);
}

result<vector_symbol> vectorize_code128(std::string_view data) {
  if (auto ok = check_code128_text(data); !ok) return std::unexpected(std::move(ok.error()));
  return vectorize(symbology::code128, data);
}

result<vector_symbol> vectorize_datamatrix(std::string_view data) {
  if (auto ok = check_datamatrix_data(data); !ok) return std::unexpected(std::move(ok.error()));
  return vectorize(symbology::datamatrix, data);
}

}  // namespace parcelgate::labels
