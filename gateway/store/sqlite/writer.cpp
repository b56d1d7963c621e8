// SQLite store: the writer thread with group commit, and WAL checkpoints on a
// thread of their own (see writer.hpp). No table is named here.

#include "gateway/store/sqlite/writer.hpp"

#include <sqlite3.h>

#include <chrono>
#include <future>
#include <utility>

namespace parcelgate::store::sqlite {

namespace {

constexpr int kCheckpointPages = 256;
constexpr int kCatchUpPages = 256;
constexpr int kRestartPages = 2048;
constexpr int kMaxLogPages = 4 * kRestartPages;
constexpr std::size_t kMaxBatch = 256;

}  // namespace

thread_local const writer* writer::current_batch_ = nullptr;

writer::~writer() {
  stop();
  sqlite3_close_v2(checkpoint_db_);
}

result<void> writer::open(const sqlite_options& options) {
  auto w = open_connection(options, false);
  if (!w) return std::unexpected(w.error());
  conn_.db = *w;
  // Checkpoints copy the WAL back into the database file. SQLite runs them inside the commit
  // that crosses the threshold, which would stall that purchase; here a background thread runs
  // them on its own connection instead, so commits only append to the WAL.
  auto c = open_connection(options, false);
  if (!c) return std::unexpected(c.error());
  checkpoint_db_ = *c;
  exec(conn_.db,
       "PRAGMA wal_autocheckpoint=0; PRAGMA temp_store=MEMORY; PRAGMA "
       "journal_size_limit=67108864");
  next_checkpoint_at_ = kCheckpointPages;
  sqlite3_wal_hook(conn_.db, &writer::on_wal_commit, this);
  checkpointer_ = std::thread([this] { checkpoint_loop(); });
  writer_thread_ = std::thread([this] { writer_loop(); });
  return {};
}

void writer::stop() {
  {
    std::lock_guard lock(queue_mutex_);
    writer_stopping_ = true;
  }
  queue_wake_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
  {
    std::lock_guard lock(checkpoint_mutex_);
    stopping_ = true;
  }
  checkpoint_wake_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
}

// Group commit. Purchases commit twice each (claim, completion) with synchronous=FULL; one
// fsync per transaction would cap throughput at the disk's fsync rate. Write jobs are queued
// for one writer thread, which runs every job queued at that moment in a single transaction,
// each job inside its own SAVEPOINT (a failing job is rolled back alone), then commits once:
// one fsync for the batch. Jobs that arrive during a commit form the next batch. A job's
// result is reported only after its commit is on disk. Blocking callers wait on a future;
// coroutines use submit_write and are resumed by the completion, so no thread ever sits
// blocked on someone else's fsync.
void writer::submit(std::function<bool()> work, std::function<void(bool)> done) {
  bool queued = false;
  {
    std::lock_guard lock(queue_mutex_);
    if (writer_thread_.joinable() && !writer_stopping_) {
      queue_.push_back(job{.run = std::move(work), .done = std::move(done)});
      queued = true;
    }
  }
  if (!queued) {
    done(false);  // no writer (the store is closing): refuse rather than leave the caller waiting
    return;
  }
  queue_wake_.notify_one();
}

bool writer::write(const std::function<bool()>& work) {
  // Called from a job on the writer thread: join the batch's transaction.
  if (current_batch_ == this) {
    work();
    return true;
  }
  std::promise<bool> committed;
  auto future = committed.get_future();
  submit([&] { return work(); }, [&](bool ok) { committed.set_value(ok); });
  return future.get();
}

void writer::writer_loop() {
  std::vector<job> batch;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_wake_.wait(lock, [this] { return !queue_.empty() || writer_stopping_; });
      if (queue_.empty()) return;  // stopping, and everything queued was written
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const bool ok = run_batch(batch);
    for (auto& j : batch) j.done(ok);
    batch.clear();
  }
}

