#pragma once
// What every gateway instance does in the background besides serving (DESIGN §9):
// - it keeps itself alive in the store: the lease instance_lease(id), renewed every third of its
//   life, so that the purchases it has in flight are never taken for interrupted ones;
// - it runs leased duties: periodic work that only one instance at a time may do (the recovery
//   of interrupted purchases, the purge of finished idempotency keys; later tracking polls and
//   webhook deliveries). Before each run the instance takes or renews the duty's lease; while
//   another instance holds it, this one skips its turn. The holder keeps the lease from run to
//   run (its life is the period plus the instance lease), so a duty stays on one instance until
//   that instance stops or dies; then another takes it over once the lease has expired, or at
//   once after a clean stop, which releases every lease.
// - and local duties (leased = false): periodic work on this instance's own state, such as
//   writing purchase outcomes the store could not take at the time.
//
// Loops run on the executor given to start(); stop() ends them and releases the leases.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace parcelgate {

namespace store {
class async_store;
}

struct duty {
  std::string name;  // the lease's name, the same on every instance
  std::chrono::milliseconds every{};
  std::function<boost::asio::awaitable<void>()> run;
  // false: work on this instance's own state, run on every instance without a lease.
  bool leased = true;
};

class duties {
 public:
  // `lease`: how long the instance lease lives without renewal (store.lease_s).
  duties(store::async_store& db, std::chrono::milliseconds lease);
  ~duties();
  duties(const duties&) = delete;
  duties& operator=(const duties&) = delete;

  // Takes this instance's lease; call once before serving. False when the store refused.
  boost::asio::awaitable<bool> announce();
  void add(duty d);
  void start(boost::asio::any_io_executor executor);
  // Ends the loops and releases every lease held, the instance's last.
  boost::asio::awaitable<void> stop();

  // How many times each duty ran on this instance (tests, metrics).
  std::uint64_t runs(const std::string& name) const;

  struct loop;

 private:
  store::async_store& db_;
  std::chrono::milliseconds lease_;
  std::atomic<bool> stopping_{false};
  boost::asio::any_io_executor strand_;
  std::vector<std::unique_ptr<loop>> loops_;
};

}  // namespace parcelgate
