#pragma once
// Identifiers, secrets and timestamps.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace parcelgate {

// "<prefix>_" + 15 characters of lowercase Crockford base32 (75 random bits) from the OS CSPRNG.
// The random part, uppercased, is also a valid carrier reference ([0-9A-Z], 15 chars).
std::string new_id(std::string_view prefix);
// Like new_id but from a per-thread generator seeded by the CSPRNG: unique and cheap, not
// unguessable. For request ids, never for objects or secrets.
std::string new_trace_id(std::string_view prefix);
// `n` characters of base62 from the OS CSPRNG.
std::string random_base62(std::size_t n);
// This process's id among the gateways sharing a store, unique across hosts and restarts:
// "<host name>-<pid>-<6 base62>" (host name cut to 40 characters).
std::string new_instance_id();
// RFC 3339 UTC with seconds ("2026-11-27T10:00:00Z").
std::string rfc3339(std::chrono::system_clock::time_point t);
// Any RFC 3339 date-time ("2026-11-27T11:00:00+01:00", fractions dropped); nullopt when malformed.
std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text);
inline std::string now_rfc3339() {
  return rfc3339(std::chrono::system_clock::now());
}
// "2026-11-27"
std::string iso_date(std::chrono::system_clock::time_point t);
// Lowercase hex SHA-256.
std::string sha256_hex(std::string_view data);
// Constant-time comparison of equal-length secrets.
bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

}  // namespace parcelgate
