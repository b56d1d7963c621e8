#pragma once
// Display width of UTF-8 text in a terminal, for aligned tables (`parcelctl` and the
// comparison's text report): one column per code point, two for East Asian wide and full-width
// characters (CJK, Hangul, full-width forms, most emoji), none for combining marks. Invalid
// UTF-8 counts one column per byte that does not continue a sequence.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace parcelgate::tariffs {

constexpr int code_point_width(std::uint32_t cp) noexcept {
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
      (cp >= 0xFE00 && cp <= 0xFE0F))
    return 0;  // combining diacritics, zero-width spaces and joiners, variation selectors
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
      (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
    return 2;
  return 1;
}

constexpr std::size_t display_width(std::string_view text) noexcept {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = b < 0x80           ? 1
                      : (b >> 5) == 0x6  ? 2
                      : (b >> 4) == 0xE  ? 3
                      : (b >> 3) == 0x1E ? 4
                                         : 0;
    if (len == 0 || i + len > text.size()) {  // a stray byte
      ++width;
      ++i;
      continue;
    }
    std::uint32_t cp = len == 1 ? b : b & (0x7F >> len);
    bool valid = true;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) valid = false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!valid) {
      ++width;
      ++i;
      continue;
    }
    width += static_cast<std::size_t>(code_point_width(cp));
    i += len;
  }
  return width;
}

}  // namespace parcelgate::tariffs
