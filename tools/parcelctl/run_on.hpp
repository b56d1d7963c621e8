#pragma once
// Runs one PostgreSQL store operation (a coroutine) to completion on a private io_context, for
// the commands that use the PostgreSQL store synchronously.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <future>

namespace parcelgate::parcelctl {

template <class T>
T run_on(boost::asio::io_context& io, boost::asio::awaitable<T> op) {
  auto f = boost::asio::co_spawn(io, std::move(op), boost::asio::use_future);
  while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(10));
  }
  return f.get();
}

}  // namespace parcelgate::parcelctl
