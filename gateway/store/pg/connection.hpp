#pragma once
// One PostgreSQL connection driven by libpq's non-blocking API on an Asio executor: the socket
// waits on the I/O thread, nothing blocks it. Statements are sent in pipeline mode, so a group of
// them (a purchase's writes) costs one round trip and runs in one implicit transaction that the
// server commits at the group's end or rolls back whole on the first error.
//
// A connection serves one operation at a time (the pool hands it to one coroutine).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"

namespace parcelgate::store::pg {

template <class T>
using task = boost::asio::awaitable<T>;
using deadline = std::chrono::steady_clock::time_point;

// One statement: SQL text with $1..$n, or the name of a statement prepared at connect.
struct statement {
  std::string_view sql_or_name;
  std::vector<std::optional<std::string>> params{};  // text format; nullopt is SQL NULL
  bool prepared = false;
  int binary_param = -1;       // index of one parameter sent as raw bytes (a bytea), -1: none
  bool binary_result = false;  // every column comes back in binary format (bytea as raw bytes)
};

// A statement prepared on every connection of the pool when it connects.
struct prepared_statement {
  std::string name;
  std::string sql;
};

// The rows of one statement, in text format.
class rows {
 public:
  rows() = default;
  explicit rows(void* result);  // takes ownership of a PGresult
  rows(rows&&) noexcept;
  rows& operator=(rows&&) noexcept;
  rows(const rows&) = delete;
  rows& operator=(const rows&) = delete;
  ~rows();

  int size() const noexcept;
  int affected() const noexcept;  // rows inserted/updated/deleted
  bool is_null(int row, int column) const noexcept;
  std::string_view text(int row, int column) const noexcept;
  std::int64_t integer(int row, int column) const noexcept;  // 0 when not an integer

 private:
  void* result_ = nullptr;
};

// SQLSTATE classes the store reacts to.
enum class failure {
  none,
  unique_violation,       // 23505
  serialization_failure,  // 40001, 40P01 (deadlock): the transaction may be retried
  statement_timeout,      // 57014
  connection_lost,        // the server went away; the connection is broken
  timeout,                // our own deadline passed; the connection is broken
  pool_exhausted,         // no connection of the pool became free in time (nothing was sent)
  unreachable,            // the pool cannot connect now (backing off; nothing was sent)
  other,
};

struct db_error {
  failure what = failure::other;
  std::string sqlstate{};
  std::string message{};  // the server's text, for the log only
};

class connection {
 public:
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Connects (libpq URI or key=value string), sets `settings` (e.g. statement_timeout) and
  // prepares `statements`, all before `until`.
  static task<std::expected<std::unique_ptr<connection>, db_error>> open(
      boost::asio::any_io_executor executor, std::string conninfo,
      std::span<const prepared_statement> statements, deadline until);

  // Sends `statements` in one pipeline and one implicit transaction; the rows of each, or the
  // first error (then nothing of the group was kept). `until` bounds the whole exchange: past
  // it the connection is broken (the server may still finish the group: callers on money paths
  // treat failure::timeout and failure::connection_lost as "outcome unknown").
  task<std::expected<std::vector<rows>, db_error>> run(std::span<const statement> statements,
                                                       deadline until);

  // False once a failure left the connection unusable; the pool then drops it.
  bool usable() const noexcept;
  // True between an explicit BEGIN and its COMMIT/ROLLBACK.
  bool in_transaction() const noexcept;
  // The server's process id (to terminate it in tests).
  int backend_pid() const noexcept;

 private:
  struct impl;
  explicit connection(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace parcelgate::store::pg
