#pragma once
// Standard Webhooks signing (https://www.standardwebhooks.com): secrets, signatures and the
// event body every delivery carries. docs/webhooks.md shows how a receiver verifies them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/store/webhooks.hpp"

namespace parcelgate::webhooks {

std::string base64_encode(std::string_view bytes);
// Standard alphabet with padding; nullopt when `text` is not that.
std::optional<std::string> base64_decode(std::string_view text);

// "whsec_" + base64 of 32 bytes from the OS CSPRNG.
std::string new_secret();

// "v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>", where the key is the
// base64-decoded part of `secret` after "whsec_" (a secret without that prefix, or not base64, is
// used as it is).
std::string sign(std::string_view secret, std::string_view id, std::int64_t timestamp,
                 std::string_view body);

// The webhook-signature header: the current secret's signature, then, while the previous secret
// is within its grace period at `now_ms`, the previous secret's, separated by a space.
std::string signature_header(const store::webhook_endpoint& endpoint, std::string_view id,
                             std::int64_t timestamp, std::string_view body, std::int64_t now_ms);

// {"id": "evt_...", "type": "shipment.created", "created_at": "...", "data": {shipment}}: the same
// bytes on every attempt of a delivery.
std::string event_body(const store::webhook_delivery& delivery);

}  // namespace parcelgate::webhooks
