#include "gateway/store/durable_write.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <utility>

namespace parcelgate::store {

namespace {

namespace net = boost::asio;

struct initiate_write {
  store* db;
  std::function<bool()>* work;

  template <class Handler>
  void operator()(Handler&& handler) const {
    using handler_t = std::decay_t<Handler>;
    // std::function needs a copyable callable; the coroutine's handler is move-only.
    auto shared = std::make_shared<handler_t>(std::forward<Handler>(handler));
    // Keeps the I/O context running until the completion is delivered.
    auto ex = net::prefer(net::get_associated_executor(*shared),
                          net::execution::outstanding_work.tracked);
    db->submit_write(std::move(*work), [shared, ex](bool committed) {
      net::post(ex, [shared, committed]() mutable { std::move (*shared)(committed); });
    });
  }
};

}  // namespace

net::awaitable<bool> write_durably(store& db, std::function<bool()> work) {
  // Named initiation object: g++ 12 mishandles temporaries inside co_await expressions.
  const initiate_write initiation{&db, &work};
  const bool committed = co_await net::async_initiate<const net::use_awaitable_t<>&, void(bool)>(
      initiation, net::use_awaitable);
  co_return committed;
}

}  // namespace parcelgate::store
