#include "gateway/store/pg/connection.hpp"

#include "gateway/telemetry/log.hpp"
// co_await results are kept in named variables before they are tested: with g++ 12, `if (!co_await
// ...) co_return ...;` inside these loops miscompiled (SIGILL on resumption).

#include <libpq-fe.h>
#include <unistd.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>

namespace parcelgate::store::pg {

namespace net = boost::asio;

// ---- rows

rows::rows(void* result) : result_(result) {}
rows::rows(rows&& o) noexcept : result_(o.result_) {
  o.result_ = nullptr;
}
rows& rows::operator=(rows&& o) noexcept {
  if (this != &o) {
    if (result_) PQclear(static_cast<PGresult*>(result_));
    result_ = o.result_;
    o.result_ = nullptr;
  }
  return *this;
}
rows::~rows() {
  if (result_) PQclear(static_cast<PGresult*>(result_));
}

int rows::size() const noexcept {
  return result_ ? PQntuples(static_cast<const PGresult*>(result_)) : 0;
}

int rows::affected() const noexcept {
  if (!result_) return 0;
  const char* n = PQcmdTuples(static_cast<PGresult*>(result_));
  int v = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}

bool rows::is_null(int row, int column) const noexcept {
  return !result_ || PQgetisnull(static_cast<const PGresult*>(result_), row, column) != 0;
}

std::string_view rows::text(int row, int column) const noexcept {
  if (is_null(row, column)) return {};
  const auto* r = static_cast<const PGresult*>(result_);
  return {PQgetvalue(r, row, column), static_cast<std::size_t>(PQgetlength(r, row, column))};
}

std::int64_t rows::integer(int row, int column) const noexcept {
  const auto t = text(row, column);
  std::int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

// ---- connection

namespace {

db_error classify(const PGresult* res, PGconn* conn) {
  db_error e;
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  e.sqlstate = state ? state : "";
  e.message = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  while (!e.message.empty() && (e.message.back() == '\n' || e.message.back() == ' '))
    e.message.pop_back();
  if (PQstatus(conn) == CONNECTION_BAD)
    e.what = failure::connection_lost;
  else if (e.sqlstate == "23505")
    e.what = failure::unique_violation;
  else if (e.sqlstate == "40001" || e.sqlstate == "40P01")
    e.what = failure::serialization_failure;
  else if (e.sqlstate == "57014")
    e.what = failure::statement_timeout;
  else if (e.sqlstate.starts_with("08") || e.sqlstate == "57P01" || e.sqlstate == "57P02" ||
           e.sqlstate == "57P03")
    e.what =
        failure::connection_lost;  // connection exception, admin/crash shutdown, cannot connect now
  else
    e.what = failure::other;
  return e;
}

db_error lost(PGconn* conn, std::string_view what) {
  db_error e{.what = failure::connection_lost, .sqlstate = {}, .message = std::string(what)};
  if (conn) {
    std::string m = PQerrorMessage(conn);
    while (!m.empty() && m.back() == '\n') m.pop_back();
    if (!m.empty()) e.message += ": " + m;
  }
  return e;
}

db_error timed_out(std::string_view what) {
  return db_error{.what = failure::timeout, .sqlstate = {}, .message = std::string(what)};
}

}  // namespace

struct connection::impl {
  explicit impl(net::any_io_executor ex) : socket(ex) {}
  ~impl() {
    boost::system::error_code ignored;
    socket.close(ignored);  // our dup() of libpq's socket
    if (conn) PQfinish(conn);
  }

  // Points the descriptor at libpq's current socket (it may change while connecting).
  bool track_socket() {
    const int fd = PQsocket(conn);
    if (fd < 0) return false;
    if (fd == tracked) return true;
    boost::system::error_code ec;
    socket.close(ec);
    const int copy = ::dup(fd);
    if (copy < 0) return false;
    socket.assign(copy, ec);
    if (ec) {
      ::close(copy);
      return false;
    }
    tracked = fd;
    return true;
  }

  // Waits until the socket is readable or writable, or `until` passes (false).
  task<bool> wait(net::posix::descriptor_base::wait_type type, deadline until) {
    if (std::chrono::steady_clock::now() >= until) co_return false;
    net::steady_timer timer(socket.get_executor(), until);
    bool expired = false;
    timer.async_wait([this, &expired](boost::system::error_code ec) {
      if (!ec) {
        expired = true;
        boost::system::error_code ignored;
        socket.cancel(ignored);
      }
    });
    auto [ec] = co_await socket.async_wait(type, net::as_tuple(net::use_awaitable));
    timer.cancel();
    co_return !ec && !expired;
  }

  // Sends what libpq buffered; false on a broken connection or the deadline.
  task<std::optional<db_error>> flush(deadline until) {
    for (;;) {
      const int r = PQflush(conn);
      if (r == 0) co_return std::nullopt;
      if (r < 0) co_return lost(conn, "sending to the database failed");
      // The server may be waiting for us to read before it reads more: take what it sent.
      if (PQconsumeInput(conn) == 0) co_return lost(conn, "reading from the database failed");
      const bool writable = co_await wait(net::posix::descriptor_base::wait_write, until);
      if (!writable) co_return timed_out("the database did not take the request in time");
    }
  }

  // The next result of the pipeline, waiting for it; nullptr between statements' results.
  task<std::expected<PGresult*, db_error>> next_result(deadline until) {
    std::expected<PGresult*, db_error> out = nullptr;
    while (PQisBusy(conn)) {
      const bool readable = co_await wait(net::posix::descriptor_base::wait_read, until);
      if (!readable) {
        out = std::unexpected(timed_out("the database did not answer in time"));
        co_return out;
      }
      if (PQconsumeInput(conn) == 0) {
        out = std::unexpected(lost(conn, "reading from the database failed"));
        co_return out;
      }
    }
    out = PQgetResult(conn);
    co_return out;
  }

  PGconn* conn = nullptr;
  net::posix::stream_descriptor socket;
  int tracked = -1;
  bool broken = false;
};

connection::connection(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
connection::~connection() = default;

bool connection::usable() const noexcept {
  return !impl_->broken && PQstatus(impl_->conn) == CONNECTION_OK;
}
bool connection::in_transaction() const noexcept {
  const auto s = PQtransactionStatus(impl_->conn);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

int connection::backend_pid() const noexcept {
  return PQbackendPID(impl_->conn);
}

namespace {
void log_notice(void*, const char* message) {
  std::string_view text(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  telemetry::log(telemetry::log_level::debug, "database notice", {{"message", text}});
}
}  // namespace

task<std::expected<std::unique_ptr<connection>, db_error>> connection::open(
    net::any_io_executor executor, std::string conninfo,
    std::span<const prepared_statement> statements, deadline until) {
  auto p = std::make_unique<impl>(executor);
  p->conn = PQconnectStart(conninfo.c_str());
  if (!p->conn)
    co_return std::unexpected(
        db_error{.what = failure::connection_lost, .sqlstate = {}, .message = "out of memory"});
  if (PQstatus(p->conn) == CONNECTION_BAD)
    co_return std::unexpected(lost(p->conn, "cannot connect to the database"));
  // The server's notices ("relation ... already exists, skipping") go to the debug log, not to
  // stderr, where libpq would print them by default (into parcelctl's output, say).
  PQsetNoticeProcessor(p->conn, log_notice, nullptr);
  auto polling = PGRES_POLLING_WRITING;
  while (polling != PGRES_POLLING_OK) {
    if (polling == PGRES_POLLING_FAILED)
      co_return std::unexpected(lost(p->conn, "cannot connect to the database"));
    if (!p->track_socket())
      co_return std::unexpected(lost(p->conn, "cannot connect to the database"));
    const auto type = polling == PGRES_POLLING_READING ? net::posix::descriptor_base::wait_read
                                                       : net::posix::descriptor_base::wait_write;
    const bool ready = co_await p->wait(type, until);
    if (!ready) co_return std::unexpected(timed_out("connecting to the database timed out"));
    polling = PQconnectPoll(p->conn);
  }
  if (!p->track_socket() || PQsetnonblocking(p->conn, 1) != 0 || PQenterPipelineMode(p->conn) != 1)
    co_return std::unexpected(lost(p->conn, "cannot set up the database connection"));
  std::unique_ptr<connection> c(new connection(std::move(p)));
  for (const auto& s : statements)
    if (PQsendPrepare(c->impl_->conn, s.name.c_str(), s.sql.c_str(), 0, nullptr) != 1)
      co_return std::unexpected(lost(c->impl_->conn, "cannot prepare " + s.name));
  if (!statements.empty()) {
    // One sync for all the prepares: one round trip.
    if (PQpipelineSync(c->impl_->conn) != 1)
      co_return std::unexpected(lost(c->impl_->conn, "cannot prepare statements"));
    if (auto e = co_await c->impl_->flush(until)) co_return std::unexpected(std::move(*e));
    std::optional<db_error> first;
    for (std::size_t i = 0; i < statements.size(); ++i) {
      for (;;) {
        auto r = co_await c->impl_->next_result(until);
        if (!r) co_return std::unexpected(std::move(r.error()));
        if (!*r) break;
        if (PQresultStatus(*r) == PGRES_FATAL_ERROR && !first) {
          first = classify(*r, c->impl_->conn);
          first->message = "preparing " + statements[i].name + ": " + first->message;
        }
        PQclear(*r);
      }
    }
    auto sync = co_await c->impl_->next_result(until);
    if (!sync) co_return std::unexpected(std::move(sync.error()));
    if (*sync) PQclear(*sync);
    if (first) co_return std::unexpected(std::move(*first));
  }
  co_return c;
}

task<std::expected<std::vector<rows>, db_error>> connection::run(
    std::span<const statement> statements, deadline until) {
  auto& p = *impl_;
  if (!usable()) co_return std::unexpected(lost(p.conn, "the database connection is broken"));
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& s : statements) {
    values.clear();
    lengths.assign(s.params.size(), 0);
    formats.assign(s.params.size(), 0);
    for (const auto& v : s.params) values.push_back(v ? v->c_str() : nullptr);
    if (s.binary_param >= 0 && static_cast<std::size_t>(s.binary_param) < s.params.size()) {
      if (const auto& raw = s.params[static_cast<std::size_t>(s.binary_param)]) {
        formats[static_cast<std::size_t>(s.binary_param)] = 1;
        lengths[static_cast<std::size_t>(s.binary_param)] = static_cast<int>(raw->size());
      }
    }
    const std::string sql(s.sql_or_name);
    const int n = static_cast<int>(values.size());
    const int result_format = s.binary_result ? 1 : 0;
    const int sent = s.prepared ? PQsendQueryPrepared(p.conn, sql.c_str(), n, values.data(),
                                                      lengths.data(), formats.data(), result_format)
                                : PQsendQueryParams(p.conn, sql.c_str(), n, nullptr, values.data(),
                                                    lengths.data(), formats.data(), result_format);
    if (sent != 1) {
      p.broken = true;
      co_return std::unexpected(lost(p.conn, "cannot send the statement"));
    }
  }
  if (PQpipelineSync(p.conn) != 1) {
    p.broken = true;
    co_return std::unexpected(lost(p.conn, "cannot send the statements"));
  }
  if (auto e = co_await p.flush(until)) {
    p.broken = true;
    co_return std::unexpected(std::move(*e));
  }
  std::vector<rows> out;
  out.reserve(statements.size());
  std::optional<db_error> first;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    rows kept;
    for (;;) {
      auto r = co_await p.next_result(until);
      if (!r) {
        p.broken = true;
        co_return std::unexpected(std::move(r.error()));
      }
      if (!*r) break;
      const auto status = PQresultStatus(*r);
      if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        kept = rows(*r);
      } else {
        if (status != PGRES_PIPELINE_ABORTED && !first) first = classify(*r, p.conn);
        PQclear(*r);
      }
    }
    out.push_back(std::move(kept));
  }
  // The group's end: the implicit transaction commits here (or was rolled back by the error).
  auto sync = co_await p.next_result(until);
  if (!sync) {
    p.broken = true;
    co_return std::unexpected(std::move(sync.error()));
  }
  if (!*sync || PQresultStatus(*sync) != PGRES_PIPELINE_SYNC) {
    if (*sync) {
      if (!first) first = classify(*sync, p.conn);
      PQclear(*sync);
    }
    p.broken = true;
    if (!first) first = lost(p.conn, "the database answered out of order");
    co_return std::unexpected(std::move(*first));
  }
  PQclear(*sync);
  if (first) {
    if (first->what == failure::connection_lost) p.broken = true;
    co_return std::unexpected(std::move(*first));
  }
  co_return out;
}

}  // namespace parcelgate::store::pg
