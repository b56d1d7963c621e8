// SQLite store: the wiring of its parts (see sqlite_store.hpp). WAL journal, synchronous=FULL (a
// commit is on disk when it returns), one writer connection owned by the writer thread
// (writer.cpp), a small pool of reader connections that run in parallel with it
// (connection.cpp). The SQL itself is in schema.cpp, queries.cpp and keys.cpp.

#include "gateway/store/sqlite/sqlite_store.hpp"

#include <utility>

namespace parcelgate::store {

namespace sqlite {

sqlite_store::sqlite_store(sqlite_options options)
    : options_(std::move(options)), readers_(options_) {}

sqlite_store::~sqlite_store() {
  // Everything queued is written before the readers and then the writer's connections close.
  writer_.stop();
}

result<void> sqlite_store::open() {
  return writer_.open(options_);
}

void sqlite_store::submit_write(std::function<bool()> work, std::function<void(bool)> done) {
  writer_.submit(std::move(work), std::move(done));
}

}  // namespace sqlite

result<std::unique_ptr<store>> open_sqlite(const sqlite_options& options) {
  auto s = std::make_unique<sqlite::sqlite_store>(options);
  if (auto r = s->open(); !r) return std::unexpected(r.error());
  return std::unique_ptr<store>(std::move(s));
}

}  // namespace parcelgate::store
