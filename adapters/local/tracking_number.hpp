#pragma once
// Tracking numbers of the `local` network, produced by the gateway itself without a database:
//
//   PGL dddddddddddd c     e.g. PGL4907353161423 (16 characters)
//
// "PGL" (parcelgate local), 12 digits drawn uniformly from the OS CSPRNG, and one check digit
// computed over the 12 digits with ISO/IEC 7064 MOD 11,10 (the hybrid system of the German
// parcel and tax numbers). It catches every single-digit change and about 98% of swaps of two
// adjacent digits (the GS1 mod 10 with weights 3,1 misses every swap of digits 5 apart, about
// 11%), which matters for numbers typed at a collection point counter.
//
// Uniqueness is statistical: 10^12 numbers. Among n labels, the chance that two share a number is
// about n^2 / (2 * 10^12): 5e-5 for 10,000 labels, 0.5% for 100,000, 39% for 1,000,000 (and a
// new label meets one of n existing numbers with probability n / 10^12).
//
// Thread-safe: no shared state besides the OS generator.

#include <optional>
#include <string>
#include <string_view>

namespace parcelgate::adapters {

inline constexpr std::string_view kLocalTrackingPrefix = "PGL";
inline constexpr std::size_t kLocalTrackingDigits = 12;  // random digits, before the check digit
inline constexpr std::size_t kLocalTrackingLength =
    kLocalTrackingPrefix.size() + kLocalTrackingDigits + 1;

// True for "PGL" + 12 digits + the right ISO 7064 MOD 11,10 check digit, nothing else (no
// spaces, no lower case). Lets the core recognise the network's numbers.
bool valid_local_tracking_number(std::string_view number) noexcept;

// The MOD 11,10 check digit ('0'-'9') of a string of digits; nullopt when it holds anything else
// or is empty.
std::optional<char> local_check_digit(std::string_view digits) noexcept;

// A new number; nullopt only when the OS CSPRNG fails.
std::optional<std::string> new_local_tracking_number();

}  // namespace parcelgate::adapters