// Runs one of the writer's transaction-control statements through its compiled form:
// sqlite3_exec would parse and plan it again on every batch (several times per purchase).
bool writer::control(std::string_view sql) {
  statement s(conn_, sql);
  return s.step() == SQLITE_DONE;
}

namespace {

bool run_job(const std::function<bool()>& run) {
  try {
    return run();
  } catch (...) {
    return false;
  }
}

}  // namespace

bool writer::run_batch(std::vector<job>& batch) {
  std::lock_guard lock(mutex_);
  if (!control("BEGIN IMMEDIATE")) return false;
  current_batch_ = this;
  if (batch.size() == 1) {
    // A batch of one (the usual case below the disk's fsync rate) needs no savepoint: a job
    // that fails rolls back the whole transaction, which holds nothing else.
    const bool keep = run_job(batch.front().run);
    current_batch_ = nullptr;
    if (!keep) {
      control("ROLLBACK");
      return true;  // nothing of the job was kept, as with a savepoint rolled back
    }
  } else {
    for (auto& j : batch) {
      control("SAVEPOINT job");
      if (!run_job(j.run)) control("ROLLBACK TO job");
      control("RELEASE job");
    }
    current_batch_ = nullptr;
  }
  if (control("COMMIT")) return true;
  control("ROLLBACK");
  return false;
}

// Called on the writer thread after each commit with the WAL's length in pages. Asks for a
// checkpoint each time the log grew by kCheckpointPages since the last request (not after
// every commit past the threshold: each checkpoint costs two fsyncs). The length falls back
// once a checkpoint completed and the log restarted from its beginning.
int writer::on_wal_commit(void* self, sqlite3*, const char*, int pages) {
  auto* w = static_cast<writer*>(self);
  if (pages < w->wal_pages_) w->next_checkpoint_at_ = kCheckpointPages;
  w->wal_pages_ = pages;
  if (pages >= w->next_checkpoint_at_) {
    w->next_checkpoint_at_ = pages + kCheckpointPages;
    std::lock_guard lock(w->checkpoint_mutex_);
    w->checkpoint_due_ = true;
    w->checkpoint_wake_.notify_one();
  }
  return SQLITE_OK;
}

void writer::checkpoint_loop() {
  std::unique_lock lock(checkpoint_mutex_);
  while (!stopping_) {
    checkpoint_wake_.wait_for(lock, std::chrono::seconds(5),
                              [this] { return checkpoint_due_ || stopping_; });
    if (stopping_) break;
    checkpoint_due_ = false;
    lock.unlock();
    checkpoint();
    lock.lock();
  }
}

// Copies the WAL back into the database so that the log can restart from its beginning.
// Small and frequent: a pass every kCheckpointPages of growth keeps each of its fsyncs of the
// database short (a large one occupies the disk for milliseconds, and the writer's commit
// fsync waits behind it). The log restarts only when a write transaction begins with every
// frame copied; under a steady stream of commits a checkpoint running beside the writer never
// gets there (the log would grow without end, and appending to a growing file makes every
// fsync slower). So once the log is kRestartPages long and the passes have caught up to a few
// hundred pages, one last pass runs between two write batches, holding the writer back for
// the few remaining pages; the log then restarts and stays a few MiB.
void writer::checkpoint() {
  int log = 0, copied = 0;
  for (int pass = 0; pass < 8; ++pass) {
    if (sqlite3_wal_checkpoint_v2(checkpoint_db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                                  &copied) != SQLITE_OK)
      return;
    if (log - copied <= kCatchUpPages) break;
  }
  if (log <= 0) return;  // empty log
  if (log < kRestartPages) return;
  // Writes outpace the copy: try again at the next request, unless the log reached its bound;
  // then the writer waits for the whole copy (a stall, but the log's size stays bounded).
  if (log - copied > kCatchUpPages && log < kMaxLogPages) return;
  // Frames committed while the passes ran are few; copy them with the writer held back.
  std::lock_guard held(mutex_);
  sqlite3_wal_checkpoint_v2(checkpoint_db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

}  // namespace parcelgate::store::sqlite
