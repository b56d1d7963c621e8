// The body of POST /v1/pickups (gateway/domain/pickup_input.cpp): JSON parse, the generic checks
// with field paths, and the canonical form used for idempotency.

#include <algorithm>
#include <string>

#include "gateway/domain/countries.hpp"
#include "gateway/domain/pickup_input.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace parcelgate;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto in = parse_pickup_input(fuzz::as_text(data, size));
  if (in.malformed) {
    FUZZ_CHECK(!in.malformed_detail.empty());
    FUZZ_CHECK(in.canonical_json.empty());
    return 0;
  }
  FUZZ_CHECK(in.canonical_json.starts_with('{') && in.canonical_json.ends_with('}'));
  for (const auto& e : in.errors) FUZZ_CHECK(!e.message.empty());
  if (!in.errors.empty()) return 0;

  // The canonical form of a valid request reads back to itself, valid.
  const auto again = parse_pickup_input(in.canonical_json);
  FUZZ_CHECK(!again.malformed);
  FUZZ_CHECK(again.canonical_json == in.canonical_json);
  FUZZ_CHECK(again.errors.empty());

  // A valid request is inside the published limits.
  FUZZ_CHECK(!in.carrier.empty());
  FUZZ_CHECK(is_iso_country(in.at.country));
  FUZZ_CHECK(in.date.empty() || parse_iso_date(in.date).has_value());
  FUZZ_CHECK(in.window_from.empty() == in.window_to.empty());
  if (!in.window_from.empty())
    FUZZ_CHECK(clock_minutes(in.window_from) >= 0 &&
               clock_minutes(in.window_to) > clock_minutes(in.window_from));
  FUZZ_CHECK(in.shipment_ids.empty() != (in.parcel_count == 0));
  FUZZ_CHECK(in.shipment_ids.size() <= kMaxPickupShipments);
  FUZZ_CHECK(in.parcel_count >= 0 && in.parcel_count <= kMaxPickupParcelCount);
  for (std::size_t i = 0; i < in.shipment_ids.size(); ++i)
    FUZZ_CHECK(std::find(in.shipment_ids.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                         in.shipment_ids.end(), in.shipment_ids[i]) == in.shipment_ids.end());
  FUZZ_CHECK(in.instructions.size() <= 250);
  return 0;
}
