#include "adapters/local/tracking_number.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstdint>

namespace parcelgate::adapters {

namespace {

constexpr std::uint64_t kRange = 1'000'000'000'000;  // 10^12 values of 12 digits

// A value uniform in [0, 10^12): 40 random bits (2^40 > 10^12), drawn again when they land in
// the top 9% (at or above 10^12), so that no value is more likely than another.
std::optional<std::uint64_t> uniform_below_range() {
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::array<unsigned char, 5> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return std::nullopt;
    std::uint64_t v = 0;
    for (unsigned char b : bytes) v = (v << 8) | b;
    if (v < kRange) return v;
  }
  return std::nullopt;  // 64 rejections in a row: (0.09)^64, a broken generator
}

}  // namespace

std::optional<char> local_check_digit(std::string_view digits) noexcept {
  if (digits.empty()) return std::nullopt;
  // ISO/IEC 7064 MOD 11,10: p starts at 10; per digit s = (p + d) mod 10, with 0 read as 10,
  // then p = 2s mod 11. The check digit c makes (p + c) mod 10 == 1.
  int p = 10;
  for (char ch : digits) {
    if (ch < '0' || ch > '9') return std::nullopt;
    int s = (p + (ch - '0')) % 10;
    if (s == 0) s = 10;
    p = (2 * s) % 11;
  }
  return static_cast<char>('0' + (11 - p) % 10);
}

bool valid_local_tracking_number(std::string_view number) noexcept {
  if (number.size() != kLocalTrackingLength || !number.starts_with(kLocalTrackingPrefix))
    return false;
  const auto digits = number.substr(kLocalTrackingPrefix.size(), kLocalTrackingDigits);
  const auto check = local_check_digit(digits);
  return check && number.back() == *check;
}

std::optional<std::string> new_local_tracking_number() {
  auto value = uniform_below_range();
  if (!value) return std::nullopt;
  std::string digits(kLocalTrackingDigits, '0');
  for (std::size_t i = kLocalTrackingDigits; i-- > 0; *value /= 10)
    digits[i] = static_cast<char>('0' + *value % 10);
  std::string out(kLocalTrackingPrefix);
  out += digits;
  out.push_back(*local_check_digit(digits));
  return out;
}

}  // namespace parcelgate::adapters
