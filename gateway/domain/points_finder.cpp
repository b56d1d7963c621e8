#include "gateway/domain/points_finder.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "gateway/carriers/registry.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace parcelgate {

namespace net = boost::asio;
using carriers::collection_point;
using carriers::point_query;

std::string_view to_string(network_outcome::source s) noexcept {
  switch (s) {
    case network_outcome::source::fetched:
      return "fetched";
    case network_outcome::source::cached:
      return "cached";
    case network_outcome::source::stale:
      return "stale";
    case network_outcome::source::failed:
      return "failed";
  }
  return "failed";
}

double distance_m(double lat1, double lon1, double lat2, double lon2) noexcept {
  constexpr double earth_radius_m = 6'371'008.8;
  constexpr double rad = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * rad;
  const double dlon = (lon2 - lon1) * rad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * rad) * std::cos(lat2 * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * earth_radius_m * std::asin(std::min(1.0, std::sqrt(a)));
}

std::string_view point_zone_name(std::string_view country) noexcept {
  struct zone {
    std::string_view country, name;
  };
  // The countries the networks here serve, each in one zone.
  static constexpr zone zones[] = {
      {"AT", "Europe/Vienna"},     {"BE", "Europe/Brussels"},   {"CH", "Europe/Zurich"},
      {"CZ", "Europe/Prague"},     {"DE", "Europe/Berlin"},     {"ES", "Europe/Madrid"},
      {"FR", "Europe/Paris"},      {"GB", "Europe/London"},     {"IE", "Europe/Dublin"},
      {"IT", "Europe/Rome"},       {"LU", "Europe/Luxembourg"}, {"MC", "Europe/Monaco"},
      {"NL", "Europe/Amsterdam"},  {"PL", "Europe/Warsaw"},     {"PT", "Europe/Lisbon"},
      {"SK", "Europe/Bratislava"}, {"HU", "Europe/Budapest"},   {"LT", "Europe/Vilnius"},
      {"LV", "Europe/Riga"},       {"EE", "Europe/Tallinn"},
  };
  for (const auto& z : zones)
    if (z.country == country) return z.name;
  return {};
}

namespace {

// "HH:MM" -> seconds since midnight; -1 when unreadable. "24:00" is the end of the day.
int clock_seconds(std::string_view hhmm) noexcept {
  if (hhmm.size() != 5 || hhmm[2] != ':') return -1;
  auto digit = [&](std::size_t i) {
    return hhmm[i] >= '0' && hhmm[i] <= '9' ? hhmm[i] - '0' : -100;
  };
  const int h = digit(0) * 10 + digit(1), m = digit(3) * 10 + digit(4);
  if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
  return h * 3600 + m * 60;
}

}  // namespace

bool open_at_local(const collection_point& point, int weekday, int seconds) noexcept {
  if (weekday < 0 || weekday > 6) return false;
  for (const auto& interval : point.opening_hours[static_cast<std::size_t>(weekday)]) {
    const int from = clock_seconds(interval.opens), to = clock_seconds(interval.closes);
    if (from < 0 || to < 0) continue;
    if (from <= to) {
      if (seconds >= from && seconds < to) return true;
    } else if (seconds >= from) {  // past midnight: the rest counts on this day's evening
      return true;
    }
  }
  // An interval of the previous day that runs past midnight ("22:00"-"02:00").
  const auto& before = point.opening_hours[static_cast<std::size_t>((weekday + 6) % 7)];
  for (const auto& interval : before) {
    const int from = clock_seconds(interval.opens), to = clock_seconds(interval.closes);
    if (from >= 0 && to >= 0 && from > to && seconds < to) return true;
  }
  return false;
}

std::vector<collection_point> merge_points(
    const std::vector<std::vector<collection_point>>& per_network, const points_request& request,
    const std::function<bool(const collection_point&)>& open_filter) {
  std::vector<collection_point> all;
  const auto& q = request.where;
  const bool from_coordinates = q.latitude && q.longitude;
  for (const auto& network : per_network)
    for (const auto& p : network) {
      if (!request.types.empty() &&
          std::find(request.types.begin(), request.types.end(), p.type) == request.types.end())
        continue;
      if (open_filter && !open_filter(p)) continue;
      all.push_back(p);
      if (from_coordinates)
        all.back().distance_m = static_cast<int>(
            std::lround(distance_m(*q.latitude, *q.longitude, p.latitude, p.longitude)));
    }
  // A point outside the radius asked is dropped when its distance is known: networks differ in
  // how strictly they apply their own radius.
  std::erase_if(all, [&](const collection_point& p) {
    return p.distance_m >= 0 && q.radius_m > 0 && p.distance_m > q.radius_m;
  });
  std::sort(all.begin(), all.end(), [](const collection_point& a, const collection_point& b) {
    const bool ua = a.distance_m < 0, ub = b.distance_m < 0;
    if (ua != ub) return ub;  // unknown distances last
    if (a.distance_m != b.distance_m) return a.distance_m < b.distance_m;
    return a.id < b.id;
  });
  // One point may come twice (a network answering the same point for two areas): keep the first.
  std::vector<collection_point> out;
  for (auto& p : all) {
    if (static_cast<int>(out.size()) >= request.limit) break;
    if (std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.id == p.id; })) continue;
    out.push_back(std::move(p));
  }
  return out;
}

