#pragma once
// Invariant checks for the fuzz targets: a broken invariant is reported like a crash (libFuzzer
// saves the input and stops), with the condition and the place in the message.

#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                       \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                            \
    }                                                                                          \
  } while (0)

namespace parcelgate::fuzz {

inline std::string_view as_text(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits off the first line of `in` (without its '\n'); `in` keeps the rest. Several targets
// take "<status>\n<rest>" inputs so that one corpus file can carry an HTTP status with a body.
inline std::string_view take_line(std::string_view& in) {
  auto nl = in.find('\n');
  auto line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  return line;
}

// A small decimal ("200"); `fallback` when the text is not 1-3 digits.
inline int small_number(std::string_view text, int fallback) {
  if (text.empty() || text.size() > 3) return fallback;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return fallback;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace parcelgate::fuzz
