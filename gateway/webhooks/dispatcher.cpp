#include "gateway/webhooks/dispatcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <map>

#include "gateway/domain/ids.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"
#include "gateway/webhooks/sender.hpp"
#include "gateway/webhooks/signing.hpp"

namespace parcelgate::webhooks {

namespace net = boost::asio;

namespace {

constexpr int kBatch = 256;  // deliveries read per pass
// Attempts per endpoint per pass, per allowed concurrent attempt: bounds a pass's length when an
// endpoint is slow (the rest waits for the next pass).
constexpr int kPerSlot = 8;
// How long a pass keeps starting attempts (what it has not started waits for the next pass).
constexpr auto kPassBudget = std::chrono::seconds(1);
// How long one run of the duty goes on passing over a backlog: well inside the duty's lease.
constexpr auto kBusyRun = std::chrono::seconds(2);

std::int64_t unix_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// The deliveries of one endpoint in this pass and the workers sending them.
struct lane {
  std::deque<store::webhook_delivery> queue;
};

struct pass {
  explicit pass(net::any_io_executor ex) : done(ex) {}
  // Workers take no new delivery past this: a pass lasts at most about this long plus one
  // attempt, so an endpoint that hangs delays the others by one attempt's deadline at most.
  std::chrono::steady_clock::time_point stop_taking =
      std::chrono::steady_clock::now() + kPassBudget;
  std::map<std::string, lane> lanes;
  int running = 0;
  net::steady_timer done;  // cancelled when the last worker ends
};

// A worker: sends its lane's deliveries one after the other. Plain coroutine with pointer
// parameters (g++ 12 mishandles capturing coroutine lambdas); everything runs on the duty's strand.
net::awaitable<void> work(dispatcher* d, lane* l, pass* p) {
  while (!l->queue.empty() && std::chrono::steady_clock::now() < p->stop_taking) {
    auto next = std::move(l->queue.front());
    l->queue.pop_front();
    try {
      co_await d->deliver(next);
    } catch (const std::exception& e) {
      telemetry::log_error("webhook delivery failed",
                           {{"event", next.event_id}, {"cause", e.what()}});
    }
  }
  if (--p->running == 0) p->done.cancel();
}

}  // namespace

std::chrono::milliseconds backoff(int failed, const config::webhooks_config& cfg,
                                  std::mt19937_64& rng) {
  double delay = static_cast<double>(cfg.retry_base.count());
  for (int i = 1; i < failed && delay < static_cast<double>(cfg.retry_max.count()); ++i) delay *= 2;
  delay = std::min(delay, static_cast<double>(cfg.retry_max.count()));
  std::uniform_real_distribution<double> half(delay / 2, delay);
  return std::chrono::milliseconds(static_cast<std::int64_t>(half(rng)));
}

store::webhook_attempt_outcome next_step(const store::webhook_delivery& d, int status,
                                         const std::string& error, std::int64_t duration_ms,
                                         std::int64_t now_ms, const config::webhooks_config& cfg,
                                         std::mt19937_64& rng, int retry_after_s) {
  store::webhook_attempt_outcome o{
      .delivery_seq = d.seq,
      .endpoint_id = d.endpoint.id,
      .attempt = d.attempts + 1,
      .status_code = status,
      .error = status >= 200 && status < 300 ? std::string() : error,
      .duration_ms = duration_ms,
      .at = rfc3339(std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms))),
      .at_ms = now_ms,
      .state = "retry",
      .next_attempt_ms = 0,
      .next_attempt_at = {}};
  if (status >= 200 && status < 300) {
    o.state = "delivered";
  } else if (status == 410) {
    o.state = "disabled";
    o.error = "410 Gone: the endpoint is disabled";
  } else {
    const auto asked =
        std::min<std::chrono::milliseconds>(std::chrono::seconds(retry_after_s), cfg.retry_max);
    const auto wait = std::max(backoff(o.attempt, cfg, rng), asked);
    const std::int64_t next = now_ms + wait.count();
    const std::int64_t give_up =
        d.created_ms + std::chrono::duration_cast<std::chrono::milliseconds>(cfg.max_age).count();
    if (next > give_up) {
      o.state = "failed";
    } else {
      o.next_attempt_ms = next;
      o.next_attempt_at =
          rfc3339(std::chrono::system_clock::time_point(std::chrono::milliseconds(next)));
    }
  }
  return o;
}

dispatcher::dispatcher(store::async_store& db, sender& out, telemetry::metrics& metrics,
                       config::webhooks_config cfg)
    : db_(db), out_(out), metrics_(metrics), cfg_(cfg), rng_(std::random_device{}()) {}

