// The body of POST /v1/rates: JSON parse with the route's options (rates_routes.cpp, post_rates),
// parse_rate_input (gateway/api/rate_input.cpp), then quotes from the shipped contracts of
// config/tariffs for every valid request, with the pricing invariants checked.

#include <boost/json.hpp>

#include <cstdlib>
#include <string>

#include "gateway/api/rate_input.hpp"
#include "gateway/domain/countries.hpp"
#include "gateway/tariffs/tariff.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/pricing_checks.hpp"

using namespace parcelgate;

namespace {

std::shared_ptr<const tariffs::tariff_set> shipped_tariffs() {
  static const auto set = [] {
    auto loaded = tariffs::load_dir(PG_SOURCE_DIR "/config/tariffs");
    if (!loaded) {
      for (const auto& p : loaded.error()) std::fprintf(stderr, "%s\n", p.to_string().c_str());
      std::abort();
    }
    return *loaded;
  }();
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)shipped_tariffs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 16;  // as post_rates
  const auto root = boost::json::parse(fuzz::as_text(data, size), ec, {}, opts);
  if (ec || !root.is_object()) return 0;
  auto in = api::parse_rate_input(root.as_object());
  for (const auto& e : in.errors) FUZZ_CHECK(!e.message.empty());
  if (!in.errors.empty()) return 0;

  auto& r = in.request;
  FUZZ_CHECK(!r.parcels.empty() && r.parcels.size() <= 50);
  for (const auto& p : r.parcels) {
    FUZZ_CHECK(p.weight_g >= 1 && p.weight_g <= 1'000'000);
    for (int d : {p.length_mm, p.width_mm, p.height_mm}) FUZZ_CHECK(d >= 0 && d <= 10'000);
  }
  FUZZ_CHECK(is_iso_country(r.from_country) && is_iso_country(r.to_country));
  FUZZ_CHECK(!r.from_postal_code.empty() && !r.to_postal_code.empty());

  // Pricing: a fixed date when none is given, so that a run does not depend on the day.
  if (!r.date) r.date = tariffs::parse_date("2026-09-15");
  fuzz::check_quotes(*shipped_tariffs(), r);
  return 0;
}
