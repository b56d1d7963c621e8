#include "gateway/domain/tracking_poller.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "gateway/carriers/registry.hpp"
#include "gateway/domain/timeline.hpp"
#include "gateway/domain/tracking_service.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace parcelgate {

namespace net = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr milliseconds kMaxBackoff{300'000};

double unit_random() {
  thread_local std::minstd_rand engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

net::awaitable<void> sleep_for(milliseconds d) {
  net::steady_timer t(co_await net::this_coro::executor, d);
  boost::system::error_code ec;
  co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
}

std::string carrier_label(std::string_view carrier, std::string_view outcome) {
  return "carrier=\"" + std::string(carrier) + "\",outcome=\"" + std::string(outcome) + "\"";
}

// Waits for the carriers polled concurrently in one round.
struct round_join {
  explicit round_join(net::strand<net::any_io_executor> s) : strand(s), done(s) {}
  net::strand<net::any_io_executor> strand;
  net::steady_timer done;
  int pending = 0;
  int polled = 0;
};

}  // namespace

std::int64_t next_poll_in_ms(const poll_schedule& schedule, tracking_status status,
                             std::int64_t age_ms, std::int64_t idle_ms, int misses,
                             double unit) noexcept {
  if (is_final(status)) return -1;
  if (age_ms > schedule.max_age_days * kDayMs) return -1;
  double next = static_cast<double>(schedule.interval.count());
  switch (status) {
    case tracking_status::out_for_delivery:
      next /= 4;  // delivered or failed within hours: the merchant wants to know soon
      break;
    case tracking_status::delivery_failed:
      next /= 2;
      break;
    case tracking_status::available_for_pickup:
      next *= 2;  // waits days for the recipient
      break;
    default:
      break;
  }
  // Nothing new for days: the parcel is lying somewhere (or the carrier stopped scanning it).
  if (idle_ms > 7 * kDayMs)
    next *= 4;
  else if (idle_ms > 2 * kDayMs)
    next *= 2;
  // Not known to the carrier yet (not dropped off): ask less often each time, up to 4x.
  if (misses > 0) next *= std::min(1 + misses / 2, 4);
  next *= 0.9 + 0.2 * std::clamp(unit, 0.0, 1.0);
  return std::max<std::int64_t>(1000, static_cast<std::int64_t>(next));
}

bool tracking_poller::paused(const std::string& carrier) {
  const std::lock_guard lock(state_mutex_);
  auto it = state_.find(carrier);
  return it != state_.end() && std::chrono::steady_clock::now() < it->second.paused_until;
}

milliseconds tracking_poller::note_failure(const std::string& carrier) {
  const std::lock_guard lock(state_mutex_);
  auto& s = state_[carrier];
  s.failures = std::min(s.failures + 1, 20);
  const auto backoff = std::min<milliseconds>(
      kMaxBackoff, milliseconds(1000) * (std::int64_t{1} << std::min(s.failures - 1, 9)));
  s.paused_until = std::chrono::steady_clock::now() + backoff;
  return backoff;
}

void tracking_poller::note_success(const std::string& carrier) {
  const std::lock_guard lock(state_mutex_);
  state_[carrier] = carrier_state{};
}

net::awaitable<int> tracking_poller::run_round(milliseconds round) {
  std::vector<const carriers::configured_carrier*> polled;
  for (const auto& c : carriers_.all())
    if (c.adapter->caps().tracking_poll && !paused(std::string(c.adapter->id())))
      polled.push_back(&c);
  if (polled.empty()) co_return 0;
  auto join = std::make_shared<round_join>(net::make_strand(co_await net::this_coro::executor));
  join->pending = static_cast<int>(polled.size());
  join->done.expires_at(net::steady_timer::time_point::max());
  for (const auto* c : polled)
    net::co_spawn(join->strand, poll_carrier(c, round),
                  net::bind_executor(join->strand, [join](std::exception_ptr e, int n) {
                    if (e) telemetry::log_error("tracking poll failed", {});
                    join->polled += n;
                    if (--join->pending == 0) join->done.cancel();
                  }));
  boost::system::error_code ec;
  co_await join->done.async_wait(
      net::bind_executor(join->strand, net::redirect_error(net::use_awaitable, ec)));
  co_return join->polled;
}

net::awaitable<int> tracking_poller::poll_carrier(const carriers::configured_carrier* carrier,
                                                  milliseconds round) {
  const std::string id(carrier->adapter->id());
  const auto caps = carrier->adapter->caps();
  const double rate =
      caps.tracking_requests_per_s > 0 ? caps.tracking_requests_per_s : kDefaultRequestsPerSecond;
  const int per_request = std::max(1, caps.tracking_batch);
  const int requests =
      std::max(1, static_cast<int>(std::floor(rate * static_cast<double>(round.count()) / 1000)));
  const milliseconds spacing(static_cast<std::int64_t>(1000.0 / rate));
  // Held as long as the round can last (its requests spaced with jitter, the last one timing
  // out) and a margin: due again after that if this instance dies meanwhile, as a visibility
  // timeout. A poll slower than that may meet another instance's poll of the same parcel, which
  // is harmless (scans are deduplicated, writes compare-and-set).
  const std::int64_t hold_ms =
      round.count() + spacing.count() * requests * 6 / 5 + carrier->timeout.count() + 5'000;
  auto claimed = co_await db_.claim_due_polls(id, schedule_.first_poll_after.count(),
                                              requests * per_request, hold_ms);
  if (!claimed) {
    telemetry::log_warn("tracking poll: cannot claim due shipments",
                        {{"carrier", id}, {"cause", claimed.error().message}});
    co_return 0;
  }
  if (claimed->empty()) co_return 0;

  // Shipments grouped by tracking number, in batches of what one request takes.
  std::vector<std::vector<const store::poll_claim*>> batches;
  std::vector<store::poll_update> updates;
  {
    std::map<std::string, std::vector<const store::poll_claim*>> by_number;
    for (const auto& c : *claimed) {
      if (c.tracking_number.empty() || c.status.empty()) {
        updates.push_back({.shipment_id = c.shipment_id, .next_in_ms = -1});  // gone or unpolled
        continue;
      }
      by_number[c.tracking_number].push_back(&c);
    }
    std::vector<const store::poll_claim*> current;
    int numbers = 0;
    for (auto& [number, shipments] : by_number) {
      if (numbers == per_request) {
        batches.push_back(std::move(current));
        current.clear();
        numbers = 0;
      }
      ++numbers;
      current.insert(current.end(), shipments.begin(), shipments.end());
    }
    if (!current.empty()) batches.push_back(std::move(current));
  }

  int polled = 0;
  bool failing = false;
  milliseconds backoff{0};
  // After a failed request, the shipments not polled go back until the carrier's pause ends.
  const auto put_back = [&](const std::vector<const store::poll_claim*>& batch) {
    for (const auto* c : batch)
      updates.push_back(
          {.shipment_id = c->shipment_id,
           .next_in_ms = static_cast<std::int64_t>(backoff.count() * (1 + 0.2 * unit_random()))});
  };
  for (std::size_t b = 0; b < batches.size(); ++b) {
    const auto& batch = batches[b];
    if (failing) {
      put_back(batch);
      continue;
    }
    if (b > 0)
      co_await sleep_for(
          milliseconds(static_cast<std::int64_t>(spacing.count() * (1 + 0.2 * unit_random()))));
    std::vector<std::string> numbers;
    for (const auto* c : batch)
      if (numbers.empty() || numbers.back() != c->tracking_number)
        numbers.push_back(c->tracking_number);
    carriers::carrier_call call(client_, metrics_, carrier->adapter->id(),
                                std::chrono::steady_clock::now() + carrier->timeout);
    auto answer = co_await carrier->adapter->track(numbers, call);
    if (!answer) {
      backoff = note_failure(id);
      failing = true;
      metrics_.add("parcelgate_tracking_poll_requests_total", carrier_label(id, "failed"));
      telemetry::log_warn("tracking poll failed; carrier paused",
                          {{"carrier", id},
                           {"kind", std::string(to_string(answer.error().kind))},
                           {"cause", answer.error().message},
                           {"paused_ms", static_cast<std::int64_t>(backoff.count())}});
      put_back(batch);
      continue;
    }
    note_success(id);
    metrics_.add("parcelgate_tracking_poll_requests_total", carrier_label(id, "ok"));
    std::map<std::string, std::vector<timeline_event>> events;
    for (const auto& e : answer->events)
      events[e.tracking_number].push_back(from_carrier_event(e, "carrier_poll"));
    std::map<std::string, bool> missed;
    for (const auto& m : answer->misses) missed[m.tracking_number] = true;
    for (const auto* c : batch) {
      ++polled;
      auto status = parse_tracking_status(c->status).value_or(tracking_status::unknown);
      bool changed = false;
      const bool miss = missed.contains(c->tracking_number);
      if (auto it = events.find(c->tracking_number); it != events.end()) {
        auto merged = co_await tracking_.apply(c->tenant, c->shipment_id, it->second);
        if (!merged) {
          if (merged.error().kind == error_kind::not_found) {
            updates.push_back({.shipment_id = c->shipment_id, .next_in_ms = -1});
            continue;
          }
          // The store is away: the events are still at the carrier; ask again soon.
          updates.push_back({.shipment_id = c->shipment_id, .next_in_ms = 30'000});
          metrics_.add("parcelgate_tracking_polls_total", carrier_label(id, "not_recorded"));
          continue;
        }
        status = merged->status;
        changed = !merged->added.empty();
      }
      metrics_.add("parcelgate_tracking_polls_total", carrier_label(id, changed ? "new_events"
                                                                        : miss  ? "not_known"
                                                                                : "unchanged"));
      updates.push_back(
          {.shipment_id = c->shipment_id,
           .next_in_ms = next_poll_in_ms(schedule_, status, c->age_ms, changed ? 0 : c->idle_ms,
                                         miss ? c->misses + 1 : 0, unit_random()),
           .changed = changed,
           .missed = miss});
    }
  }
  auto written = co_await db_.reschedule_polls(updates);
  if (!written)
    telemetry::log_warn("tracking poll: cannot reschedule (the shipments are due again later)",
                        {{"carrier", id}, {"cause", written.error().message}});
  co_return polled;
}

}  // namespace parcelgate
