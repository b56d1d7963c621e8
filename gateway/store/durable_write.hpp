#pragma once
// Coroutine side of store::submit_write: queue a write for the store's writer thread and resume
// on the caller's executor once the group commit that carried it is on stable storage.

#include <boost/asio/awaitable.hpp>

#include <functional>

#include "gateway/store/store.hpp"

namespace parcelgate::store {

// Runs `work` on the writer inside a shared transaction (see store::submit_write). Returns true
// once that transaction is durable, false when it failed (nothing of `work` was kept).
boost::asio::awaitable<bool> write_durably(store& db, std::function<bool()> work);

}  // namespace parcelgate::store
