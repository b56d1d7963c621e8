#include "gateway/store/blocking_pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace parcelgate::store {

struct blocking_pool::impl {
  explicit impl(unsigned threads) : pool(threads == 0 ? 1 : threads) {}
  boost::asio::thread_pool pool;
};

blocking_pool::blocking_pool(unsigned threads) : impl_(std::make_unique<impl>(threads)) {}

blocking_pool::~blocking_pool() {
  impl_->pool.join();
}

namespace {
// A plain coroutine with a pointer parameter: `fn` stays owned by run()'s frame, which outlives
// this call. (A capturing coroutine lambda here double-destroys its captures under g++ 12.)
boost::asio::awaitable<void> invoke(const std::function<void()>* fn) {
  (*fn)();
  co_return;
}
}  // namespace

void blocking_pool::post(std::function<void()> fn) {
  boost::asio::post(impl_->pool, std::move(fn));
}

boost::asio::awaitable<void> blocking_pool::run(std::function<void()> fn) {
  co_await boost::asio::co_spawn(impl_->pool, invoke(&fn), boost::asio::use_awaitable);
}

}  // namespace parcelgate::store
