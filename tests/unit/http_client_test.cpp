#include "gateway/carriers/http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <optional>
#include <string>
#include <thread>

namespace parcelgate::carriers {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// One connection on a loopback port: reads one request (head, then Content-Length bytes of
// body), keeps its exact bytes, answers 200 "ok".
class capture_server {
 public:
  capture_server() : acceptor_(io_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this] {
      tcp::socket socket(io_);
      acceptor_.accept(socket);
      std::string data;
      const auto head_end = net::read_until(socket, net::dynamic_buffer(data), "\r\n\r\n");
      std::size_t length = 0;
      if (auto at = data.find("Content-Length: "); at != std::string::npos && at < head_end)
        length = std::stoul(data.substr(at + 16));
      while (data.size() < head_end + length) {
        char chunk[4096];
        boost::system::error_code ec;
        const auto n = socket.read_some(net::buffer(chunk), ec);
        if (ec) break;
        data.append(chunk, n);
      }
      received = data;
      net::write(socket,
                 net::buffer(std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")));
    });
  }
  ~capture_server() { thread_.join(); }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string received;

 private:
  net::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

result<outbound_response> send_once(outbound_request request) {
  net::io_context io;
  auto client = http_client::create(io, {});
  EXPECT_TRUE(client.has_value());
  std::optional<result<outbound_response>> out;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        out.emplace(co_await (*client)->send(
            std::move(request), std::chrono::steady_clock::now() + std::chrono::seconds(5)));
      },
      net::detached);
  io.run();
  return std::move(*out);
}

TEST(http_client, writes_the_request_head_and_body_as_http_1_1) {
  capture_server server;
  outbound_request request;
  request.method = "POST";
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/sls-ws/generateLabel?x=1";
  request.headers = {{"Content-Type", "application/json"},
                     {"X-Split", "a\r\nInjected: yes"},
                     {"Content-Length", "999"}};  // framing is the client's: this one is dropped
  request.body = "{\"weight\":1.2}";
  auto response = send_once(request);
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ok");
  EXPECT_EQ(server.received,
            "POST /sls-ws/generateLabel?x=1 HTTP/1.1\r\n"
            "Host: 127.0.0.1:" +
                std::to_string(server.port()) +
                "\r\n"
                "User-Agent: parcelgate/0.1\r\n"
                "Content-Type: application/json\r\n"
                "X-Split: a  Injected: yes\r\n"
                "Content-Length: 14\r\n"
                "\r\n"
                "{\"weight\":1.2}");
}

TEST(http_client, a_get_without_a_body_has_no_content_length) {
  capture_server server;
  outbound_request request;
  request.method = "GET";
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/labels/1";
  request.idempotent = true;
  auto response = send_once(request);
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(server.received,
            "GET /labels/1 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
                "\r\nUser-Agent: parcelgate/0.1\r\n\r\n");
}

}  // namespace
}  // namespace parcelgate::carriers
