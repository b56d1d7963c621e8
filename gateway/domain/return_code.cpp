#include "gateway/domain/return_code.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace parcelgate {
namespace {

// The 32 data symbols, then the 5 extra check symbols for the values 32..36.
constexpr std::string_view kSymbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";
constexpr unsigned kCheckModulus = 37;

// The value of a typed character as a data symbol (0..31), or -1. Crockford's decoding: any
// case, O for 0, I and L for 1; U is never a data symbol.
int data_value(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'O') return 0;
  if (c == 'I' || c == 'L') return 1;
  const auto at = kSymbols.substr(0, 32).find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// The value of a typed check symbol (0..36), or -1.
int check_value(char c) {
  if (const int value = data_value(c); value >= 0) return value;
  if (c == 'u') c = 'U';
  const auto at = kSymbols.find(c, 32);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// The data symbols' values read as one base-32 number, mod 37 (Horner's rule, so that nothing
// depends on the 50-bit value fitting anywhere).
unsigned check_of(const std::array<int, return_code_data_symbols>& values) {
  unsigned remainder = 0;
  for (int value : values)
    remainder = (remainder * 32 + static_cast<unsigned>(value)) % kCheckModulus;
  return remainder;
}

}  // namespace

std::string new_return_code() {
  // One byte per symbol and 5 of its 8 bits: 256 is a multiple of 32, so every symbol is equally
  // likely (no modulo bias).
  std::array<unsigned char, return_code_data_symbols> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("CSPRNG failure");
  std::array<int, return_code_data_symbols> values{};
  std::string out;
  out.reserve(return_code_length);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    values[i] = bytes[i] & 31;
    out.push_back(kSymbols[static_cast<std::size_t>(values[i])]);
  }
  out.push_back(kSymbols[check_of(values)]);
  return out;
}

std::string format_return_code(std::string_view canonical) {
  std::string out;
  out.reserve(canonical.size() + canonical.size() / 4);
  for (std::size_t i = 0; i < canonical.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back('-');
    out.push_back(canonical[i]);
  }
  return out;
}

std::optional<std::string> normalize_return_code(std::string_view typed) noexcept {
  if (typed.size() > return_code_max_input) return std::nullopt;
  std::array<int, return_code_data_symbols> values{};
  int check = -1;
  std::size_t symbols = 0;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (symbols == return_code_length) return std::nullopt;  // too many symbols
    if (symbols < return_code_data_symbols) {
      values[symbols] = data_value(c);
      if (values[symbols] < 0) return std::nullopt;
    } else {
      check = check_value(c);
      if (check < 0) return std::nullopt;
    }
    ++symbols;
  }
  if (symbols != return_code_length || static_cast<unsigned>(check) != check_of(values))
    return std::nullopt;
  // 11 characters fit in std::string's inline buffer (15 in libstdc++): nothing is allocated.
  std::string out;
  out.reserve(return_code_length);
  for (int value : values) out.push_back(kSymbols[static_cast<std::size_t>(value)]);
  out.push_back(kSymbols[static_cast<std::size_t>(check)]);
  return out;
}

}  // namespace parcelgate