points_finder::points_finder(const carriers::registry& carriers, carriers::http_client& client,
                             telemetry::metrics& metrics, const config::points_config& config)
    : carriers_(carriers), client_(client), metrics_(metrics), config_(config) {
  for (const auto& c : carriers.all()) {
    if (!c.adapter->caps().points) continue;
    networks_.emplace_back(c.adapter->id());
    for (const auto& country : c.adapter->caps().destination_countries) {
      const auto name = point_zone_name(country);
      if (name.empty() || zones_.contains(std::string(name))) continue;
      if (auto z = time_zone::load(name)) zones_.emplace(std::string(name), std::move(*z));
    }
  }
  for (std::string_view country : {"FR", "PL", "BE", "LU", "NL", "ES", "DE"}) {
    const auto name = point_zone_name(country);
    if (zones_.contains(std::string(name))) continue;
    if (auto z = time_zone::load(name)) zones_.emplace(std::string(name), std::move(*z));
  }
}

std::string points_finder::area_key(std::string_view carrier, const point_query& q) {
  std::string key(carrier);
  key += '|';
  key += q.country;
  if (q.latitude && q.longitude) {
    // About 110 m squares: nearby shoppers share an entry; distances are recomputed per query.
    char buf[64];
    std::snprintf(buf, sizeof buf, "|ll:%.3f,%.3f", *q.latitude, *q.longitude);
    key += buf;
  } else {
    key += "|pc:" + q.postal_code + "|" + q.city;
  }
  key += "|r:" + std::to_string(q.radius_m) + "|w:" + std::to_string(q.weight_g);
  return key;
}

std::size_t points_finder::cached_areas() const {
  const std::lock_guard lock(mutex_);
  return cache_.size();
}

