#include "gateway/store/pg/pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <mutex>

namespace parcelgate::store::pg {

namespace net = boost::asio;
using clock = std::chrono::steady_clock;

namespace {

// A slot of the pool: an open connection, or null for a connection not open (yet, or any more).
using token = connection*;
using channel = net::experimental::concurrent_channel<void(boost::system::error_code, token)>;

// One caller waiting for a slot. Exactly one message reaches `inbox`: a slot from release(), or
// the timeout from `timer` — whichever takes the waiter out of the queue first, under the lock.
struct waiter {
  explicit waiter(const net::any_io_executor& ex) : inbox(ex, 1), timer(ex) {}
  channel inbox;
  net::steady_timer timer;
};

}  // namespace

struct pool::impl : std::enable_shared_from_this<impl> {
  impl(net::any_io_executor ex, pool_options o) : executor(std::move(ex)), options(std::move(o)) {
    for (int i = 0; i < options.size; ++i) idle.push_back(nullptr);
  }
  ~impl() {
    for (token t : idle) delete t;
  }

  void release(token t) {
    std::shared_ptr<waiter> next;
    {
      std::lock_guard lock(mutex);
      if (!waiters.empty()) {
        next = std::move(waiters.front());
        waiters.pop_front();
      } else {
        idle.push_back(t);
        return;
      }
    }
    next->inbox.try_send(boost::system::error_code(), t);
  }

  task<std::expected<token, db_error>> acquire(deadline until) {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        // Open connections first: a null slot costs a connect.
        auto it = std::find_if(idle.begin(), idle.end(), [](token t) { return t != nullptr; });
        if (it == idle.end()) it = idle.begin();
        token t = *it;
        idle.erase(it);
        co_return t;
      }
    }
    auto w = std::make_shared<waiter>(co_await net::this_coro::executor);
    w->timer.expires_at(std::min(until, clock::now() + options.acquire_timeout));
    w->timer.async_wait([self = shared_from_this(), w](boost::system::error_code ec) {
      if (ec) return;
      {
        std::lock_guard lock(self->mutex);
        auto it = std::find(self->waiters.begin(), self->waiters.end(), w);
        if (it == self->waiters.end()) return;  // a slot is already on its way
        self->waiters.erase(it);
      }
      w->inbox.try_send(net::error::timed_out, nullptr);
    });
    bool queued = false;
    token early = nullptr;
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {  // freed while the waiter was being set up
        early = idle.back();
        idle.pop_back();
      } else {
        waiters.push_back(w);
        queued = true;
      }
    }
    if (!queued) {
      w->timer.cancel();
      co_return early;
    }
    auto [ec, t] = co_await w->inbox.async_receive(net::as_tuple(net::use_awaitable));
    w->timer.cancel();
    if (ec)
      co_return std::unexpected(
          db_error{.what = failure::pool_exhausted,
                   .sqlstate = {},
                   .message = "no database connection became free within " +
                              std::to_string(options.acquire_timeout.count()) + " ms"});
    co_return t;
  }

  // Opens a connection for an empty slot, unless the last attempts failed and the backoff runs.
  task<std::expected<token, db_error>> connect(deadline until) {
    {
      std::lock_guard lock(mutex);
      const auto now = clock::now();
      if (now < retry_at) {
        const auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(retry_at - now).count();
        co_return std::unexpected(db_error{
            .what = failure::unreachable,
            .sqlstate = {},
            .message = last_failure + " (next attempt in " + std::to_string(wait) + " ms)"});
      }
    }
    const auto connect_until = std::min(until, clock::now() + options.connect_timeout);
    auto opened =
        co_await connection::open(executor, options.conninfo, options.statements, connect_until);
    if (opened && !options.setup.empty()) {
      std::vector<statement> setup;
      for (const auto& sql : options.setup) setup.push_back({.sql_or_name = sql});
      auto done = co_await (*opened)->run(setup, connect_until);
      if (!done) opened = std::unexpected(std::move(done.error()));
    }
    std::lock_guard lock(mutex);
    if (!opened) {
      backoff =
          std::min(options.max_backoff, std::max(std::chrono::milliseconds(100), backoff * 2));
      retry_at = clock::now() + backoff;
      last_failure = opened.error().message;
      co_return std::unexpected(std::move(opened.error()));
    }
    backoff = std::chrono::milliseconds(0);
    retry_at = {};
    ++open_count;
    co_return opened->release();
  }

  // Back to the pool after use: a broken connection, or one left inside a transaction, is closed.
  void give_back(token t) {
    if (t && (!t->usable() || t->in_transaction())) {
      drop(t);
      t = nullptr;
    }
    release(t);
  }

  void drop(token t) {
    if (!t) return;
    delete t;
    std::lock_guard lock(mutex);
    --open_count;
  }

  net::any_io_executor executor;
  pool_options options;
  mutable std::mutex mutex;
  std::vector<token> idle;
  std::deque<std::shared_ptr<waiter>> waiters;
  int open_count = 0;
  clock::time_point retry_at{};
  std::chrono::milliseconds backoff{0};
  std::string last_failure;
};

pool::pool(net::any_io_executor executor, pool_options options)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(options))) {}

pool::~pool() = default;

// A connection taken from the pool, open and usable, or the reason there is none.
task<std::expected<token, db_error>> take(const std::shared_ptr<pool::impl>& self, deadline until);

task<std::expected<std::vector<rows>, db_error>> pool::run(std::span<const statement> statements,
                                                           deadline until) {
  auto self = impl_;
  auto slot = co_await take(self, until);
  if (!slot) co_return std::unexpected(std::move(slot.error()));
  token t = *slot;
  auto out = co_await t->run(statements, until);
  self->give_back(t);
  co_return out;
}

struct session::state {
  std::shared_ptr<pool::impl> owner;
  token held = nullptr;
  ~state() {
    if (owner) owner->give_back(held);
  }
};

session::session(std::shared_ptr<state> s) : state_(std::move(s)) {}
session::session(session&&) noexcept = default;
session::~session() = default;

task<std::expected<std::vector<rows>, db_error>> session::run(std::span<const statement> statements,
                                                              deadline until) {
  co_return co_await state_->held->run(statements, until);
}

task<std::expected<session, db_error>> pool::open_session(deadline until) {
  auto self = impl_;
  auto slot = co_await take(self, until);
  if (!slot) co_return std::unexpected(std::move(slot.error()));
  auto s = std::make_shared<session::state>();
  s->owner = self;
  s->held = *slot;
  co_return session(std::move(s));
}

task<std::expected<token, db_error>> take(const std::shared_ptr<pool::impl>& self, deadline until) {
  auto slot = co_await self->acquire(until);
  if (!slot) co_return std::unexpected(std::move(slot.error()));
  token t = *slot;
  if (t && !t->usable()) {
    self->drop(t);
    t = nullptr;
  }
  if (!t) {
    auto opened = co_await self->connect(until);
    if (!opened) {
      self->release(nullptr);
      co_return std::unexpected(std::move(opened.error()));
    }
    t = *opened;
  }
  co_return t;
}

pool_stats pool::stats() const {
  std::lock_guard lock(impl_->mutex);
  const int idle_open = static_cast<int>(
      std::count_if(impl_->idle.begin(), impl_->idle.end(), [](token t) { return t != nullptr; }));
  return {.size = impl_->options.size,
          .open = impl_->open_count,
          .idle = idle_open,
          .waiting = static_cast<int>(impl_->waiters.size())};
}

}  // namespace parcelgate::store::pg
