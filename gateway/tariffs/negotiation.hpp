#pragma once
// Internal to the comparison (compare.cpp, negotiation.cpp): what is kept per row for the
// negotiation helper, and the search itself. See the model in compare.hpp.

#include <cstdint>
#include <vector>

#include "gateway/tariffs/compare.hpp"

namespace parcelgate::tariffs::detail {

// One row that the target contract can price.
struct negotiation_row {
  std::int64_t best_other = 0;     // lowest total of the other contracts; INT64_MAX if none
  std::uint64_t percent_mask = 0;  // the target's percent surcharges that hold (parcel_parts)
  std::uint64_t rivals = 0;        // bit j: compared contract j (not the target) prices the row
  std::int64_t amounts = 0;        // the target's amount surcharges
  std::int32_t base = 0;           // the target's band price
  std::uint8_t flags = 0;          // kWinsTies, kReturn
  static constexpr std::uint8_t kWinsTies = 1;  // at an equal total the target is preferred
  static constexpr std::uint8_t kReturn = 2;
};

struct negotiation_input {
  const contract* target = nullptr;
  std::size_t target_position = 0;         // in the compared contracts
  std::vector<std::string> compared_ids;   // by position
  std::vector<std::int64_t> rival_totals;  // by position: over rows shared with the target
  std::vector<std::uint64_t> shared_rows;  // by position
  std::vector<negotiation_row> rows;
  std::uint64_t priceable = 0;               // rows at least one compared contract prices
  std::optional<std::int64_t> target_share;  // goal (b), ten-thousandths of a percent
};

// The target's price of one row with an extra discount (ten-thousandths of a percent).
std::int64_t reprice(const contract& target, const negotiation_row& row,
                     std::int64_t extra_discount) noexcept;

negotiation_result negotiate(const negotiation_input& in);

}  // namespace parcelgate::tariffs::detail
