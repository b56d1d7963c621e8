#pragma once
// Return codes: what a customer shows at a collection point to drop off a label-less return,
// read from a QR code or typed by the operator.
//
// A code is 10 random symbols of Crockford base32 (0-9 and A-Z without I, L, O, U), that is 50
// random bits from the OS CSPRNG, followed by one check symbol: the 10 symbols read as a base-32
// number, mod 37, written with the 32 symbols plus `*~$=U` for 32..36 (Crockford's check). The
// canonical form is the 11 characters without separators ("K7QM4TZXP97"); people see it
// grouped 4-4-3 ("K7QM-4TZX-P97").
//
// Why a check symbol: 37 is a prime that divides neither a symbol difference (below 32) nor a
// power of 32, so the check catches every single wrong symbol and every swap of two adjacent
// symbols (check symbol included) before any lookup is made. tests/unit/return_code_test.cpp
// verifies this by brute force.
//
// Every function is thread-safe and keeps no state.

#include <optional>
#include <string>
#include <string_view>

namespace parcelgate {

// Symbols in a canonical code: 10 data symbols and the check symbol.
inline constexpr std::size_t return_code_data_symbols = 10;
inline constexpr std::size_t return_code_length = return_code_data_symbols + 1;
// Longest input normalize_return_code looks at; anything longer is refused unread.
inline constexpr std::size_t return_code_max_input = 64;

// A new code in canonical form. Throws std::runtime_error if the CSPRNG fails (as new_id does).
std::string new_return_code();

// "K7QM4TZXP97" -> "K7QM-4TZX-P97". Meant for canonical codes; any other input is grouped the
// same way, four characters at a time.
std::string format_return_code(std::string_view canonical);

// The canonical code in what an operator typed or a scanner read, or nullopt. Case-insensitive;
// `-` and spaces are ignored; O reads as 0 and I or L as 1 (Crockford's decoding). Only a code
// of exactly 11 symbols whose check symbol matches is accepted. Never throws; any bytes are
// fine, and an input longer than return_code_max_input is refused.
std::optional<std::string> normalize_return_code(std::string_view typed) noexcept;

}  // namespace parcelgate
