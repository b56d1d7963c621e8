#pragma once
// A bounded pool of PostgreSQL connections shared by every I/O thread. A caller waits at most
// `acquire_timeout` for a free connection (then failure::pool_exhausted: the API answers 503 with
// Retry-After); connections open lazily, and one that broke is replaced, with exponential
// backoff between failed attempts (failure::unreachable meanwhile, without touching the network).

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "gateway/store/pg/connection.hpp"

namespace parcelgate::store::pg {

struct pool_options {
  std::string conninfo;  // libpq URI or key=value string
  int size = 16;
  std::chrono::milliseconds acquire_timeout{2'000};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds max_backoff{5'000};
  std::vector<prepared_statement> statements{};  // prepared on every connection
  std::vector<std::string> setup{};              // run once on every new connection ("SET ...")
};

struct pool_stats {
  int size = 0;
  int open = 0;     // connections currently open (idle or in use)
  int idle = 0;     // open and free
  int waiting = 0;  // callers waiting for a connection
};

class pool;

// One connection of the pool held across several groups, for work that needs one session: an
// explicit transaction spanning round trips (BEGIN in the first group, COMMIT in the last), or a
// session-level lock. Released when destroyed; a connection left inside a transaction or broken
// is closed instead of going back to the pool.
class session {
 public:
  session(session&&) noexcept;
  session& operator=(session&&) = delete;
  session(const session&) = delete;
  ~session();

  task<std::expected<std::vector<rows>, db_error>> run(std::span<const statement> statements,
                                                       deadline until);

 private:
  friend class pool;
  struct state;
  explicit session(std::shared_ptr<state> s);
  std::shared_ptr<state> state_;
};

class pool {
 public:
  pool(boost::asio::any_io_executor executor, pool_options options);
  ~pool();
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  // Runs `statements` as one group on a pooled connection (connection::run): one round trip,
  // one transaction. failure::pool_exhausted and failure::unreachable mean nothing was sent.
  task<std::expected<std::vector<rows>, db_error>> run(std::span<const statement> statements,
                                                       deadline until);

  // A connection held for several groups (see session).
  task<std::expected<session, db_error>> open_session(deadline until);

  pool_stats stats() const;

  struct impl;  // shared with sessions, which may outlive a call

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace parcelgate::store::pg
