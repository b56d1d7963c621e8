#pragma once
// Applies scans to shipments (DESIGN §6), whatever their source: reads the shipment and its
// timeline, merges the new events by the timeline rules (timeline.hpp), and writes the new
// events with the resulting status in one compare-and-set on the shipment's version
// (async_store::record_tracking). When another write came first (a concurrent poll, a push, a
// cancel) it reads again and merges again, so concurrent sources never lose an event nor set a
// status the full timeline does not support. Works the same on both stores and across gateways.

#include <boost/asio/awaitable.hpp>

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/timeline.hpp"

namespace parcelgate {

namespace store {
class async_store;
}
namespace carriers {
struct tracking_event;
}
namespace telemetry {
class metrics;
}
class shipment_cache;

// A carrier's normalized scan as a timeline event from `source` (carrier_poll, carrier_push).
timeline_event from_carrier_event(const carriers::tracking_event& e, std::string source);

class tracking_service {
 public:
  tracking_service(store::async_store& db, shipment_cache& cache, telemetry::metrics& metrics)
      : db_(db), cache_(cache), metrics_(metrics) {}

  // Applies `events` to the shipment `shipment_id` of `tenant` (empty: any tenant, for the
  // carriers' own feeds). not_found for an unknown shipment; the merge says what was new and the
  // status the shipment now has. A new event whose code no status map knows (`unknown`) is
  // counted in parcelgate_tracking_unmapped_codes_total{carrier,code} and logged once per code.
  boost::asio::awaitable<result<timeline_merge>> apply(std::string tenant, std::string shipment_id,
                                                       std::vector<timeline_event> events);

  // The shipment's timeline, oldest first (tenant-scoped as above).
  boost::asio::awaitable<result<std::vector<timeline_event>>> timeline(std::string tenant,
                                                                       std::string shipment_id);

 private:
  void note_unmapped(const std::string& carrier, const timeline_event& e);

  store::async_store& db_;
  shipment_cache& cache_;
  telemetry::metrics& metrics_;
  std::mutex logged_mutex_;
  std::set<std::string> logged_;  // carrier + code already logged
};

}  // namespace parcelgate
