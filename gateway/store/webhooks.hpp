#pragma once
// What the store keeps for outgoing webhooks (docs/webhooks.md): merchants' endpoints, the
// events announced about their shipments, one delivery per (event, endpoint) and every attempt
// of it. Events are written by database triggers on `shipments` (migration 7 of both stores), in
// the transaction of the change they announce; the dispatcher (webhooks/dispatcher.hpp) reads due
// deliveries and records each attempt's outcome.
//
// Times the dispatcher compares are Unix milliseconds; times the API shows are RFC 3339 text.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parcelgate::store {

struct webhook_endpoint {
  std::string id{};  // "whk_..."
  std::string tenant{};
  std::string url{};
  std::vector<std::string> events{};  // "shipment.created", ...
  std::string secret{};               // "whsec_<base64>": signs every delivery
  // The secret before the last rotation, still signing until previous_secret_until_ms.
  std::string previous_secret{};
  std::int64_t previous_secret_until_ms = 0;
  std::string status = "enabled";  // enabled | disabled (the endpoint answered 410 Gone)
  std::string disabled_reason{};
  std::string created_at{};
  std::string idempotency_key{};  // empty: created without one
  std::string request_hash{};     // of the creating request, to tell a replay from a reuse
};

struct webhook_endpoint_page {
  std::vector<webhook_endpoint> items{};  // newest first
  bool has_more = false;
};

// A delivery due now, with what its attempt needs.
struct webhook_delivery {
  std::int64_t seq = 0;
  std::string event_id{};  // "evt_...": the webhook-id header, the same on every attempt
  std::string event_type{};
  std::string event_created_at{};
  std::string data{};  // the shipment's JSON when the event happened
  int attempts = 0;    // made so far
  std::int64_t created_ms = 0;
  webhook_endpoint endpoint{};
};

// What one attempt gave and what happens next.
struct webhook_attempt_outcome {
  std::int64_t delivery_seq = 0;
  std::string endpoint_id{};
  int attempt = 1;      // 1 for the first
  int status_code = 0;  // 0: no HTTP answer
  std::string error{};  // why it failed ("timeout", "redirect not followed", ...); empty on 2xx
  std::int64_t duration_ms = 0;
  std::string at{};  // RFC 3339
  std::int64_t at_ms = 0;
  // delivered | retry (next_attempt_ms) | failed (given up) | disabled (410: endpoint disabled)
  std::string state{};
  std::int64_t next_attempt_ms = 0;
  std::string next_attempt_at{};
};

// Why an attempt's outcome disables its endpoint (states disabled and failed).
inline std::string disabled_reason(const webhook_attempt_outcome& o) {
  return o.state == "disabled" ? "the endpoint answered 410 Gone at " + o.at
                               : "a delivery failed until it was given up at " + o.at;
}

struct webhook_attempt {
  std::int64_t seq = 0;  // cursor
  std::string event_id{};
  std::string event_type{};
  int attempt = 0;
  int status_code = 0;
  std::string error{};
  std::int64_t duration_ms = 0;
  std::string at{};
  std::string next_attempt_at{};  // empty when none follows
};

struct webhook_attempt_page {
  std::vector<webhook_attempt> items{};  // newest first
  bool has_more = false;
};

struct webhook_queue_stats {
  std::int64_t pending = 0;            // deliveries not yet delivered nor given up
  std::int64_t oldest_pending_ms = 0;  // creation of the oldest one (Unix ms); 0 when none
};

}  // namespace parcelgate::store
