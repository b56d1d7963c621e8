#include "gateway/app.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "gateway/api/gateway_api.hpp"
#include "gateway/api/problems.hpp"
#include "gateway/carriers/http_client.hpp"
#include "gateway/domain/duties.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/pickups.hpp"
#include "gateway/domain/points_finder.hpp"
#include "gateway/domain/push_inbox.hpp"
#include "gateway/domain/shipment_cache.hpp"
#include "gateway/domain/shipping.hpp"
#include "gateway/domain/tracking_poller.hpp"
#include "gateway/domain/tracking_service.hpp"
#include "gateway/http/server.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/store/blocking_pool.hpp"
#include "gateway/store/pg/pg_store.hpp"
#include "gateway/tariffs/tariff_book.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"
#include "gateway/webhooks/dispatcher.hpp"
#include "gateway/webhooks/sender.hpp"

namespace parcelgate {

namespace net = boost::asio;

std::vector<config::problem> check_carriers(const config::config& cfg,
                                            std::span<const carriers::adapter_entry> adapters) {
  auto built = carriers::registry::build(adapters, cfg.carriers);
  return built ? std::vector<config::problem>{} : built.error();
}

std::vector<config::problem> check_tariffs(const config::config& cfg) {
  std::vector<config::problem> out;
  if (cfg.tariffs.empty()) return out;
  tariffs::tariff_book book(cfg.tariffs);
  for (const auto& p : book.reload()) out.push_back({"tariffs", p.to_string(), 0});
  return out;
}

namespace {

// Many concurrent carrier calls each hold a socket: lift the soft descriptor limit to the hard one.
void raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

// Runs `op` on `context` (not yet serving) until it is done. A work guard keeps the context
// running while the store works elsewhere; a context found stopped (a store thread released the
// last unit of tracked work while the answer was queued) is restarted, and it is left restarted.
template <class T>
T run_to_completion(net::io_context& context, net::awaitable<T> op) {
  std::future<T> done;
  {
    auto busy = net::make_work_guard(context);
    done = net::co_spawn(context, std::move(op), net::use_future);
    while (done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      if (context.stopped()) context.restart();
      context.run_one_for(std::chrono::milliseconds(10));
    }
  }
  context.restart();
  return done.get();
}

// Duties (coroutines here are plain functions with pointer parameters: g++ 12 mishandles
// capturing coroutine lambdas).
net::awaitable<void> purge_idempotency_keys(store::async_store* db, std::chrono::hours retention) {
  const std::string cutoff = rfc3339(std::chrono::system_clock::now() - retention);
  auto n = co_await db->purge_idempotency_keys(cutoff);
  if (!n)
    telemetry::log_warn("idempotency key purge failed", {{"cause", n.error().carrier_message}});
  else if (*n > 0)
    telemetry::log_info("expired idempotency keys purged",
                        {{"count", static_cast<std::int64_t>(*n)}});
}

net::awaitable<void> recover_interrupted_purchases(shipping_service* shipping) {
  auto n = co_await shipping->recover_interrupted_purchases();
  if (!n)
    telemetry::log_warn("recovery of interrupted purchases failed",
                        {{"cause", n.error().carrier_message}});
  else if (*n > 0)
    telemetry::log_info("interrupted purchases set to pending_confirmation",
                        {{"count", static_cast<std::int64_t>(*n)}});
}

net::awaitable<void> recover_interrupted_bookings(pickup_service* pickups) {
  auto n = co_await pickups->recover_interrupted_bookings();
  if (!n)
    telemetry::log_warn("recovery of interrupted pickup bookings failed",
                        {{"cause", n.error().carrier_message}});
  else if (*n > 0)
    telemetry::log_info("interrupted pickup bookings set to unconfirmed",
                        {{"count", static_cast<std::int64_t>(*n)}});
}

net::awaitable<void> record_unrecorded_outcomes(shipping_service* shipping) {
  if (shipping->unrecorded_outcomes() == 0) co_return;
  co_await shipping->record_unrecorded_outcomes();
}

net::awaitable<void> poll_tracking(tracking_poller* poller, std::chrono::milliseconds round) {
  co_await poller->run_round(round);
}

// Processes recorded carrier pushes until none is waiting (each pass takes a batch).
net::awaitable<void> process_carrier_pushes(push_inbox* inbox) {
  for (;;) {
    const int finished = co_await inbox->process(200);
    if (finished < 200) break;
  }
}

net::awaitable<void> purge_carrier_pushes(store::async_store* db, int retention_days) {
  const std::string cutoff =
      rfc3339(std::chrono::system_clock::now() - std::chrono::days(retention_days));
  auto n = co_await db->purge_pushes(cutoff);
  if (!n)
    telemetry::log_warn("carrier push purge failed", {{"cause", n.error().carrier_message}});
  else if (*n > 0)
    telemetry::log_info("processed carrier pushes purged",
                        {{"count", static_cast<std::int64_t>(*n)}});
}

// One gateway per SQLite file: an exclusive lock on "<file>.gateway-lock", held until the
// process ends (the kernel drops it when the process dies, kill -9 included). -1 when another
// process holds it.
int lock_sqlite_file(const std::filesystem::path& db) {
  const std::string path = db.string() + ".gateway-lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// After stop(): wait until requests in flight are answered (30 s at most), give the leases up,
// then stop the loop.
net::awaitable<void> stop_when_drained(http::server* server, duties* background,
                                       net::io_context* io) {
  net::steady_timer timer(co_await net::this_coro::executor);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!server->drained() && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(net::use_awaitable);
  }
  co_await background->stop();
  io->stop();
}

}  // namespace

std::vector<config::problem> check_store(const config::config& cfg) {
  std::vector<config::problem> out;
  if (cfg.store.kind != "postgresql") return out;
  net::io_context io;
  store::pg::pg_store db(io.get_executor(),
                         store::pg::pg_store_options{.url = cfg.store.url, .pool = 1});
  const auto schema = run_to_completion(io, db.schema());
  if (!schema)
    out.push_back({"store.url", "cannot reach the database: " + schema.error().message, 0});
  else if (schema->database_version > schema->code_version)
    out.push_back({"store.url",
                   "the database schema is at version " + std::to_string(schema->database_version) +
                       ", newer than this parcelgate (which knows up to version " +
                       std::to_string(schema->code_version) + ")",
                   0});
  return out;
}

int run_gateway(const config::config& cfg_in, std::span<const carriers::adapter_entry> adapters,
                const run_options& options) {
  using telemetry::log_error;
  using telemetry::log_info;
  config::config cfg = cfg_in;
  telemetry::set_log_level(cfg.log_level);
  if (!options.listen_override.empty() &&
      !config::parse_listen(options.listen_override, cfg.server.http.host, cfg.server.http.port)) {
    log_error("bad --listen value, expected HOST:PORT", {{"value", options.listen_override}});
    return 2;
  }
  raise_fd_limit();

  auto registry = carriers::registry::build(adapters, cfg.carriers);
  if (!registry) {
    for (const auto& p : registry.error())
      log_error("config problem", {{"problem", p.to_string()}});
    return 2;
  }

  // Declared before the store so that it outlives it: the store's writer thread delivers the
  // completions of its last writes to this context while the store closes.
  const unsigned threads =
      cfg.server.threads ? cfg.server.threads : std::max(1u, std::thread::hardware_concurrency());
  net::io_context io(static_cast<int>(threads));

  // Startup work runs on `startup` for SQLite, declared before the blocking pool so that it
  // outlives the pool's threads (they hold its executor for a moment after each job); for
  // PostgreSQL on `io` itself, whose reactor its connections are registered with.
  net::io_context startup;
  store::blocking_pool pool(cfg.store.blocking_threads);
  std::unique_ptr<store::store> sqlite;
  std::unique_ptr<store::pg::pg_store> postgresql;
  std::unique_ptr<store::async_store> sqlite_data;
  store::async_store* data = nullptr;
  net::io_context* startup_context = &startup;
  const std::string instance = new_instance_id();
  if (cfg.store.kind == "postgresql") {
    postgresql = std::make_unique<store::pg::pg_store>(
        io.get_executor(),
        store::pg::pg_store_options{.url = cfg.store.url,
                                    .instance = instance,
                                    .pool = cfg.store.pool,
                                    .acquire_timeout = cfg.store.acquire_timeout,
                                    .statement_timeout = cfg.store.statement_timeout});
    startup_context = &io;
    auto migrated = run_to_completion(io, postgresql->migrate());
    if (!migrated) {
      log_error("PostgreSQL store unavailable or not migrated",
                {{"cause", migrated.error().message}});
      return 1;
    }
    if (*migrated > 0)
      log_info("store migrated", {{"applied", static_cast<std::int64_t>(*migrated)}});
    data = postgresql.get();
  } else {
    std::error_code fs_ec;
    std::filesystem::create_directories(cfg.store.path.parent_path(), fs_ec);
    if (lock_sqlite_file(cfg.store.path) < 0) {
      log_error(
          "another gateway already uses this SQLite file (one gateway per file; several "
          "gateways share a PostgreSQL store)",
          {{"path", cfg.store.path.string()}});
      return 1;
    }
    auto db = store::open_sqlite({.path = cfg.store.path.string(), .busy_timeout_ms = 5000});
    if (!db) {
      log_error("cannot open the store",
                {{"path", cfg.store.path.string()}, {"cause", db.error().carrier_message}});
      return 1;
    }
    sqlite = std::move(*db);
    auto migrated = sqlite->migrate();
    if (!migrated) {
      log_error("migration failed", {{"cause", migrated.error().carrier_message}});
      return 1;
    }
    if (*migrated > 0)
      log_info("store migrated", {{"applied", static_cast<std::int64_t>(*migrated)}});
    // This gateway holds the file: any lease left is a previous life's, so its purchases in
    // flight are recovered now rather than when that life's lease would have expired.
    if (auto released = sqlite->release_all_leases(); !released) {
      log_error("cannot reset the leases", {{"cause", released.error().carrier_message}});
      return 1;
    }
    sqlite_data = store::make_sqlite_async_store(*sqlite, pool, instance);
    data = sqlite_data.get();
  }

  carriers::http_client_options outbound;
  outbound.ca_file = cfg.outbound.ca_file.string();
  outbound.circuit = {cfg.outbound.circuit_failures, cfg.outbound.circuit_open};
  auto client = carriers::http_client::create(io, std::move(outbound));
  if (!client) {
    log_error("outbound TLS setup failed", {{"cause", client.error().message}});
    return 2;
  }
  telemetry::metrics metrics;
  // Shipments read from a store that other gateways write to are never cached here.
  shipment_cache cache(data->shared() ? 0 : 100'000);
  const api::problem_answers answers;
  shipping_service shipping(*data, *registry, **client, metrics, cache, answers);
  // Before serving (the serving context is never run, and so never stopped, before its threads
  // start when the store is SQLite): this instance announces itself, then recovers the purchases
  // of instances that are gone (on SQLite: this gateway's previous life).
  duties background(*data, cfg.store.lease);
  if (!run_to_completion(*startup_context, background.announce())) return 1;
  result<int> recovered =
      run_to_completion(*startup_context, shipping.recover_interrupted_purchases());
  if (!recovered) {
    log_error("recovery of interrupted purchases failed",
              {{"cause", recovered.error().carrier_message}});
    return 1;
  } else if (*recovered > 0) {
    log_info("interrupted purchases set to pending_confirmation",
             {{"count", static_cast<std::int64_t>(*recovered)}});
  }
  background.add(
      {.name = "recover-interrupted-purchases",
       .every = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.store.lease) / 2,
       .run = [&shipping] { return recover_interrupted_purchases(&shipping); }});
  // Pickup bookings in flight of instances that are gone become unconfirmed, as purchases do.
  const api::pickup_problem_answers pickup_answers;
  pickup_service pickups(*data, *registry, **client, metrics, pickup_answers);
  if (auto bookings = run_to_completion(*startup_context, pickups.recover_interrupted_bookings());
      !bookings) {
    log_error("recovery of interrupted pickup bookings failed",
              {{"cause", bookings.error().carrier_message}});
    return 1;
  }
  background.add(
      {.name = "recover-interrupted-bookings",
       .every = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.store.lease) / 2,
       .run = [&pickups] { return recover_interrupted_bookings(&pickups); }});
  background.add({.name = "record-unrecorded-outcomes",
                  .every = std::chrono::seconds(1),
                  .run = [&shipping] { return record_unrecorded_outcomes(&shipping); },
                  .leased = false});
  background.add({.name = "purge-idempotency-keys",
                  .every = std::chrono::minutes(10),
                  .run = [data, retention = cfg.idempotency.retention] {
                    return purge_idempotency_keys(data, retention);
                  }});