points_finder::lookup points_finder::look(const std::string& key) {
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard lock(mutex_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return {};
  auto& e = it->second;
  lru_.splice(lru_.begin(), lru_, e.lru);
  lookup out;
  out.age = std::chrono::duration_cast<std::chrono::seconds>(now - e.fetched_at);
  out.fetched_at = e.fetched_at;
  if (now - e.fetched_at < config_.cache_ttl) {
    out.points = e.points;
    out.fresh = true;
  } else if (now - e.fetched_at < config_.cache_ttl + config_.stale_serve) {
    out.points = e.points;
    out.stale = true;
    if (!e.refreshing) {
      e.refreshing = true;
      out.start_refresh = true;
    }
  }
  return out;
}

void points_finder::store(const std::string& key, points_ptr points) {
  if (config_.cache_entries <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard lock(mutex_);
  for (const auto& p : *points) by_id_[p.id] = {p, now};
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    it->second.points = std::move(points);
    it->second.fetched_at = now;
    it->second.refreshing = false;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return;
  }
  lru_.push_front(key);
  cache_.emplace(key, entry{std::move(points), now, false, lru_.begin()});
  while (cache_.size() > static_cast<std::size_t>(config_.cache_entries)) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
  // Points by id live as long as an area could have shown them.
  if (by_id_.size() > static_cast<std::size_t>(config_.cache_entries) * 4)
    std::erase_if(by_id_, [&](const auto& kv) {
      return now - kv.second.second >= config_.cache_ttl + config_.stale_serve;
    });
}

void points_finder::refresh_failed(const std::string& key) {
  const std::lock_guard lock(mutex_);
  if (auto it = cache_.find(key); it != cache_.end()) it->second.refreshing = false;
}

std::optional<std::string> points_finder::kept_answer(const std::string& query) {
  const auto now = std::chrono::steady_clock::now();
  std::shared_ptr<const std::string> body;
  {
    const std::lock_guard lock(mutex_);
    auto it = answers_.find(query);
    if (it == answers_.end() || it->second.until <= now) return std::nullopt;
    body = it->second.body;
  }
  metrics_.add("parcelgate_points_cache_total", "result=\"answer\"");
  return *body;
}

void points_finder::keep_answer(const std::string& query, std::string body,
                                std::chrono::steady_clock::time_point fresh_until) {
  if (config_.cache_entries <= 0 || config_.cache_ttl.count() == 0) return;
  const auto now = std::chrono::steady_clock::now();
  auto shared = std::make_shared<const std::string>(std::move(body));
  const std::lock_guard lock(mutex_);
  if (answers_.size() >= static_cast<std::size_t>(config_.cache_entries))
    std::erase_if(answers_, [&](const auto& kv) { return kv.second.until <= now; });
  if (answers_.size() >= static_cast<std::size_t>(config_.cache_entries)) answers_.clear();
  const auto until = std::min(now + kAnswerTtl, fresh_until);
  if (until <= now) return;
  answers_[query] = {std::move(shared), until};
}

std::optional<collection_point> points_finder::cached_point(const std::string& id) const {
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard lock(mutex_);
  auto it = by_id_.find(id);
  if (it == by_id_.end() || now - it->second.second >= config_.cache_ttl) return std::nullopt;
  return it->second.first;
}

bool points_finder::open_filter(const collection_point& p, std::chrono::sys_seconds at) const {
  std::chrono::seconds offset{0};
  if (auto it = zones_.find(std::string(point_zone_name(p.country))); it != zones_.end())
    offset = it->second.offset(at);
  const auto local = at + offset;
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const int weekday = static_cast<int>(std::chrono::weekday{day}.iso_encoding()) - 1;
  const int seconds = static_cast<int>((local - day).count());
  return open_at_local(p, weekday, seconds);
}

net::awaitable<result<std::vector<collection_point>>> points_finder::fetch(std::string carrier,
                                                                           std::string key,
                                                                           point_query query) {
  const auto* c = carriers_.find(carrier);
  if (!c) co_return fail(error{.kind = error_kind::unsupported, .message = "unknown network"});
  const auto deadline = std::chrono::steady_clock::now() +
                        std::min<std::chrono::milliseconds>(
                            config_.network_timeout,
                            std::chrono::duration_cast<std::chrono::milliseconds>(c->timeout));
  carriers::carrier_call call(client_, metrics_, c->adapter->id(), deadline);
  auto found = co_await c->adapter->find_points(query, call);
  // A network that refuses the country has no points there: an empty answer, cached like any.
  if (!found && found.error().kind == error_kind::invalid_request &&
      std::any_of(found.error().fields.begin(), found.error().fields.end(),
                  [](const field_error& f) { return f.field == "country"; }))
    found = std::vector<collection_point>{};
  if (found) {
    metrics_.add("parcelgate_points_fetches_total",
                 telemetry::metric_labels({{"carrier", carrier}, {"outcome", "ok"}}));
    store(key, std::make_shared<const std::vector<collection_point>>(*found));
  } else {
    metrics_.add("parcelgate_points_fetches_total",
                 telemetry::metric_labels(
                     {{"carrier", carrier}, {"outcome", to_string(found.error().kind)}}));
    refresh_failed(key);
    telemetry::log_warn("points search failed",
                        {{"carrier", carrier},
                         {"kind", std::string(to_string(found.error().kind))},
                         {"cause", found.error().message}});
  }
  co_return found;
}

// Waiters receive from the channel; the search closes it once `outcome` is set, which wakes them
// all (a concurrent_channel may be used from any thread).
struct points_finder::flight {
  explicit flight(const net::any_io_executor& ex) : done(ex) {}
  net::experimental::concurrent_channel<void(boost::system::error_code)> done;
  std::optional<result<std::vector<collection_point>>> outcome;  // under the finder's mutex
};

net::awaitable<result<std::vector<collection_point>>> points_finder::fetch_once(std::string carrier,
                                                                                std::string key,
                                                                                point_query query) {
  std::shared_ptr<flight> f;
  bool leader = false;
  {
    auto executor = co_await net::this_coro::executor;
    const std::lock_guard lock(mutex_);
    auto& slot = flights_[key];
    if (!slot) {
      slot = std::make_shared<flight>(executor);
      leader = true;
    }
    f = slot;
  }
  if (!leader) {
    metrics_.add("parcelgate_points_cache_total", "result=\"joined\"");
    boost::system::error_code ec;
    co_await f->done.async_receive(net::redirect_error(net::use_awaitable, ec));
    const std::lock_guard lock(mutex_);
    if (f->outcome) co_return *f->outcome;
    co_return fail(error{.kind = error_kind::unavailable, .message = "the search was abandoned"});
  }
  auto found = co_await fetch(std::move(carrier), key, std::move(query));
  {
    const std::lock_guard lock(mutex_);
    f->outcome = found;
    flights_.erase(key);
  }
  f->done.close();
  co_return found;
}

namespace {

// How many points one network is asked for: the most an answer shows, so that any `limit` and
// filter is served from the same cached answer.
constexpr int kFetchLimit = 30;

net::awaitable<void> refresh_area(points_finder* finder, std::string carrier, std::string key,
                                  point_query query) {
  co_await finder->fetch(std::move(carrier), std::move(key), std::move(query));
}

}  // namespace

net::awaitable<points_answer> points_finder::find(const points_request& request) {
  auto executor = co_await net::this_coro::executor;
  point_query asked = request.where;
  asked.limit = kFetchLimit;

  points_answer answer;
  answer.fresh_until = std::chrono::steady_clock::now() + config_.cache_ttl;
  std::vector<std::vector<collection_point>> per_network(request.networks.size());
  std::vector<std::size_t> to_fetch;
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < request.networks.size(); ++i) {
    const auto& carrier = request.networks[i];
    keys.push_back(area_key(carrier, asked));
    auto hit = look(keys.back());
    network_outcome outcome{.carrier = carrier};
    if (hit.fresh || hit.stale) {
      outcome.from = hit.fresh ? network_outcome::source::cached : network_outcome::source::stale;
      outcome.age_s = hit.age.count();
      per_network[i] = *hit.points;
      answer.fresh_until = hit.fresh
                               ? std::min(answer.fresh_until, hit.fetched_at + config_.cache_ttl)
                               : std::chrono::steady_clock::time_point{};
      metrics_.add("parcelgate_points_cache_total",
                   hit.fresh ? "result=\"hit\"" : "result=\"stale\"");
      if (hit.start_refresh)
        net::co_spawn(executor, refresh_area(this, carrier, keys.back(), asked), net::detached);
    } else {
      to_fetch.push_back(i);
      metrics_.add("parcelgate_points_cache_total", "result=\"miss\"");
    }
    answer.networks.push_back(std::move(outcome));
  }

  if (!to_fetch.empty()) {
    using fetch_op = decltype(net::co_spawn(
        executor, fetch_once(std::string(), std::string(), point_query{}), net::deferred));
    std::vector<fetch_op> ops;
    for (auto i : to_fetch)
      ops.push_back(
          net::co_spawn(executor, fetch_once(request.networks[i], keys[i], asked), net::deferred));
    auto group = net::experimental::make_parallel_group(std::move(ops));
    auto done = co_await group.async_wait(net::experimental::wait_for_all(), net::use_awaitable);
    auto& completion_order = std::get<0>(done);
    auto& exceptions = std::get<1>(done);
    auto& results = std::get<2>(done);
    (void)completion_order;
    for (std::size_t k = 0; k < to_fetch.size(); ++k) {
      auto& outcome = answer.networks[to_fetch[k]];
      if (exceptions[k]) {
        outcome.from = network_outcome::source::failed;
        outcome.failure = error{.kind = error_kind::internal, .message = "the search failed"};
      } else if (!results[k]) {
        outcome.from = network_outcome::source::failed;
        outcome.failure = results[k].error();
      } else {
        per_network[to_fetch[k]] = std::move(*results[k]);
      }
    }
  }
  for (std::size_t i = 0; i < per_network.size(); ++i)
    answer.networks[i].points = static_cast<int>(per_network[i].size());

  std::function<bool(const collection_point&)> opened;
  if (request.open_at) {
    const auto at = *request.open_at;
    opened = [this, at](const collection_point& p) { return open_filter(p, at); };
  }
  answer.points = merge_points(per_network, request, opened);
  co_return answer;
}

net::awaitable<result<collection_point>> points_finder::find_one(std::string_view carrier,
                                                                 std::string_view country,
                                                                 std::string_view native_id) {
  const auto* c = carriers_.find(carrier);
  if (!c || !c->adapter->caps().points)
    co_return fail(
        error{.kind = error_kind::unsupported,
              .message = "no configured network " + std::string(carrier) + " searches points"});
  const std::string id =
      std::string(carrier) + ":" + std::string(country) + ":" + std::string(native_id);
  if (auto hit = cached_point(id)) {
    metrics_.add("parcelgate_points_cache_total", "result=\"hit\"");
    co_return std::move(*hit);
  }
  metrics_.add("parcelgate_points_cache_total", "result=\"miss\"");
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::milliseconds>(c->timeout);
  carriers::carrier_call call(client_, metrics_, c->adapter->id(), deadline);
  auto found = co_await c->adapter->find_point(country, native_id, call);
  if (found && config_.cache_entries > 0) {
    const std::lock_guard lock(mutex_);
    by_id_[found->id] = {*found, std::chrono::steady_clock::now()};
  }
  co_return found;
}

}  // namespace parcelgate
