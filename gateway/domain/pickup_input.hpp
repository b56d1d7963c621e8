#pragma once
// The body of POST /v1/pickups (docs/pickups.md) read with the generic checks only (types,
// lengths, formats, unknown fields), every problem with its field path; the carrier's rules and
// the shipments are checked by pickup_service. Pure: no I/O, fuzzed (tests/fuzz).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"

namespace parcelgate {

inline constexpr std::size_t kMaxPickupShipments = 100;
inline constexpr int kMaxPickupParcelCount = 500;

struct pickup_input {
  bool malformed = false;  // not JSON, or not an object: a 400
  std::string malformed_detail;
  std::vector<field_error> errors;  // every field problem found
  std::string canonical_json;       // for the idempotency hash
  std::string carrier;
  address at;
  std::string date;                       // YYYY-MM-DD; empty: the carrier's first possible
  std::string window_from, window_to;     // "HH:MM", both or neither
  std::vector<std::string> shipment_ids;  // or parcel_count
  int parcel_count = 0;
  std::string instructions;
};
pickup_input parse_pickup_input(std::string_view body);

// "HH:MM" as minutes after midnight (00:00 to 23:59), or -1.
int clock_minutes(std::string_view hhmm);
// "YYYY-MM-DD" (a real calendar day), or nothing.
std::optional<std::chrono::sys_days> parse_iso_date(std::string_view s);

}  // namespace parcelgate
