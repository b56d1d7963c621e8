#pragma once
// Threads for blocking work (SQLite, file I/O) so that I/O threads never block. A coroutine
// co_awaits run(fn): fn runs on a pool thread and the coroutine resumes on its own executor.

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>

namespace parcelgate::store {

class blocking_pool {
 public:
  explicit blocking_pool(unsigned threads);
  ~blocking_pool();  // waits for queued work
  blocking_pool(const blocking_pool&) = delete;
  blocking_pool& operator=(const blocking_pool&) = delete;

  boost::asio::awaitable<void> run(std::function<void()> fn);
  // Fire and forget: runs fn on a pool thread.
  void post(std::function<void()> fn);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace parcelgate::store