  // Tracking: carriers polled on a schedule by one instance at a time, pushes processed by
  // whichever instance claims them.
  tracking_service tracking(*data, cache, metrics);
  tracking_poller poller(*data, *registry, **client, tracking, metrics,
                         {.first_poll_after = cfg.tracking.first_poll_after,
                          .interval = cfg.tracking.poll_interval,
                          .max_age_days = cfg.tracking.max_age_days});
  push_inbox pushes(*data, *registry, tracking, metrics);
  // Rounds of a second's worth of requests, back to back: each carrier's request slots carry
  // over from one round to the next.
  const std::chrono::milliseconds poll_round(1000);
  background.add({.name = "poll-tracking",
                  .every = std::chrono::milliseconds(50),
                  .run = [&poller, poll_round] { return poll_tracking(&poller, poll_round); }});
  background.add({.name = "process-carrier-pushes",
                  .every = std::chrono::milliseconds(250),
                  .run = [&pushes] { return process_carrier_pushes(&pushes); },
                  .leased = false});
  background.add({.name = "purge-carrier-pushes",
                  .every = std::chrono::minutes(10),
                  .run = [data, days = cfg.tracking.push_retention_days] {
                    return purge_carrier_pushes(data, days);
                  }});

  tariffs::tariff_book tariff_book(cfg.tariffs);
  if (auto problems = tariff_book.reload(); !problems.empty()) {
    for (const auto& p : problems) log_error("tariff problem", {{"problem", p.to_string()}});
    return 2;
  }
  if (auto set = tariff_book.current())
    log_info("tariffs loaded", {{"dir", cfg.tariffs.string()},
                                {"contracts", static_cast<std::int64_t>(set->contracts().size())}});

