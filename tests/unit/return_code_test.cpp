#include "gateway/domain/return_code.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace parcelgate {
namespace {

constexpr std::string_view kDataSymbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::string_view kCheckSymbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

std::vector<std::string> generated_codes(std::size_t n) {
  std::vector<std::string> codes;
  codes.reserve(n);
  for (std::size_t i = 0; i < n; ++i) codes.push_back(new_return_code());
  return codes;
}

TEST(return_code, generated_codes_are_ten_data_symbols_and_a_valid_check) {
  for (const std::string& code : generated_codes(10000)) {
    ASSERT_EQ(code.size(), return_code_length) << code;
    for (std::size_t i = 0; i < return_code_data_symbols; ++i)
      ASSERT_NE(kDataSymbols.find(code[i]), std::string_view::npos) << code;
    ASSERT_NE(kCheckSymbols.find(code.back()), std::string_view::npos) << code;
    ASSERT_EQ(normalize_return_code(code), code);
  }
}

TEST(return_code, generated_codes_do_not_repeat) {
  const auto codes = generated_codes(10000);
  const std::set<std::string> distinct(codes.begin(), codes.end());
  EXPECT_EQ(distinct.size(), codes.size());
}

TEST(return_code, every_symbol_turns_up_in_every_data_position) {
  // 5 random bits per symbol: over 10,000 codes a symbol missing from a position has a chance
  // of 32 * (31/32)^10000, about 1e-136. A generator that used fewer bits would miss some.
  std::array<std::set<char>, return_code_data_symbols> seen;
  for (const std::string& code : generated_codes(10000)) {
    for (std::size_t i = 0; i < return_code_data_symbols; ++i) seen[i].insert(code[i]);
  }
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].size(), 32u) << "position " << i;
}

TEST(return_code, matches_check_symbols_computed_by_hand) {
  // K7QM4TZXP9 = 19 7 23 20 4 26 31 29 22 9. Horner's rule mod 37 (r = r * 32 + symbol):
  // 19 -> 615 % 37 = 23 -> 759 % 37 = 19 -> 628 % 37 = 36 -> 1156 % 37 = 9 -> 314 % 37 = 18
  // -> 607 % 37 = 15 -> 509 % 37 = 28 -> 918 % 37 = 30 -> 969 % 37 = 7: check symbol "7".
  EXPECT_EQ(normalize_return_code("K7QM4TZXP97"), "K7QM4TZXP97");
  // 0000000010 = 32, 32 % 37 = 32: the first extra check symbol "*".
  EXPECT_EQ(normalize_return_code("0000000010*"), "0000000010*");
  // 0000000014 = 36: the last extra check symbol "U".
  EXPECT_EQ(normalize_return_code("0000000014U"), "0000000014U");
  // ZZZZZZZZZZ = 2^50 - 1; 2^36 = 1 mod 37 (Fermat), so 2^50 = 2^14 = 16384 = 30 mod 37, and
  // 2^50 - 1 = 29 mod 37: "X".
  EXPECT_EQ(normalize_return_code("ZZZZZZZZZZX"), "ZZZZZZZZZZX");
  // 1000000000 = 32^9 = (-5)^9 mod 37; 5^3 = 125 = 14, 5^9 = 14^3 = 2744 = 6, so -6 = 31: "Z".
  EXPECT_EQ(normalize_return_code("1000000000Z"), "1000000000Z");
  EXPECT_EQ(normalize_return_code("00000000000"), "00000000000");
}

TEST(return_code, formats_in_groups_of_four_four_three) {
  EXPECT_EQ(format_return_code("K7QM4TZXP97"), "K7QM-4TZX-P97");
  EXPECT_EQ(format_return_code("0000000014U"), "0000-0000-14U");
  for (const std::string& code : generated_codes(200)) {
    const std::string formatted = format_return_code(code);
    ASSERT_EQ(formatted.size(), 13u);
    EXPECT_EQ(formatted[4], '-');
    EXPECT_EQ(formatted[9], '-');
    EXPECT_EQ(normalize_return_code(formatted), code);
  }
}

TEST(return_code, reads_any_case_and_crockford_look_alikes) {
  EXPECT_EQ(normalize_return_code("k7qm4tzxp97"), "K7QM4TZXP97");
  EXPECT_EQ(normalize_return_code("K7qm-4Tzx-p97"), "K7QM4TZXP97");
  // O and o read as 0, I i L l as 1, in data and check positions alike.
  EXPECT_EQ(normalize_return_code("IOOOOOOOOOZ"), "1000000000Z");
  EXPECT_EQ(normalize_return_code("lOoO-oooo-00z"), "1000000000Z");
  EXPECT_EQ(normalize_return_code("iOOOOOOOOOz"), "1000000000Z");
  EXPECT_EQ(normalize_return_code("OOOOOOOOOlL"), "00000000011");
  EXPECT_EQ(normalize_return_code("ooooooooooO"), "00000000000");
  EXPECT_EQ(normalize_return_code("0000000014u"), "0000000014U");
}

