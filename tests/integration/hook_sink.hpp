#pragma once
// A merchant's webhook endpoint for integration tests: a loopback HTTP server in the test process
// that records the bodies POSTed to it and answers 200.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace pgtest {

// Records the bodies POSTed to it and answers 200: a merchant's webhook endpoint.
class hook_sink {
 public:
  hook_sink() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("hook sink: cannot listen");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~hook_sink() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  // The events received of `type`, as JSON objects.
  std::vector<boost::json::object> events(const std::string& type) const {
    std::lock_guard lock(mutex_);
    std::vector<boost::json::object> out;
    for (const auto& b : bodies_) {
      boost::system::error_code ec;
      auto v = boost::json::parse(b, ec);
      if (!ec && v.is_object() && string_at(v.as_object(), "type") == type)
        out.push_back(v.as_object());
    }
    return out;
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      timeval tv{.tv_sec = 5, .tv_usec = 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::string data;
      char buf[8192];
      std::size_t end = std::string::npos, length = 0;
      for (;;) {
        const auto n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        data.append(buf, static_cast<std::size_t>(n));
        if (end == std::string::npos && (end = data.find("\r\n\r\n")) != std::string::npos) {
          std::string head = data.substr(0, end);
          for (auto& ch : head)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          const auto at = head.find("content-length:");
          if (at != std::string::npos) length = std::stoul(head.substr(at + 15));
        }
        if (end != std::string::npos && data.size() >= end + 4 + length) break;
      }
      if (end != std::string::npos) {
        std::lock_guard lock(mutex_);
        bodies_.push_back(data.substr(end + 4));
      }
      const std::string answer =
          "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      ::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> bodies_;
};

}  // namespace pgtest