net::awaitable<void> dispatcher::deliver(const store::webhook_delivery& d) {
  const auto now = std::chrono::system_clock::now();
  const std::int64_t now_ms = unix_ms(now);
  const std::int64_t timestamp = now_ms / 1000;
  const std::string body = event_body(d);
  const http::headers headers{
      {"Content-Type", "application/json"},
      {"webhook-id", d.event_id},
      {"webhook-timestamp", std::to_string(timestamp)},
      {"webhook-signature", signature_header(d.endpoint, d.event_id, timestamp, body, now_ms)}};
  const auto r = co_await out_.post(d.endpoint.url, headers, body);
  const auto finished = unix_ms(std::chrono::system_clock::now());
  auto o =
      next_step(d, r.status, r.error, r.duration.count(), finished, cfg_, rng_, r.retry_after_s);
  const std::string outcome = o.state == "delivered"  ? "delivered"
                              : o.state == "disabled" ? "endpoint_disabled"
                              : o.state == "failed"   ? "given_up"
                                                      : "retry";
  metrics_.add("parcelgate_webhook_attempts_total", "outcome=\"" + outcome + "\"");
  if (o.state == "delivered")
    metrics_.add("parcelgate_webhook_delivery_delay_ms_total", {},
                 static_cast<std::uint64_t>(std::max<std::int64_t>(0, finished - d.created_ms)));
  if (o.state != "delivered")
    telemetry::log_info("webhook attempt failed",
                        {{"endpoint", d.endpoint.id},
                         {"event", d.event_id},
                         {"attempt", static_cast<std::int64_t>(o.attempt)},
                         {"status", static_cast<std::int64_t>(r.status)},
                         {"error", o.error},
                         {"next", o.state == "retry" ? o.next_attempt_at : o.state}});
  auto recorded = co_await db_.record_webhook_attempt(o);
  if (!recorded)
    telemetry::log_warn("webhook attempt not recorded; it will be sent again",
                        {{"event", d.event_id}, {"cause", recorded.error().carrier_message}});
}

net::awaitable<void> dispatcher::purge_history() {
  const auto before = unix_ms(std::chrono::system_clock::now() - cfg_.history);
  auto n = co_await db_.purge_webhook_history(before);
  if (!n)
    telemetry::log_warn("webhook history purge failed", {{"cause", n.error().carrier_message}});
  else if (*n > 0)
    telemetry::log_info("old webhook deliveries purged",
                        {{"count", static_cast<std::int64_t>(*n)}});
}

net::awaitable<void> dispatcher::run_once() {
  // Passes follow each other at once while there is more due than a pass takes (a backlog), for
  // at most kBusyRun; then the duty's period (poll_ms) comes between runs again.
  const auto until = std::chrono::steady_clock::now() + kBusyRun;
  while (co_await pass_once() && std::chrono::steady_clock::now() < until) {
  }
}

net::awaitable<bool> dispatcher::pass_once() {
  const auto now_ms = unix_ms(std::chrono::system_clock::now());
  if (std::chrono::steady_clock::now() - gauges_at_ > std::chrono::seconds(5)) {
    gauges_at_ = std::chrono::steady_clock::now();
    if (auto q = co_await db_.webhook_queue()) {
      metrics_.set_gauge("parcelgate_webhook_queue_depth", static_cast<double>(q->pending));
      metrics_.set_gauge(
          "parcelgate_webhook_oldest_pending_age_seconds",
          q->pending == 0 ? 0.0 : static_cast<double>(now_ms - q->oldest_pending_ms) / 1000.0);
    }
  }
  auto due = co_await db_.due_webhook_deliveries(now_ms, kBatch);
  if (!due) {
    telemetry::log_warn("cannot read due webhook deliveries",
                        {{"cause", due.error().carrier_message}});
    co_return false;
  }
  if (due->empty()) co_return false;
  bool more = due->size() == static_cast<std::size_t>(kBatch);
  auto ex = co_await net::this_coro::executor;
  pass p(ex);
  const std::size_t per_lane = static_cast<std::size_t>(cfg_.concurrency_per_endpoint) * kPerSlot;
  for (auto& d : *due) {
    auto& l = p.lanes[d.endpoint.id];
    if (l.queue.size() < per_lane)
      l.queue.push_back(std::move(d));
    else
      more = true;  // left for the next pass
  }
  p.done.expires_at(net::steady_timer::time_point::max());
  for (auto& [id, l] : p.lanes) {
    const int workers =
        std::min<int>(cfg_.concurrency_per_endpoint, static_cast<int>(l.queue.size()));
    for (int i = 0; i < workers; ++i) {
      ++p.running;
      net::co_spawn(ex, work(this, &l, &p), net::detached);
    }
  }
  while (p.running > 0) {
    auto waited = co_await p.done.async_wait(net::as_tuple(net::use_awaitable));
    (void)waited;
  }
  for (const auto& [id, l] : p.lanes) more = more || !l.queue.empty();  // the budget ran out
  co_return more;
}

}  // namespace parcelgate::webhooks
