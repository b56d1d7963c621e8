#pragma once
// QR codes (ISO/IEC 18004) for label-less returns: the code a customer shows at a collection
// point, on a phone screen or on paper. Encoded by libzint in byte mode (the payload's bytes as
// they are, no ECI) at error-correction level M: it recovers about 15% of the codewords, enough
// for a scratched print or a screen glare, while keeping the symbol small for the short
// payloads used here (a return code fits a 21x21 version 1 symbol).
//
// Every call encodes from scratch (a zint symbol created and freed per call); no state is
// shared, so every function is thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"

namespace parcelgate::labels {

// Light modules around the symbol on each side, as ISO/IEC 18004 requires. Included in both the
// PNG and the SVG.
inline constexpr int qr_quiet_modules = 4;

// Longest payload accepted, in bytes.
inline constexpr std::size_t max_qr_payload_bytes = 256;

// Pixels per module accepted by qr_png (other values are clamped to this range).
inline constexpr int qr_min_module_px = 1;
inline constexpr int qr_max_module_px = 40;

// Resolution written in the PNG's pHYs chunk: a thermal printer's 203 dpi, so the default 8
// pixels per module print at 1 mm per module.
inline constexpr int qr_png_dots_per_inch = 203;

// Size of a module in the SVG document, in tenths of a millimetre (0.5 mm).
inline constexpr int qr_svg_module_tenths_mm = 5;

// The modules of a QR symbol without its quiet zone: `size` x `size`, row-major, 1 = dark.
struct qr_matrix {
  int size = 0;
  std::vector<std::uint8_t> dark;

  bool is_dark(int x, int y) const {
    return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) +
                static_cast<std::size_t>(x)] != 0;
  }
};

// The modules zint encodes for `payload`. Errors: invalid_request on field "payload" when the
// payload is empty or longer than max_qr_payload_bytes; internal when zint fails.
result<qr_matrix> qr_modules(std::string_view payload);

// A 1-bit greyscale PNG of the QR code of `payload`, quiet zone included, `module_px` pixels per
// module (clamped to qr_min_module_px..qr_max_module_px), pHYs at qr_png_dots_per_inch. Errors
// as qr_modules, and internal when libpng fails.
result<std::string> qr_png(std::string_view payload, int module_px = 8);

// A standalone SVG 1.1 document of the QR code of `payload`: viewBox in modules, quiet zone
// included; width and height in millimetres (qr_svg_module_tenths_mm per module); a white
// background rect and ONE black <path> whose subpaths are the horizontal runs of dark modules,
// each "M<x> <y>h<n>v1h-<n>z" in viewBox units. No scripts, no external references, no text
// (the payload does not appear in the document). Errors as qr_modules.
result<std::string> qr_svg(std::string_view payload);

}  // namespace parcelgate::labels
