// HTTP/1.1 framing that a client controls (RFC 9112 §6 and §7, RFC 9110 §9.3.2): chunk
// extensions and trailers are bounded, transfer codings other than a lone "chunked" are refused
// (no request smuggling), malformed chunks get a 400, HEAD is answered with headers only, the
// connection limit answers 503, and routing happens on the raw path so an encoded slash stays
// inside its segment.

#include <gtest/gtest.h>

#include <string>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::connection;
using pgtest::describe;
using pgtest::expect_problem;
using pgtest::stack;
using pgtest::stack_options;

struct raw_answer {
  std::string bytes;
  bool closed = false;
  int responses() const {
    int n = 0;
    for (auto at = bytes.find("HTTP/1.1 "); at != std::string::npos;
         at = bytes.find("HTTP/1.1 ", at + 1))
      ++n;
    return n;
  }
  int first_status() const {
    return bytes.starts_with("HTTP/1.1 ") ? std::atoi(bytes.substr(9, 3).c_str()) : 0;
  }
};

class http_framing : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }
  void start(stack_options options) {
    env_ = std::make_unique<stack>(std::move(options));
    key_ = env_->create_key("acme", "merchant");
  }
  void TearDown() override {
    ASSERT_TRUE(env_);
    EXPECT_EQ(env_->call("GET", "/healthz", "").status, 200) << "the gateway did not survive";
  }
  std::string host() const {
    return env_->gateway_url().substr(env_->gateway_url().rfind('/') + 1);
  }

  // Sends `bytes` on a fresh TLS connection and reads until the server closes it.
  raw_answer exchange(const std::string& bytes,
                      std::chrono::milliseconds wait = std::chrono::seconds(8)) {
    connection c(env_->gateway_url(), env_->ca_file());
    EXPECT_TRUE(c.is_open()) << c.error();
    c.write_raw(bytes);
    raw_answer a;
    a.bytes = c.read_until_close(wait, &a.closed);
    return a;
  }
  std::string post_head(const std::string& extra) const {
    return "POST /v1/rates HTTP/1.1\r\nHost: " + host() + "\r\nAuthorization: Bearer " + key_ +
           "\r\nContent-Type: application/json\r\n" + extra + "\r\n";
  }

  std::unique_ptr<stack> env_;
  std::string key_;
};

TEST_F(http_framing, a_chunk_extension_that_never_ends_is_refused_with_431_and_closed) {
  // 2 MiB of one chunk extension: without a bound the server buffers it all and waits for more.
  auto a = exchange(post_head("Transfer-Encoding: chunked\r\n") +
                    "1;ext=" + std::string(2 * 1024 * 1024, 'a'));
  EXPECT_EQ(a.first_status(), 431) << a.bytes.substr(0, 300);
  EXPECT_TRUE(a.closed);
  EXPECT_NE(a.bytes.find("application/problem+json"), std::string::npos);
}

TEST_F(http_framing, a_huge_trailer_section_is_refused_with_431) {
  std::string trailer;
  while (trailer.size() < 1024 * 1024)
    trailer += "X-Trailer-" + std::to_string(trailer.size()) + ": value\r\n";
  auto a = exchange(post_head("Transfer-Encoding: chunked\r\n") + "2\r\n{}\r\n0\r\n" + trailer);
  EXPECT_EQ(a.first_status(), 431) << a.bytes.substr(0, 300);
  EXPECT_TRUE(a.closed);
}

TEST_F(http_framing, a_malformed_chunk_size_gets_400_before_the_close) {
  auto a = exchange(post_head("Transfer-Encoding: chunked\r\n") + "zz\r\n{}\r\n0\r\n\r\n");
  EXPECT_EQ(a.first_status(), 400) << a.bytes.substr(0, 300);
  EXPECT_TRUE(a.closed);
}

TEST_F(http_framing,
       a_transfer_coding_other_than_chunked_is_400_and_its_body_never_runs_as_a_request) {
  // The body is a complete second request: a server that took "gzip" as "no body" would answer it.
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: " + host() + "\r\n\r\n";
  for (const char* coding :
       {"gzip", "chunked, gzip", "gzip, chunked", "chunked, chunked", "identity"}) {
    SCOPED_TRACE(coding);
    auto a = exchange(post_head(std::string("Transfer-Encoding: ") + coding + "\r\n") + smuggled);
    EXPECT_EQ(a.first_status(), 400) << a.bytes.substr(0, 300);
    EXPECT_EQ(a.responses(), 1) << "the body was served as a second request:\n" << a.bytes;
    EXPECT_TRUE(a.closed);
  }
}

TEST_F(http_framing, transfer_encoding_with_content_length_is_refused) {
  auto a = exchange(post_head("Transfer-Encoding: chunked\r\nContent-Length: 7\r\n") +
                    "2\r\n{}\r\n0\r\n\r\n");
  EXPECT_EQ(a.first_status(), 400) << a.bytes.substr(0, 300);
  EXPECT_EQ(a.responses(), 1);
}

