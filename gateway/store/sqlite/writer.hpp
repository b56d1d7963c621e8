#pragma once
// SQLite store: the writer. One connection writes, owned by one thread that
// group-commits the queued writes (one transaction and one fsync per batch, each write in its own
// savepoint), and a second thread that checkpoints the WAL on its own connection so that commits
// only append to the log. Nothing here knows a table: the writes themselves are the jobs that
// queries.cpp, keys.cpp and schema.cpp hand in. See docs/storage.md ("SQLite").

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "gateway/store/sqlite/connection.hpp"

namespace parcelgate::store::sqlite {

class writer {
 public:
  writer() = default;
  ~writer();
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  // Opens the write and checkpoint connections and starts both threads.
  result<void> open(const sqlite_options& options);
  // Writes everything queued, then stops both threads. Later submissions are refused.
  void stop();

  // Queues `work` for the next batch; `done(committed)` runs on the writer thread once the batch
  // is on stable storage (true) or failed (false). Never blocks; see store::submit_write.
  void submit(std::function<bool()> work, std::function<void(bool committed)> done);

  // Runs `job` inside a group-committed transaction and returns once that transaction is on
  // stable storage: false when it did not commit (nothing of `job` was kept). Called from a job
  // already running on the writer thread, it joins that job's transaction and returns true at
  // once (the outer job's commit is the one that counts). `job` returns false to have its own
  // changes rolled back.
  bool write(const std::function<bool()>& job);

  // The write connection inside a job on the writer thread (which holds the writer's mutex).
  connection& in_batch() { return conn_; }

  // The write connection outside group commit (migrations, API keys, purge, recovery): holds the
  // writer's mutex, so no batch and no blocking checkpoint pass runs meanwhile.
  class exclusive {
   public:
    exclusive(std::mutex& m, connection& c) : lock_(m), conn_(c) {}
    connection& get() const { return conn_; }

   private:
    std::lock_guard<std::mutex> lock_;
    connection& conn_;
  };
  exclusive lock() { return exclusive(mutex_, conn_); }

 private:
  struct job {
    std::function<bool()> run;  // true = keep the job's changes
    std::function<void(bool)> done;
  };

  void writer_loop();
  bool run_batch(std::vector<job>& batch);
  bool control(std::string_view sql);
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int pages);
  void checkpoint_loop();
  void checkpoint();

  // Group commit (writer thread).
  static thread_local const writer* current_batch_;  // the writer whose batch this thread runs
  std::mutex queue_mutex_;
  std::condition_variable queue_wake_;
  std::deque<job> queue_;
  bool writer_stopping_ = false;
  std::thread writer_thread_;

  // Checkpoints (checkpointer thread, woken by the WAL hook on the writer thread).
  int wal_pages_ = 0;  // writer thread only
  int next_checkpoint_at_ = 0;
  sqlite3* checkpoint_db_ = nullptr;
  std::thread checkpointer_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool checkpoint_due_ = false;
  bool stopping_ = false;

  std::mutex mutex_;  // held by a running batch, an exclusive, and a blocking checkpoint pass
  connection conn_;
};

// Runs `body` in a group-committed transaction of `w` and returns its result once that
// transaction is on stable storage; from a job already on the writer thread, joins its batch.
template <class T>
result<T> batched(writer& w, const std::function<result<T>()>& body) {
  std::optional<result<T>> out;
  const bool committed = w.write([&] {
    out.emplace(body());
    return out->has_value();
  });
  if (!committed || !out) return commit_failed();
  return std::move(*out);
}

}  // namespace parcelgate::store::sqlite
