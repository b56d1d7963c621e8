#include "gateway/domain/duties.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>

#include "gateway/store/async_store.hpp"
#include "gateway/telemetry/log.hpp"

namespace parcelgate {

namespace net = boost::asio;

struct duties::loop {
  duty job;  // the heartbeat has no `run`
  std::unique_ptr<net::steady_timer> timer;
  std::atomic<std::uint64_t> runs{0};
  bool held = false;  // this instance held the lease at its last try
  // When the last successful take or renewal was asked (before the call, so the lease lasts at
  // least `life` from then).
  std::chrono::steady_clock::time_point taken{};
};

namespace {

// Every wait is a timer the stop can cancel: the loops are plain coroutines with pointer
// parameters (g++ 12 mishandles capturing coroutine lambdas).
net::awaitable<bool> pause(duties::loop* l, std::chrono::milliseconds d,
                           const std::atomic<bool>* stopping) {
  if (stopping->load()) co_return false;
  l->timer->expires_after(d);
  auto waited = co_await l->timer->async_wait(net::as_tuple(net::use_awaitable));
  (void)waited;  // cancelled or expired: either way the flag decides
  co_return !stopping->load();
}

net::awaitable<void> keep_alive(store::async_store* db, duties::loop* l,
                                std::chrono::milliseconds lease,
                                const std::atomic<bool>* stopping) {
  bool failing = false;
  while (true) {
    const bool go_on = co_await pause(l, lease / 3, stopping);
    if (!go_on) break;
    auto held = co_await db->acquire_lease(l->job.name, lease);
    if (!held) {
      // Logged once per outage: past the lease's life, other instances may recover this one's
      // purchases in flight (its completions then confirm them late; nothing is bought twice).
      if (!failing)
        telemetry::log_warn(
            "cannot renew this instance's lease",
            {{"instance", db->instance()}, {"cause", held.error().carrier_message}});
      failing = true;
      continue;
    }
    if (failing)
      telemetry::log_info("instance lease renewed again", {{"instance", db->instance()}});
    failing = false;
    if (!*held)
      telemetry::log_error("another process holds this instance's lease: instance ids collide",
                           {{"instance", db->instance()}});
  }
}

// One run of a duty; a failure is logged and the next period tries again.
net::awaitable<void> run_once(duties::loop* l) {
  try {
    co_await l->job.run();
  } catch (const std::exception& e) {
    telemetry::log_error("duty failed", {{"duty", l->job.name}, {"cause", e.what()}});
  }
  l->runs.fetch_add(1);
}

net::awaitable<void> run_duty(store::async_store* db, duties::loop* l,
                              std::chrono::milliseconds lease, const std::atomic<bool>* stopping) {
  const auto life = l->job.every + lease;
  while (!stopping->load()) {
    bool mine = !l->job.leased;  // a local duty needs no lease
    // A duty run more often than its lease needs renewing (tracking polls every 50 ms) renews it
    // only once a third of its life has passed: until it expires nobody else can take it.
    const auto now = std::chrono::steady_clock::now();
    if (l->job.leased && l->held && now - l->taken < life / 3) {
      mine = true;
    } else if (l->job.leased) {
      auto held = co_await db->acquire_lease(l->job.name, life);
      if (held && *held) l->taken = now;
      if (stopping->load()) break;
      if (!held) {
        telemetry::log_warn("cannot take a duty's lease",
                            {{"duty", l->job.name}, {"cause", held.error().carrier_message}});
      } else {
        if (*held != l->held)
          telemetry::log_info(*held ? "duty taken" : "duty held by another instance",
                              {{"duty", l->job.name}, {"instance", db->instance()}});
        l->held = *held;
        mine = *held;
      }
    }
    if (mine) co_await run_once(l);
    const bool go_on = co_await pause(l, l->job.every, stopping);
    if (!go_on) break;
  }
}

net::awaitable<void> release_all(store::async_store* db,
                                 std::vector<std::unique_ptr<duties::loop>>* loops) {
  for (auto& l : *loops) l->timer->cancel();
  // Duties first, the instance last: its purchases in flight are answered by now.
  for (auto it = loops->rbegin(); it != loops->rend(); ++it) {
    auto& l = **it;
    if (l.job.run && !l.held) continue;
    auto released = co_await db->release_lease(l.job.name);
    if (!released)
      telemetry::log_warn("lease not released; it expires on its own",
                          {{"lease", l.job.name}, {"cause", released.error().carrier_message}});
  }
}

}  // namespace

duties::duties(store::async_store& db, std::chrono::milliseconds lease) : db_(db), lease_(lease) {
  auto self = std::make_unique<loop>();
  self->job.name = store::instance_lease(db_.instance());
  self->job.every = lease / 3;
  loops_.push_back(std::move(self));
}

duties::~duties() = default;

net::awaitable<bool> duties::announce() {
  auto held = co_await db_.acquire_lease(loops_.front()->job.name, lease_);
  if (!held) {
    telemetry::log_error("cannot take this instance's lease",
                         {{"instance", db_.instance()}, {"cause", held.error().carrier_message}});
    co_return false;
  }
  if (!*held) {
    telemetry::log_error("another process holds this instance's lease",
                         {{"instance", db_.instance()}});
    co_return false;
  }
  loops_.front()->held = true;
  co_return true;
}

void duties::add(duty d) {
  auto l = std::make_unique<loop>();
  l->job = std::move(d);
  loops_.push_back(std::move(l));  // after the instance's own lease, released before it
}

void duties::start(net::any_io_executor executor) {
  // One strand for every loop, so that stop() may cancel their timers from any thread.
  strand_ = net::make_strand(std::move(executor));
  for (auto& l : loops_) {
    l->timer = std::make_unique<net::steady_timer>(strand_);
    if (l->job.run)
      net::co_spawn(strand_, run_duty(&db_, l.get(), lease_, &stopping_), net::detached);
    else
      net::co_spawn(strand_, keep_alive(&db_, l.get(), lease_, &stopping_), net::detached);
  }
}

net::awaitable<void> duties::stop() {
  stopping_ = true;
  if (!strand_) co_return;
  co_await net::dispatch(strand_, net::use_awaitable);
  co_await release_all(&db_, &loops_);
}

std::uint64_t duties::runs(const std::string& name) const {
  for (const auto& l : loops_)
    if (l->job.name == name) return l->runs.load();
  return 0;
}

}  // namespace parcelgate