TEST(return_code, ignores_dashes_and_spaces_anywhere) {
  EXPECT_EQ(normalize_return_code("K7QM 4TZX P97"), "K7QM4TZXP97");
  EXPECT_EQ(normalize_return_code("  K-7-Q-M-4-T-Z-X-P-9-7  "), "K7QM4TZXP97");
  EXPECT_EQ(normalize_return_code("--K7QM4TZXP97--"), "K7QM4TZXP97");
  // Up to 64 characters are read, separators included; one more and the input is refused.
  const std::string padded = "K7QM4TZXP97" + std::string(53, ' ');
  ASSERT_EQ(padded.size(), 64u);
  EXPECT_EQ(normalize_return_code(padded), "K7QM4TZXP97");
  EXPECT_EQ(normalize_return_code(padded + " "), std::nullopt);
  // Other separators are not symbols.
  EXPECT_EQ(normalize_return_code("K7QM.4TZX.P97"), std::nullopt);
  EXPECT_EQ(normalize_return_code("K7QM\t4TZX\tP97"), std::nullopt);
  EXPECT_EQ(normalize_return_code("K7QM_4TZX_P97"), std::nullopt);
}

TEST(return_code, refuses_a_wrong_check_symbol) {
  for (char check : kCheckSymbols) {
    if (check == '7') continue;
    EXPECT_EQ(normalize_return_code(std::string("K7QM4TZXP9") + check), std::nullopt) << check;
  }
  // U and the other extra symbols are check symbols only.
  EXPECT_EQ(normalize_return_code("U000000000U"), std::nullopt);
  EXPECT_EQ(normalize_return_code("*0000000010"), std::nullopt);
}

TEST(return_code, detects_every_single_symbol_substitution) {
  // Any byte at any position: the code is refused unless the byte reads as the same symbol
  // (another case, a Crockford look-alike). Covers every substitution within the alphabets.
  std::size_t refused = 0;
  for (const std::string& code : generated_codes(300)) {
    for (std::size_t at = 0; at < code.size(); ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string typo = code;
        typo[at] = static_cast<char>(byte);
        if (typo == code) continue;
        const auto read = normalize_return_code(typo);
        if (!read) {
          ++refused;
          continue;
        }
        ASSERT_EQ(*read, code) << "'" << typo << "' read as another code";
      }
      const std::string_view alphabet =
          at < return_code_data_symbols ? kDataSymbols : kCheckSymbols;
      for (char symbol : alphabet) {
        if (symbol == code[at]) continue;
        std::string typo = code;
        typo[at] = symbol;
        ASSERT_EQ(normalize_return_code(typo), std::nullopt) << typo << " from " << code;
      }
    }
  }
  EXPECT_GT(refused, 300u * 11u * 30u);
}

TEST(return_code, detects_every_swap_of_adjacent_symbols) {
  std::size_t swaps = 0;
  for (const std::string& code : generated_codes(300)) {
    for (std::size_t at = 0; at + 1 < code.size(); ++at) {
      if (code[at] == code[at + 1]) continue;
      std::string swapped = code;
      std::swap(swapped[at], swapped[at + 1]);
      ASSERT_EQ(normalize_return_code(swapped), std::nullopt) << swapped << " from " << code;
      ++swaps;
    }
  }
  EXPECT_GT(swaps, 2500u);  // 300 codes x 10 pairs, less the few pairs of equal symbols
}

TEST(return_code, refuses_empty_garbage_overlong_and_non_ascii_input) {
  using namespace std::string_literals;
  for (const std::string& bad :
       {""s, " "s, "-"s, "----------- "s, "K7QM4TZXP9"s, "K7QM4TZXP977"s, "K7QM4TZXP97K7QM4TZXP97"s,
        "K7QM4TZX\0P97"s, "K7QM4TZXP97\0"s, "\0K7QM4TZXP97"s, "K7QM4TZXP9\xC3\xA9"s,
        "K7QM4TZXP\xEF\xBC\x99\x37"s /* fullwidth 9 */,
        "\xFF\xFE\xFD\xFC\xFB\xFA\xF9\xF8\xF7\xF6\xF5"s, "SELECT * FROM"s,
        "K7QM4TZXP97"s + std::string(100, '-'), std::string(10000, '0')}) {
    EXPECT_EQ(normalize_return_code(bad), std::nullopt) << bad;
  }
}

TEST(return_code, any_bytes_are_read_safely) {
  // Formatted codes with 0 to 3 random bytes replaced or inserted, and strings of random bytes:
  // nothing throws or reads out of bounds, and whatever is accepted is a canonical code.
  std::mt19937 random(20261127);
  std::uniform_int_distribution<int> any_byte(0, 255);
  std::uniform_int_distribution<int> edits(0, 3);
  std::uniform_int_distribution<std::size_t> length(0, 80);
  std::size_t accepted = 0;
  for (int round = 0; round < 100000; ++round) {
    std::string input;
    if (round % 2 == 0) {
      input = format_return_code(new_return_code());
      for (int n = edits(random); n > 0; --n) {
        const std::size_t at = std::uniform_int_distribution<std::size_t>(0, input.size())(random);
        const char byte = static_cast<char>(any_byte(random));
        if (at < input.size() && n % 2 == 0) {
          input[at] = byte;
        } else {
          input.insert(at, 1, byte);
        }
      }
    } else {
      input.resize(length(random));
      for (char& c : input) c = static_cast<char>(any_byte(random));
    }
    const auto read = normalize_return_code(input);
    if (!read) continue;
    ++accepted;
    ASSERT_EQ(read->size(), return_code_length) << input;
    ASSERT_EQ(normalize_return_code(*read), *read) << input;
  }
  EXPECT_GT(accepted, 10000u);  // a quarter of the codes are left untouched
}

}  // namespace
}  // namespace parcelgate
