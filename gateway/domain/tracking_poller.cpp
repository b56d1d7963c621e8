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

std::string carrier_label(std::string_view carrier, std::string_view outcome) {
  return telemetry::metric_labels({{"carrier", carrier}, {"outcome", outcome}});
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
  auto& s = state_[carrier];
  s.failures = 0;
  s.paused_until = {};
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

// One carrier's round: the shipments claimed, in batches each sent at its slot, concurrently
// (a slow answer never delays the next slot), all on one strand.
struct tracking_poller::carrier_round {
  carrier_round(net::strand<net::any_io_executor> s, const carriers::configured_carrier* c)
      : strand(s), done(s), carrier(c), id(c->adapter->id()) {}
  net::strand<net::any_io_executor> strand;
  net::steady_timer done;
  const carriers::configured_carrier* carrier;
  std::string id;
  std::vector<store::poll_claim> claimed;
  std::vector<std::vector<const store::poll_claim*>> batches;
  std::vector<store::poll_update> updates;
  bool failing = false;  // a request failed: the later batches go back until the pause ends
  milliseconds backoff{0};
  int pending = 0;
  int polled = 0;

  void put_back(const std::vector<const store::poll_claim*>& batch) {
    for (const auto* c : batch)
      updates.push_back(
          {.shipment_id = c->shipment_id,
           .next_in_ms = static_cast<std::int64_t>(backoff.count() * (1 + 0.2 * unit_random()))});
  }
};

namespace {

net::awaitable<void> poll_batch_at(tracking_poller* poller,
                                   std::shared_ptr<tracking_poller::carrier_round> r,
                                   std::size_t batch, std::chrono::steady_clock::time_point slot) {
  net::steady_timer t(r->strand, slot);
  boost::system::error_code ec;
  co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
  co_await poller->poll_batch(r.get(), batch);
}

}  // namespace

net::awaitable<void> tracking_poller::poll_batch(carrier_round* r, std::size_t index) {
  const auto& batch = r->batches[index];
  if (r->failing) {
    r->put_back(batch);
    co_return;
  }
  std::vector<std::string> numbers;
  for (const auto* c : batch)
    if (numbers.empty() || numbers.back() != c->tracking_number)
      numbers.push_back(c->tracking_number);
  carriers::carrier_call call(client_, metrics_, r->carrier->adapter->id(),
                              std::chrono::steady_clock::now() + r->carrier->timeout);
  auto answer = co_await r->carrier->adapter->track(numbers, call);
  if (!answer) {
    if (!r->failing) {
      r->backoff = note_failure(r->id);
      r->failing = true;
      telemetry::log_warn("tracking poll failed; carrier paused",
                          {{"carrier", r->id},
                           {"kind", std::string(to_string(answer.error().kind))},
                           {"cause", answer.error().message},
                           {"paused_ms", static_cast<std::int64_t>(r->backoff.count())}});
    }
    metrics_.add("parcelgate_tracking_poll_requests_total", carrier_label(r->id, "failed"));
    r->put_back(batch);
    co_return;
  }
  note_success(r->id);
  metrics_.add("parcelgate_tracking_poll_requests_total", carrier_label(r->id, "ok"));
  std::map<std::string, std::vector<timeline_event>> events;
  for (const auto& e : answer->events)
    events[e.tracking_number].push_back(from_carrier_event(e, "carrier_poll"));
  std::map<std::string, bool> missed;
  for (const auto& m : answer->misses) missed[m.tracking_number] = true;
  for (const auto* c : batch) {
    ++r->polled;
    auto status = parse_tracking_status(c->status).value_or(tracking_status::unknown);
    bool changed = false;
    const bool miss = missed.contains(c->tracking_number);
    if (auto it = events.find(c->tracking_number); it != events.end()) {
      auto merged = co_await tracking_.apply(c->tenant, c->shipment_id, it->second);
      if (!merged) {
        if (merged.error().kind == error_kind::not_found) {
          r->updates.push_back({.shipment_id = c->shipment_id, .next_in_ms = -1});
          continue;
        }
        // The store is away: the events are still at the carrier; ask again soon.
        r->updates.push_back({.shipment_id = c->shipment_id, .next_in_ms = 30'000});
        metrics_.add("parcelgate_tracking_polls_total", carrier_label(r->id, "not_recorded"));
        continue;
      }
      status = merged->status;
      changed = !merged->added.empty();
    }
    metrics_.add("parcelgate_tracking_polls_total", carrier_label(r->id, changed ? "new_events"
                                                                         : miss  ? "not_known"
                                                                                 : "unchanged"));
    r->updates.push_back(
        {.shipment_id = c->shipment_id,
         .next_in_ms = next_poll_in_ms(schedule_, status, c->age_ms, changed ? 0 : c->idle_ms,
                                       miss ? c->misses + 1 : 0, unit_random()),
         .changed = changed,
         .missed = miss});
  }
}

net::awaitable<int> tracking_poller::poll_carrier(const carriers::configured_carrier* carrier,
                                                  milliseconds round) {
  const std::string id(carrier->adapter->id());
  const auto caps = carrier->adapter->caps();
  const double rate =
      caps.tracking_requests_per_s > 0 ? caps.tracking_requests_per_s : kDefaultRequestsPerSecond;
  const int per_request = std::max(1, caps.tracking_batch);
  const auto spacing = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / rate));
  // The request slots of this round: from the carrier's next free slot (never earlier than now:
  // slots missed while idle are not caught up, so there is never a burst) to the round's end,
  // one every 1/rate, each delayed by up to 20% jitter.
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::chrono::steady_clock::time_point> slots;
  {
    const std::lock_guard lock(state_mutex_);
    auto& state = state_[id];
    auto slot = std::max(state.next_slot, now);
    while (slot < now + round) {
      slot += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          spacing * (0.2 * unit_random()));
      slots.push_back(slot);
      slot += spacing;
    }
    state.next_slot = slot;
  }
  if (slots.empty()) co_return 0;
  const auto requests = static_cast<std::int64_t>(slots.size());
  // Held as long as the round can last (its last request sent at the last slot, then timing
  // out) and a margin: due again after that if this instance dies meanwhile, as a visibility
  // timeout. A poll slower than that may meet another instance's poll of the same parcel, which
  // is harmless (scans are deduplicated, writes compare-and-set).
  const std::int64_t hold_ms =
      std::chrono::duration_cast<milliseconds>(slots.back() - now).count() +
      carrier->timeout.count() + 5'000;
  auto claimed = co_await db_.claim_due_polls(id, schedule_.first_poll_after.count(),
                                              static_cast<int>(requests) * per_request, hold_ms);
  if (!claimed) {
    telemetry::log_warn("tracking poll: cannot claim due shipments",
                        {{"carrier", id}, {"cause", claimed.error().message}});
    co_return 0;
  }
  if (claimed->empty()) {
    // Nothing due: the slots are free again for the next round.
    const std::lock_guard lock(state_mutex_);
    state_[id].next_slot = now;
    co_return 0;
  }

  auto r =
      std::make_shared<carrier_round>(net::make_strand(co_await net::this_coro::executor), carrier);
  r->claimed = std::move(*claimed);
  {
    // Shipments grouped by tracking number, in batches of what one request takes.
    std::map<std::string, std::vector<const store::poll_claim*>> by_number;
    for (const auto& c : r->claimed) {
      if (c.tracking_number.empty() || c.status.empty()) {
        r->updates.push_back({.shipment_id = c.shipment_id, .next_in_ms = -1});  // gone
        continue;
      }
      by_number[c.tracking_number].push_back(&c);
    }
    std::vector<const store::poll_claim*> current;
    int numbers = 0;
    for (auto& [number, shipments] : by_number) {
      if (numbers == per_request) {
        r->batches.push_back(std::move(current));
        current.clear();
        numbers = 0;
      }
      ++numbers;
      current.insert(current.end(), shipments.begin(), shipments.end());
    }
    if (!current.empty()) r->batches.push_back(std::move(current));
  }
  if (r->batches.size() < slots.size()) {
    // Fewer requests than slots: the unused ones are free again.
    const std::lock_guard lock(state_mutex_);
    state_[id].next_slot = slots[r->batches.size()];
  }
  r->pending = static_cast<int>(r->batches.size());
  r->done.expires_at(net::steady_timer::time_point::max());
  for (std::size_t b = 0; b < r->batches.size(); ++b)
    net::co_spawn(r->strand, poll_batch_at(this, r, b, slots[b]),
                  net::bind_executor(r->strand, [r](std::exception_ptr e) {
                    if (e) telemetry::log_error("tracking poll of a batch failed", {});
                    if (--r->pending == 0) r->done.cancel();
                  }));
  if (r->pending > 0) {
    boost::system::error_code ec;
    co_await r->done.async_wait(
        net::bind_executor(r->strand, net::redirect_error(net::use_awaitable, ec)));
  }
  auto written = co_await db_.reschedule_polls(r->updates);
  if (!written)
    telemetry::log_warn("tracking poll: cannot reschedule (the shipments are due again later)",
                        {{"carrier", id}, {"cause", written.error().message}});
  co_return r->polled;
}

}  // namespace parcelgate
