// The local network's tracking numbers: format, ISO 7064 MOD 11,10 check digit, errors it
// catches, and no duplicates in a large draw.
#include "adapters/local/tracking_number.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <unordered_set>

using namespace parcelgate;
using adapters::local_check_digit;
using adapters::new_local_tracking_number;
using adapters::valid_local_tracking_number;

namespace {

TEST(LocalTrackingNumber, is_pgl_twelve_digits_and_a_check_digit) {
  for (int i = 0; i < 100; ++i) {
    const auto number = new_local_tracking_number();
    ASSERT_TRUE(number);
    EXPECT_TRUE(std::regex_match(*number, std::regex("^PGL[0-9]{13}$"))) << *number;
    EXPECT_EQ(number->size(), adapters::kLocalTrackingLength);
    EXPECT_EQ(number->back(), *local_check_digit(number->substr(3, 12))) << *number;
    EXPECT_TRUE(valid_local_tracking_number(*number)) << *number;
  }
}

TEST(LocalTrackingNumber, check_digit_is_iso_7064_mod_11_10) {
  // 86095742719: the example German tax id (Steuer-IdNr), whose last digit is MOD 11,10.
  EXPECT_EQ(local_check_digit("8609574271"), '9');
  EXPECT_EQ(local_check_digit("490735316142"), '3');
  EXPECT_EQ(local_check_digit("000000000000"), '4');
  EXPECT_TRUE(valid_local_tracking_number("PGL4907353161423"));
  EXPECT_TRUE(valid_local_tracking_number("PGL0000000000004"));
  EXPECT_FALSE(local_check_digit(""));
  EXPECT_FALSE(local_check_digit("12a4"));
}

TEST(LocalTrackingNumber, every_single_digit_change_is_rejected) {
  for (int round = 0; round < 50; ++round) {
    const auto number = new_local_tracking_number();
    ASSERT_TRUE(number);
    for (std::size_t at = 3; at < number->size(); ++at)
      for (char d = '0'; d <= '9'; ++d) {
        if (d == (*number)[at]) continue;
        std::string changed = *number;
        changed[at] = d;
        EXPECT_FALSE(valid_local_tracking_number(changed)) << *number << " -> " << changed;
      }
  }
}

TEST(LocalTrackingNumber, most_swaps_of_adjacent_digits_are_rejected) {
  // MOD 11,10 misses 20 of the 900 (state, a, b) swaps: about 2%, against 10 in 90 for GS1.
  int swaps = 0, caught = 0;
  for (int round = 0; round < 200; ++round) {
    const auto number = new_local_tracking_number();
    ASSERT_TRUE(number);
    for (std::size_t at = 3; at + 1 < number->size(); ++at) {
      if ((*number)[at] == (*number)[at + 1]) continue;
      std::string swapped = *number;
      std::swap(swapped[at], swapped[at + 1]);
      ++swaps;
      caught += valid_local_tracking_number(swapped) ? 0 : 1;
    }
  }
  EXPECT_GT(caught, swaps * 95 / 100) << caught << " of " << swaps;
}

TEST(LocalTrackingNumber, refuses_anything_else) {
  for (std::string bad : {"", "PGL", "PGL490735316142", "PGL49073531614230", "pgl4907353161423",
                          "PGX4907353161423", "PGL 4907353161423", "PGL490735316142A",
                          "PGL4907353161424", "4907353161423", "PGL4907353161423 "})
    EXPECT_FALSE(valid_local_tracking_number(bad)) << bad;
}

TEST(LocalTrackingNumber, ten_thousand_numbers_have_no_duplicate) {
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) {
    auto number = new_local_tracking_number();
    ASSERT_TRUE(number);
    EXPECT_TRUE(seen.insert(*number).second) << "duplicate " << *number << " after " << i;
  }
  EXPECT_EQ(seen.size(), 10'000u);
}

TEST(LocalTrackingNumber, digits_are_spread_over_every_position) {
  // A coarse check of the draw (not of the CSPRNG): each digit appears at each position.
  int counts[12][10] = {};
  for (int i = 0; i < 10'000; ++i) {
    const auto number = new_local_tracking_number();
    ASSERT_TRUE(number);
    for (int p = 0; p < 12; ++p) ++counts[p][(*number)[static_cast<std::size_t>(3 + p)] - '0'];
  }
  for (int p = 0; p < 12; ++p)
    for (int d = 0; d < 10; ++d) {
      // Expected 1000 each; 800..1200 is more than 6 standard deviations wide.
      EXPECT_GT(counts[p][d], 800) << "position " << p << " digit " << d;
      EXPECT_LT(counts[p][d], 1200) << "position " << p << " digit " << d;
    }
}

}  // namespace
