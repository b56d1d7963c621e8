// The body of POST /v1/shipments (gateway/domain/shipment_input.cpp): JSON parse, validation with
// field paths, and the canonical form used for idempotency.

#include <string>
#include <vector>

#include "gateway/domain/countries.hpp"
#include "gateway/domain/shipment_input.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace parcelgate;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  static const std::vector<std::string> carriers = {"colissimo", "mondialrelay"};
  const auto in = parse_shipment_input(fuzz::as_text(data, size), carriers);
  if (in.malformed) {
    FUZZ_CHECK(!in.malformed_detail.empty());
    FUZZ_CHECK(in.canonical_json.empty());
    return 0;
  }
  FUZZ_CHECK(in.canonical_json.starts_with('{') && in.canonical_json.ends_with('}'));
  for (const auto& e : in.errors) FUZZ_CHECK(!e.message.empty());

  if (!in.errors.empty()) return 0;

  // The canonical form (the idempotency hash input) of a valid request is a fixed point: it
  // reads back to the same form and is valid too. (Only valid requests are hashed: a body with
  // a number out of double range serializes as "Infinity", not JSON, but no field accepts one.)
  const auto again = parse_shipment_input(in.canonical_json, carriers);
  FUZZ_CHECK(!again.malformed);
  FUZZ_CHECK(again.canonical_json == in.canonical_json);
  FUZZ_CHECK(again.errors.empty());

  // A valid request is inside the published limits.
  const auto& r = in.request;
  FUZZ_CHECK(in.carrier == "auto" || in.carrier == "colissimo" || in.carrier == "mondialrelay");
  FUZZ_CHECK(!r.parcels.empty() && r.parcels.size() <= static_cast<std::size_t>(kMaxParcels));
  for (const auto& p : r.parcels) {
    FUZZ_CHECK(p.weight_g >= 1 && p.weight_g <= kMaxWeightG);
    if (p.dimensions_mm) {
      for (int d : {p.dimensions_mm->length, p.dimensions_mm->width, p.dimensions_mm->height})
        FUZZ_CHECK(d >= 1 && d <= kMaxDimensionMm);
    }
  }
  FUZZ_CHECK(is_iso_country(r.from.country) && is_iso_country(r.to.country));
  if (r.service == service_level::pickup_point || r.service == service_level::locker)
    FUZZ_CHECK(!r.pickup_point_id.empty() && is_iso_country(r.pickup_point_country));
  return 0;
}
