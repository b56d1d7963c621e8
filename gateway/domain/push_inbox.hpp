#pragma once
// Carrier pushes (DESIGN §4, POST /v1/carriers/{carrier}/events): what a carrier sends is
// authenticated, recorded durably as it arrived, acknowledged, and only then parsed and applied,
// so that a slow or failing store of scans never makes a carrier retry or give up, and a push
// is never lost between its acknowledgement and its processing.
//
// - Authentication: the carrier's own scheme where it publishes one (adapter verify_push);
//   otherwise the carrier's `push_token` setting, presented as `?token=` or `Authorization:
//   Bearer`, compared in constant time. A carrier without either accepts no push.
// - Recording: the raw body and its headers (credentials removed), once per carrier and body
//   digest, so a replayed or duplicated push is recorded once and answered the same.
// - Processing (process(), a local duty on every instance): claims recorded pushes in the store
//   (a claim lasts kClaimMs, so a push whose processor died is taken again), parses them with
//   the adapter (parse_push), applies their events through tracking_service (source
//   carrier_push), and marks them processed, with what happened, for operators. A push whose
//   body cannot be read is marked failed at once; one that keeps failing for want of the store
//   is retried on later claims and marked failed after kMaxAttempts.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/carriers/adapter.hpp"
#include "gateway/domain/error.hpp"

namespace parcelgate {

namespace store {
class async_store;
}
namespace carriers {
class registry;
}
namespace telemetry {
class metrics;
}
class tracking_service;

class push_inbox {
 public:
  static constexpr int kMaxAttempts = 10;
  static constexpr std::int64_t kClaimMs = 60'000;

  enum class check {
    accepted,
    unknown_carrier,  // no such carrier configured, or it does not push
    not_enabled,      // the carrier publishes no scheme and no push_token is configured
    refused,          // wrong or missing credentials, or the carrier's signature did not check
  };
  enum class recorded { stored, duplicate };

  push_inbox(store::async_store& db, const carriers::registry& carriers, tracking_service& tracking,
             telemetry::metrics& metrics)
      : db_(db), carriers_(carriers), tracking_(tracking), metrics_(metrics) {}

  // Who may push to `carrier`: `token` is what the request presented (query or bearer), empty
  // when nothing.
  check authenticate(std::string_view carrier, const carriers::inbound_push& push,
                     std::string_view token) const;

  // Records an authenticated push durably (headers minus credentials; `push.query` minus the
  // token). Replays come back as `duplicate`.
  boost::asio::awaitable<result<recorded>> record(std::string carrier, carriers::inbound_push push);

  // Claims up to `limit` recorded pushes and processes them. Returns how many were finished.
  boost::asio::awaitable<int> process(int limit);

 private:
  store::async_store& db_;
  const carriers::registry& carriers_;
  tracking_service& tracking_;
  telemetry::metrics& metrics_;
};

// `query` without its `token` parameter (the push token is never stored).
std::string without_token(std::string_view query);

}  // namespace parcelgate
