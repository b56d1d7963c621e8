// The negotiation helper: reprices the target's rows with an extra discount and bisects on it.
// The model and the goals are in compare.hpp.
#include <bit>
#include <climits>

#include "gateway/tariffs/negotiation.hpp"

namespace parcelgate::tariffs::detail {

namespace {

// round(value * percent / 100 %) for non-negative operands that fit 64 bits: every value here
// is at most kMaxMoney (1e9) times a percent of at most 1000 % (1e7), far below 2^63.
inline std::int64_t percent_of(std::int64_t value, std::int64_t percent) noexcept {
  return (value * percent + kHundredPercent / 2) / kHundredPercent;
}

struct evaluation {
  std::vector<std::int64_t> shared_totals;  // the target's total over the rows shared with j
  std::uint64_t cheapest = 0;               // rows where the target is the cheapest
};

evaluation evaluate(const negotiation_input& in, std::int64_t extra_discount) {
  evaluation e;
  e.shared_totals.assign(in.compared_ids.size(), 0);
  for (const auto& row : in.rows) {
    const std::int64_t t = reprice(*in.target, row, extra_discount);
    for (std::uint64_t bits = row.rivals; bits != 0; bits &= bits - 1)
      e.shared_totals[static_cast<std::size_t>(std::countr_zero(bits))] += t;
    if (t < row.best_other ||
        (t == row.best_other && (row.flags & negotiation_row::kWinsTies) != 0))
      ++e.cheapest;
  }
  return e;
}

bool lowest_total_reached(const negotiation_input& in, const evaluation& e) {
  for (std::size_t j = 0; j < in.compared_ids.size(); ++j)
    if (j != in.target_position && in.shared_rows[j] > 0 && e.shared_totals[j] > in.rival_totals[j])
      return false;
  return true;
}

bool share_reached(const negotiation_input& in, const evaluation& e) {
  __extension__ using wide = __int128;
  return wide(e.cheapest) * kHundredPercent >= wide(*in.target_share) * wide(in.priceable);
}

// The smallest extra discount, in steps of 0.01 point (100 ten-thousandths), meeting `goal`.
template <class Goal>
negotiation_goal search(const negotiation_input& in, std::int64_t keep, Goal goal) {
  constexpr std::int64_t kStep = 100;
  const std::int64_t top = (keep + kStep - 1) / kStep;  // top * kStep >= keep: a free base
  if (goal(evaluate(in, 0))) return {negotiation_goal::status::already, 0};
  if (!goal(evaluate(in, top * kStep))) return {negotiation_goal::status::not_reachable, keep};
  std::int64_t low = 0, high = top;  // goal(low) false, goal(high) true
  while (high - low > 1) {
    const std::int64_t mid = low + (high - low) / 2;
    if (goal(evaluate(in, mid * kStep)))
      high = mid;
    else
      low = mid;
  }
  return {negotiation_goal::status::reachable, std::min(high * kStep, keep)};
}

}  // namespace

std::int64_t reprice(const contract& target, const negotiation_row& row,
                     std::int64_t extra_discount) noexcept {
  const compiled_contract& k = target.compiled;
  const std::int64_t keep = std::max<std::int64_t>(0, k.discount_keep - extra_discount);
  const std::int64_t discounted = percent_of(row.base, keep);
  std::int64_t total = discounted + row.amounts;
  for (std::uint64_t bits = row.percent_mask; bits != 0; bits &= bits - 1)
    total += percent_of(discounted,
                        k.surcharges[static_cast<std::size_t>(std::countr_zero(bits))].percent);
  if (row.flags & negotiation_row::kReturn)
    total = mul_div_round(total, k.returns_percent, kHundredPercent);
  return total;
}

negotiation_result negotiate(const negotiation_input& in) {
  negotiation_result out;
  out.contract = in.target->id;
  const std::int64_t keep = in.target->compiled.discount_keep;
  out.max_extra_discount = keep;
  out.lowest_total =
      search(in, keep, [&](const evaluation& e) { return lowest_total_reached(in, e); });
  const evaluation now = evaluate(in, 0);
  const evaluation after_a = evaluate(in, out.lowest_total.extra_discount);
  for (std::size_t j = 0; j < in.compared_ids.size(); ++j) {
    if (j == in.target_position || in.shared_rows[j] == 0) continue;
    out.rivals.push_back({in.compared_ids[j], in.shared_rows[j], in.rival_totals[j],
                          now.shared_totals[j], after_a.shared_totals[j]});
  }
  out.cheapest_rows_now = now.cheapest;
  out.cheapest_rows_after = after_a.cheapest;
  if (in.target_share) {
    out.target_share = in.target_share;
    out.share = search(in, keep, [&](const evaluation& e) { return share_reached(in, e); });
    out.cheapest_rows_after = evaluate(in, out.share.extra_discount).cheapest;
  }
  return out;
}

}  // namespace parcelgate::tariffs::detail

namespace parcelgate::tariffs {

std::string_view to_string(negotiation_goal::status s) noexcept {
  switch (s) {
    case negotiation_goal::status::already:
      return "already";
    case negotiation_goal::status::reachable:
      return "reachable";
    case negotiation_goal::status::not_reachable:
      return "not_reachable";
  }
  return "not_reachable";
}

}  // namespace parcelgate::tariffs