  // Outgoing webhooks (docs/webhooks.md): a leased duty, so one instance sends at a time.
  auto webhook_sender =
      webhooks::sender::create({.timeout = cfg.webhooks.timeout,
                                .allow_private = cfg.webhooks.allow_private_targets,
                                .ca_file = cfg.outbound.ca_file.string()});
  if (!webhook_sender) {
    log_error("webhook TLS setup failed", {{"cause", webhook_sender.error()}});
    return 2;
  }
  webhooks::dispatcher webhook_dispatcher(*data, **webhook_sender, metrics, cfg.webhooks);
  background.add({.name = "deliver-webhooks",
                  .every = cfg.webhooks.poll,
                  .run = [&webhook_dispatcher] { return webhook_dispatcher.run_once(); }});
  background.add({.name = "purge-webhook-history",
                  .every = std::chrono::minutes(10),
                  .run = [&webhook_dispatcher] { return webhook_dispatcher.purge_history(); }});

  // Collection points of every network (GET /v1/points), cached in memory per query area.
  points_finder points(*registry, **client, metrics, cfg.points);

  api::authenticator auth(*data, std::chrono::seconds(5));
  api::rate_limiter limiter(cfg.server.rate_limit.requests_per_s, cfg.server.rate_limit.burst);
  std::atomic<bool> stopping{false};
  api::gateway_api api({*data, pool, *registry, shipping, cache, metrics, auth, tariff_book,
                        limiter, cfg.server.access_log, [&stopping] { return !stopping.load(); },
                        &pushes, webhook_sender->get(), &cfg.webhooks, &points, &tracking,
                        &pickups});
  http::server server(
      io, cfg.server.http, [&api](http::request& r) { return api.handle(r); },
      [&api](int status, std::string_view detail) { return api.server_error(status, detail); });
  if (auto started = server.start(); !started) {
    log_error("cannot start the listener", {{"cause", started.error().message}});
    return 1;
  }

