#pragma once
// Invariants of tariff_set::quote_all shared by the fuzz targets that price (rates body, tariff
// YAML): the breakdown adds up to the total, the fast path price() gives the same total, and the
// cheapest quote is the cheapest.

#include "gateway/tariffs/tariff.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace parcelgate::fuzz {

inline void check_quotes(const tariffs::tariff_set& set, const tariffs::quote_request& r) {
  FUZZ_CHECK(r.date.has_value());  // callers fix the date: runs must not depend on the day
  const auto result = set.quote_all(r);
  const tariffs::price_request pr{r.dir,        r.from_country,   r.from_postal_code,
                                  r.to_country, r.to_postal_code, r.parcels,
                                  *r.date,      r.tenant};
  for (const auto& q : result.quotes) {
    FUZZ_CHECK(q.contract_index < set.contracts().size());
    FUZZ_CHECK(!r.service || q.service == *r.service);
    std::int64_t sum = 0;
    for (const auto& l : q.breakdown) sum += l.amount;
    FUZZ_CHECK(sum == q.total);
    FUZZ_CHECK(q.total >= 0);
    FUZZ_CHECK(q.parcel_totals.size() == r.parcels.size());
    const auto priced = set.price(q.contract_index, q.service, pr);
    FUZZ_CHECK(priced.has_value() && priced->total == q.total);
  }
  for (const auto& u : result.unavailable) {
    FUZZ_CHECK(u.contract_index < set.contracts().size());
    FUZZ_CHECK(!u.reason.empty());
  }
  FUZZ_CHECK(result.quotes.empty() == !result.cheapest.has_value());
  FUZZ_CHECK(result.quotes.empty() == !result.fastest.has_value());
  if (result.cheapest) {
    FUZZ_CHECK(*result.cheapest < result.quotes.size());
    for (const auto& q : result.quotes)
      FUZZ_CHECK(result.quotes[*result.cheapest].total <= q.total);
  }
  if (result.fastest) FUZZ_CHECK(*result.fastest < result.quotes.size());
}

}  // namespace parcelgate::fuzz