TEST_F(http_framing, a_well_formed_chunked_body_is_read) {
  const std::string body = pgtest::shipment_body("colissimo", "order-chunked");
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  const std::string head = "POST /v1/shipments HTTP/1.1\r\nHost: " + host() +
                           "\r\nAuthorization: Bearer " + key_ +
                           "\r\nIdempotency-Key: chunked-1\r\nContent-Type: application/json\r\n"
                           "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  auto a = exchange(head + size + ";name=value\r\n" + body + "\r\n0\r\nX-Checksum: none\r\n\r\n");
  EXPECT_EQ(a.first_status(), 201) << a.bytes.substr(0, 500);
  EXPECT_EQ(a.responses(), 1);
}

TEST_F(http_framing, head_answers_the_get_head_without_a_body_and_keeps_the_connection_usable) {
  auto get = env_->call("GET", "/healthz", "");
  ASSERT_EQ(get.status, 200);
  auto a = exchange("HEAD /healthz HTTP/1.1\r\nHost: " + host() + "\r\n\r\n" +
                    "GET /healthz HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(a.first_status(), 200) << a.bytes;
  ASSERT_EQ(a.responses(), 2) << a.bytes;
  const auto head_end = a.bytes.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  const std::string head = a.bytes.substr(0, head_end);
  EXPECT_NE(head.find("Content-Length: " + std::to_string(get.body.size())), std::string::npos)
      << head;
  // The second response starts right after the first head: no body was sent for HEAD.
  EXPECT_EQ(a.bytes.compare(head_end + 4, 9, "HTTP/1.1 "), 0) << a.bytes;
  EXPECT_TRUE(a.bytes.ends_with(get.body)) << a.bytes;
}

TEST_F(http_framing, head_is_served_on_authenticated_get_routes) {
  auto created =
      env_->call("POST", "/v1/shipments", key_, pgtest::shipment_body("colissimo", "order-head"),
                 {{"Idempotency-Key", "head-1"}});
  ASSERT_EQ(created.status, 201) << describe(created);
  const std::string id = pgtest::string_at(pgtest::parse_object(created.body), "id");
  auto a = exchange("HEAD /v1/shipments/" + id + "/label HTTP/1.1\r\nHost: " + host() +
                    "\r\nAuthorization: Bearer " + key_ + "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(a.first_status(), 200) << a.bytes;
  EXPECT_NE(a.bytes.find("Content-Type: application/pdf"), std::string::npos) << a.bytes;
  EXPECT_TRUE(a.bytes.ends_with("\r\n\r\n")) << "HEAD sent a body";
  auto missing = exchange("HEAD /v1/shipments/shp_000000000000000 HTTP/1.1\r\nHost: " + host() +
                          "\r\nAuthorization: Bearer " + key_ + "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(missing.first_status(), 404);
  EXPECT_TRUE(missing.bytes.ends_with("\r\n\r\n")) << "a HEAD error answer sent a body";
}

TEST_F(http_framing, an_encoded_slash_stays_inside_its_segment) {
  auto created =
      env_->call("POST", "/v1/shipments", key_, pgtest::shipment_body("colissimo", "order-slash"),
                 {{"Idempotency-Key", "slash-1"}});
  ASSERT_EQ(created.status, 201) << describe(created);
  const std::string id = pgtest::string_at(pgtest::parse_object(created.body), "id");
  for (const std::string& target :
       {"/v1/shipments/" + id + "%2Fcancel", "/v1/shipments/" + id + "%2fcancel",
        "/v1//shipments/" + id + "/cancel", "//v1/shipments/" + id + "/cancel"}) {
    SCOPED_TRACE(target);
    auto r = env_->call("POST", target, key_);
    EXPECT_EQ(r.status, 404) << describe(r);
  }
  auto read = env_->call("GET", "/v1/shipments/" + id, key_);
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(read.body), "status"), "label_created")
      << "the shipment was cancelled";
  // Percent-encoded ordinary characters still address the same resource.
  EXPECT_EQ(env_->call("GET", "/v1/%73hipments/" + id, key_).status, 200);
}

TEST_F(http_framing, connections_over_the_limit_get_503_with_retry_after) {
  stack_options o;
  o.max_connections = 2;
  start(o);
  {
    connection a(env_->gateway_url(), env_->ca_file()), b(env_->gateway_url(), env_->ca_file());
    ASSERT_TRUE(a.is_open() && b.is_open());
    ASSERT_EQ(a.send("GET", "/healthz").status, 200);  // both are served and held open
    ASSERT_EQ(b.send("GET", "/healthz").status, 200);
    connection c(env_->gateway_url(), env_->ca_file());
    ASSERT_TRUE(c.is_open()) << c.error();
    auto refused = c.read_response(std::chrono::seconds(5));
    expect_problem(refused, 503, "service-unavailable");
    EXPECT_EQ(refused.header("retry-after"), "1");
  }
  // Once the held connections are gone, new ones are served again.
  EXPECT_TRUE(pgtest::eventually([&] { return env_->call("GET", "/healthz", "").status == 200; },
                                 std::chrono::seconds(5)));
}

}  // namespace
