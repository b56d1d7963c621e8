#pragma once
// The normalized timeline of one parcel (DESIGN §6), as pure functions the tracking paths share
// whatever the event's source (a carrier poll, a carrier push, a collection point's scan, the
// gateway itself):
// - events are deduplicated on (carrier code, occurred_at): a poll that sees the same scan again,
//   or a push replayed, adds nothing;
// - the timeline is kept in occurred_at order, whatever order events arrive in;
// - the parcel's status is that of its latest event, except that final statuses (delivered,
//   returned_to_sender, cancelled) stay final, an event arriving late (older than the latest)
//   never moves the status backwards, and an `unknown` event (a code no status map knows) is kept
//   but never replaces a known status.

#include <chrono>
#include <string>
#include <vector>

#include "gateway/domain/tracking.hpp"

namespace parcelgate {

struct timeline_event {
  tracking_status status = tracking_status::unknown;
  std::string carrier_code;
  std::string carrier_text{};
  std::string occurred_at{};  // RFC 3339; compared as instants, so offsets are fine
  std::string location{};     // city or site as the carrier names it
  std::string postal_code{};
  std::string country{};
  std::string point_id{};
  std::string source{};  // carrier_poll | carrier_push | point_scan | gateway (DESIGN §4)
};

bool is_final(tracking_status s) noexcept;

struct timeline_merge {
  std::vector<timeline_event> added;     // the incoming events that were new, in time order
  std::vector<timeline_event> rejected;  // incoming events without a readable occurred_at
  tracking_status status = tracking_status::unknown;  // the parcel's status after the merge
  bool status_changed = false;
};

// Merges `incoming` into `timeline` (kept sorted by occurred_at, oldest first) and derives the
// status from `current` (the parcel's status before the merge).
timeline_merge merge_into_timeline(std::vector<timeline_event>& timeline, tracking_status current,
                                   std::vector<timeline_event> incoming);

}  // namespace parcelgate
