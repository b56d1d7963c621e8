#pragma once
// Collection points across networks (GET /v1/points, DESIGN §4): one query fans out to every
// network that searches points, each within its own deadline, and the answers are merged by
// distance. A network that fails or is late leaves a warning, never the whole answer.
//
// Each network's answer is cached per query area (country, postal code or a ~100 m square of
// coordinates, radius, weight): fresh for `cache_ttl`, then served while it is fetched again
// (stale-while-revalidate) for `stale_serve`, then fetched before answering. Filters (type,
// open_at, limit) apply after the cache, so every filter of an area shares one entry.
//
// Thread-safety: find() and find_one() may run concurrently from any I/O thread.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/carriers/adapter.hpp"
#include "gateway/config/config.hpp"
#include "gateway/domain/time_zone.hpp"

namespace parcelgate::carriers {
class registry;
class http_client;
}  // namespace parcelgate::carriers
namespace parcelgate::telemetry {
class metrics;
}

namespace parcelgate {

// A validated search (the API checks every field before it gets here).
struct points_request {
  carriers::point_query where;              // country, postal code and/or coordinates, radius
  std::vector<std::string> networks;        // carrier ids to ask, each with caps().points
  std::vector<carriers::point_type> types;  // empty: every type
  std::optional<std::chrono::sys_seconds> open_at;  // only points open at this instant
  int limit = 20;
};

// How one network contributed to an answer.
struct network_outcome {
  enum class source {
    fetched,  // asked now
    cached,   // a fresh cached answer
    stale,    // an older cached answer, being fetched again in the background
    failed,   // no answer: `failure` says why
  };
  std::string carrier;
  source from = source::fetched;
  int points = 0;          // points this network had for the area (before filters)
  std::int64_t age_s = 0;  // age of the cached answer
  std::optional<error> failure{};
};
std::string_view to_string(network_outcome::source s) noexcept;

struct points_answer {
  std::vector<carriers::collection_point> points;  // nearest first, filtered, at most `limit`
  std::vector<network_outcome> networks;           // in the order asked
  // Until when every network's part is fresh (an answer with a stale or failed part: now).
  std::chrono::steady_clock::time_point fresh_until{};
};

// Great-circle distance in metres (haversine, mean Earth radius 6,371,008.8 m).
double distance_m(double lat1, double lon1, double lat2, double lon2) noexcept;

// The tz database zone points of `country` keep their hours in; empty when not known (then
// open_at is read in UTC). Countries spanning several zones are not served by any network here.
std::string_view point_zone_name(std::string_view country) noexcept;

// True when `point` is open at local time `local` (seconds since local midnight of `weekday`,
// 0 = Monday). A point closing at "24:00" is open until midnight.
bool open_at_local(const carriers::collection_point& point, int weekday, int seconds) noexcept;

// Merges the networks' points: distances from the query's coordinates when it has them (else
// each carrier's own, unknown last), nearest first (ties by id), types and opening filtered,
// at most `limit`. Pure: the cache and the fan-out are around it.
std::vector<carriers::collection_point> merge_points(
    const std::vector<std::vector<carriers::collection_point>>& per_network,
    const points_request& request,
    const std::function<bool(const carriers::collection_point&)>& open_filter);

class points_finder {
 public:
  points_finder(const carriers::registry& carriers, carriers::http_client& client,
                telemetry::metrics& metrics, const config::points_config& config);
  points_finder(const points_finder&) = delete;
  points_finder& operator=(const points_finder&) = delete;

  // Carriers that search points, in config order.
  const std::vector<std::string>& networks() const noexcept { return networks_; }

  boost::asio::awaitable<points_answer> find(const points_request& request);
  // One point by its id's parts; not_found when its network does not know it, unsupported when
  // the carrier does not search points. Points seen in a search are answered from the cache.
  boost::asio::awaitable<result<carriers::collection_point>> find_one(std::string_view carrier,
                                                                      std::string_view country,
                                                                      std::string_view native_id);

  // Whole answers, as the API serialized them, for a few seconds: the same query again (a
  // checkout page reloaded, many shoppers of one postal code) is served without merging and
  // serializing again. Only answers without failures are kept; `query` is the API's canonical
  // form of the request.
  static constexpr std::chrono::seconds kAnswerTtl{5};
  std::optional<std::string> kept_answer(const std::string& query);
  void keep_answer(const std::string& query, std::string body,
                   std::chrono::steady_clock::time_point fresh_until);

  // The cache's key for one network and query (exposed for tests).
  static std::string area_key(std::string_view carrier, const carriers::point_query& q);
  std::size_t cached_areas() const;

  // Runs one network's search (a cache miss, or a background refresh) and stores the result.
  boost::asio::awaitable<result<std::vector<carriers::collection_point>>> fetch(
      std::string carrier, std::string key, carriers::point_query query);
  // A cache miss: joins the search of the same area already in flight, or runs it (one search
  // per area at a time however many shoppers ask at once).
  boost::asio::awaitable<result<std::vector<carriers::collection_point>>> fetch_once(
      std::string carrier, std::string key, carriers::point_query query);

 private:
  using points_ptr = std::shared_ptr<const std::vector<carriers::collection_point>>;
  struct entry {
    points_ptr points;
    std::chrono::steady_clock::time_point fetched_at;
    bool refreshing = false;
    std::list<std::string>::iterator lru;
  };
  struct lookup {
    points_ptr points;
    std::chrono::seconds age{0};
    std::chrono::steady_clock::time_point fetched_at{};
    bool fresh = false;
    bool stale = false;          // usable while refreshed
    bool start_refresh = false;  // the caller is the one to refresh it
  };
  lookup look(const std::string& key);
  void store(const std::string& key, points_ptr points);
  void refresh_failed(const std::string& key);
  std::optional<carriers::collection_point> cached_point(const std::string& id) const;
  bool open_filter(const carriers::collection_point& p, std::chrono::sys_seconds at) const;

  const carriers::registry& carriers_;
  carriers::http_client& client_;
  telemetry::metrics& metrics_;
  config::points_config config_;
  std::vector<std::string> networks_;
  std::unordered_map<std::string, time_zone> zones_;  // loaded once, by zone name

  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> cache_;
  std::list<std::string> lru_;  // most recently used first
  struct kept {
    std::shared_ptr<const std::string> body;
    std::chrono::steady_clock::time_point until;
  };
  std::unordered_map<std::string, kept> answers_;  // bounded by config_.cache_entries
  struct flight;  // a search in flight and the requests waiting for it
  std::unordered_map<std::string, std::shared_ptr<flight>> flights_;
  // Points seen in searches, by id, for GET /v1/points/{id}; bounded with the area cache.
  std::unordered_map<std::string,
                     std::pair<carriers::collection_point, std::chrono::steady_clock::time_point>>
      by_id_;
};

}  // namespace parcelgate
