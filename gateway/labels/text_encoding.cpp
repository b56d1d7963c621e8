#include "gateway/labels/text_encoding.hpp"

#include <array>
#include <cstdint>

namespace parcelgate::labels {
namespace {

constexpr char32_t replacement = U'?';

bool is_continuation(unsigned char b) {
  return (b & 0xC0u) == 0x80u;
}

// Code points of CP1252 bytes 0x80..0x9F; 0 marks the five unassigned bytes.
constexpr std::array<char32_t, 32> cp1252_high = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80-87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 88-8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90-97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 98-9F
};

// Base Latin letter of U+0100..U+017F (Latin Extended-A), in code point order.
constexpr std::string_view latin_extended_a_base =
    "AaAaAa"
    "CcCcCcCc"
    "DdDd"
    "EeEeEeEeEe"
    "GgGgGgGg"
    "HhHh"
    "IiIiIiIiIi"
    "Ii"
    "Jj"
    "Kkk"
    "LlLlLlLlLl"
    "NnNnNnnNn"
    "OoOoOo"
    "Oo"
    "RrRrRr"
    "SsSsSsSs"
    "TtTtTt"
    "UuUuUuUuUuUu"
    "Ww"
    "YyY"
    "ZzZzZz"
    "s";
static_assert(latin_extended_a_base.size() == 0x80);

bool is_invisible_format(char32_t cp) {
  return cp == 0x00AD || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF;
}

bool is_line_break_or_tab(char32_t cp) {
  return cp == U'\t' || cp == U'\n' || cp == U'\r' || cp == 0x0B || cp == 0x0C || cp == 0x85 ||
         cp == 0x2028 || cp == 0x2029;
}

bool is_control(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

}  // namespace

std::u32string decode_utf8(std::string_view bytes) {
  std::u32string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    if (lead < 0x80) {
      out.push_back(lead);
      ++i;
      continue;
    }
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t minimum = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2, cp = lead & 0x1Fu, minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3, cp = lead & 0x0Fu, minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4, cp = lead & 0x07u, minimum = 0x10000;
    } else {
      out.push_back(replacement);
      ++i;
      continue;
    }
    std::size_t consumed = 1;
    while (consumed < length && i + consumed < bytes.size() &&
           is_continuation(static_cast<unsigned char>(bytes[i + consumed]))) {
      cp = (cp << 6) | (static_cast<unsigned char>(bytes[i + consumed]) & 0x3Fu);
      ++consumed;
    }
    const bool complete = consumed == length;
    const bool valid =
        complete && cp >= minimum && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    out.push_back(valid ? cp : replacement);
    // A truncated sequence resumes at the byte that broke it, so a following ASCII character
    // or a new lead byte is not swallowed.
    i += consumed;
  }
  return out;
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) {
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = replacement;
    if (cp > 0x10FFFF) cp = replacement;
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

std::string sanitize_label_text(std::string_view utf8) {
  std::u32string cleaned;
  bool pending_space = false;
  for (char32_t cp : decode_utf8(utf8)) {
    if (is_line_break_or_tab(cp) || cp == U' ') {
      pending_space = !cleaned.empty();
      continue;
    }
    if (is_control(cp) || is_invisible_format(cp)) continue;
    if (pending_space) cleaned.push_back(U' ');
    pending_space = false;
    cleaned.push_back(cp);
  }
  return encode_utf8(cleaned);
}

std::string utf8_to_cp1252(std::string_view utf8) {
  std::string out;
  for (char32_t cp : decode_utf8(utf8)) {
    if (is_control(cp) || is_invisible_format(cp)) continue;
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) {
      out.push_back(static_cast<char>(cp));
      continue;
    }
    char mapped = 0;
    for (std::size_t k = 0; k < cp1252_high.size(); ++k) {
      if (cp1252_high[k] != 0 && cp1252_high[k] == cp) {
        mapped = static_cast<char>(0x80 + k);
        break;
      }
    }
    if (mapped == 0 && cp >= 0x100 && cp <= 0x17F) mapped = latin_extended_a_base[cp - 0x100];
    out.push_back(mapped != 0 ? mapped : '?');
  }
  return out;
}

std::string truncate_utf8(std::string_view utf8, std::size_t max_code_points) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < utf8.size()) {
    if (!is_continuation(static_cast<unsigned char>(utf8[i]))) {
      if (count == max_code_points) break;
      ++count;
    }
    ++i;
  }
  return std::string(utf8.substr(0, i));
}

}  // namespace parcelgate::labels
