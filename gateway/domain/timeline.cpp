#include "gateway/domain/timeline.hpp"

#include <algorithm>
#include <optional>

#include "gateway/domain/ids.hpp"

namespace parcelgate {

namespace {

std::optional<std::chrono::sys_seconds> instant(const timeline_event& e) {
  return parse_rfc3339(e.occurred_at);
}

bool same_scan(const timeline_event& a, const timeline_event& b) {
  return a.carrier_code == b.carrier_code && instant(a) == instant(b);
}

}  // namespace

bool is_final(tracking_status s) noexcept {
  return s == tracking_status::delivered || s == tracking_status::returned_to_sender ||
         s == tracking_status::cancelled;
}

timeline_merge merge_into_timeline(std::vector<timeline_event>& timeline, tracking_status current,
                                   std::vector<timeline_event> incoming) {
  timeline_merge out;
  out.status = current;
  // The latest known instant before the merge: an older event is late and moves nothing.
  std::optional<std::chrono::sys_seconds> latest;
  for (const auto& e : timeline)
    if (auto t = instant(e); t && (!latest || *t > *latest)) latest = t;

  std::stable_sort(incoming.begin(), incoming.end(), [](const auto& a, const auto& b) {
    return instant(a).value_or(std::chrono::sys_seconds{}) <
           instant(b).value_or(std::chrono::sys_seconds{});
  });
  for (auto& e : incoming) {
    const auto when = instant(e);
    if (!when) {
      out.rejected.push_back(std::move(e));
      continue;
    }
    const bool seen = std::any_of(timeline.begin(), timeline.end(),
                                  [&](const timeline_event& k) { return same_scan(k, e); });
    if (seen) continue;
    // Insert in time order; among equal instants, after those already there.
    auto at = std::upper_bound(timeline.begin(), timeline.end(), *when,
                               [](const std::chrono::sys_seconds& t, const timeline_event& k) {
                                 return t < instant(k).value_or(std::chrono::sys_seconds{});
                               });
    timeline.insert(at, e);
    const bool newest = !latest || *when >= *latest;
    if (newest) latest = when;
    if (newest && !is_final(out.status) && e.status != tracking_status::unknown &&
        e.status != out.status) {
      out.status = e.status;
      out.status_changed = true;
    }
    out.added.push_back(std::move(e));
  }
  if (out.status == current) out.status_changed = false;
  return out;
}

}  // namespace parcelgate
