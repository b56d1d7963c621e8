#pragma once
// SQLite store: connections. Opening a database file with the store's pragmas, a
// connection with its cache of compiled statements, the statement and transaction wrappers every
// other part uses, and the pool of read-only connections that run beside the writer (WAL readers
// never block on it). Nothing here knows a table: the SQL lives in schema.cpp, queries.cpp and
// keys.cpp; the writer thread in writer.cpp. See docs/storage.md ("SQLite").

#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/store/store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace parcelgate::store::sqlite {

// A storage failure. The caller sees a generic message; SQLite's own text goes to
// carrier_message for the log only.
std::unexpected<error> db_error(sqlite3* db, std::string_view what);
// A write whose shared transaction did not commit: nothing of it was kept.
std::unexpected<error> commit_failed();

// The current time as RFC 3339 UTC with seconds ("2026-12-02T06:40:00Z").
std::string now_text();
// The current time in Unix milliseconds (lease expiry).
long long unix_ms_now();

// Runs `sql` (one or more statements) without keeping it compiled; true on success.
bool exec(sqlite3* db, const char* sql);

// Opens `options.path` with the store's pragmas: the writer's connections (read_only = false)
// create the file and set WAL with synchronous=FULL; readers only check foreign keys.
result<sqlite3*> open_connection(const sqlite_options& options, bool read_only);

struct sql_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view v) const noexcept;
};

// A connection and its prepared statements. Statements are compiled once and reused: parsing
// and planning cost more than running the small statements of a purchase. Used by one thread at
// a time (the writer under its mutex, a reader while checked out).
struct connection {
  struct prepared {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db = nullptr;
  std::unordered_map<std::string, prepared, sql_hash, std::equal_to<>> statements;

  connection() = default;
  explicit connection(sqlite3* d) : db(d) {}
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();
};

class statement {
 public:
  // Borrows the connection's compiled statement for `sql` (compiling it the first time); a
  // statement already in use on the connection is compiled again for this use only.
  statement(connection& c, std::string_view sql);
  ~statement();
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  statement& bind(int i, std::string_view v);
  statement& bind_blob(int i, std::string_view v);
  // Binds without a copy: `v` must stay alive and unchanged until this statement is destroyed
  // (it is reset there). For the large values of a purchase (bodies, label bytes) that the
  // caller owns for the whole call; never for a temporary.
  statement& bind_borrowed(int i, std::string_view v);
  statement& bind_borrowed_blob(int i, std::string_view v);
  statement& bind(int i, long long v);
  statement& bind_null(int i);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  std::string text(int col) const;
  std::string blob(int col) const;
  long long integer(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  connection::prepared* cached_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() succeeded.
class transaction {
 public:
  explicit transaction(sqlite3* db);
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  bool begun() const { return open_; }
  bool commit();

 private:
  sqlite3* db_;
  bool open_;
};

// Read-only connections, opened on demand and kept: one per thread reading at the same time.
class reader_pool {
 public:
  // A connection checked out of the pool, returned to it on destruction. Declare it before the
  // statements that use it, so that they are reset before the connection goes back.
  class lease {
   public:
    lease(reader_pool* pool, connection* c) : pool_(pool), conn_(c) {}
    lease(lease&& other) noexcept;
    lease& operator=(lease&&) = delete;
    ~lease();
    connection& get() const { return *conn_; }

   private:
    reader_pool* pool_;
    connection* conn_;
  };

  explicit reader_pool(const sqlite_options& options) : options_(options) {}
  reader_pool(const reader_pool&) = delete;
  reader_pool& operator=(const reader_pool&) = delete;

  // A free reader, or a new one when every reader is in use.
  result<lease> acquire();

 private:
  void release(connection* c);

  const sqlite_options options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<connection>> readers_;
  std::vector<connection*> free_;
};

}  // namespace parcelgate::store::sqlite