  background.start(io.get_executor());

  // SIGHUP reloads the tariffs; a set with any problem is refused and the current one stays.
  net::signal_set hangups(io, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_hangup;
  on_hangup = [&](const boost::system::error_code& ec, int) {
    if (ec) return;
    pool.post([&] {
      auto problems = tariff_book.reload();
      if (problems.empty()) {
        auto set = tariff_book.current();
        telemetry::log_notice(
            "tariffs reloaded",
            {{"contracts", static_cast<std::int64_t>(set ? set->contracts().size() : 0)}});
      } else {
        for (const auto& p : problems)
          log_error("tariff reload refused; the previous set stays in force",
                    {{"problem", p.to_string()}});
      }
    });
    hangups.async_wait(on_hangup);
  };
  hangups.async_wait(on_hangup);

  net::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    telemetry::log_notice("stopping: finishing requests in flight",
                          {{"signal", static_cast<std::int64_t>(signo)}});
    stopping = true;
    hangups.cancel();
    server.stop();
    net::co_spawn(io, stop_when_drained(&server, &background, &io), net::detached);
  });

  telemetry::log_notice("parcelgate listening",
                        {{"url", server.url()},
                         {"threads", static_cast<std::int64_t>(threads)},
                         {"instance", instance},
                         {"store", cfg.store.path.string()},
                         {"carriers", static_cast<std::int64_t>(registry->all().size())}});
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : workers) t.join();
  telemetry::log_notice("stopped");
  return 0;
}

}  // namespace parcelgate
