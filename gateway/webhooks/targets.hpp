#pragma once
// Where a webhook may be sent (server-side request forgery): a merchant's URL must not make the
// gateway call itself, its network or the cloud's metadata service. Checked when the endpoint is
// registered (the URL's form, a literal address, what its host resolves to now) and again on
// every attempt against what the host resolves to then: the attempt connects to the addresses it
// checked, never resolving twice, so a DNS answer that changes in between (rebinding) cannot
// slip a private address in. `allow_private_targets` (tests, development) lifts both checks and
// allows plain http.

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parcelgate::webhooks {

struct target {
  bool tls = true;
  std::string host;  // a name, or an address (IPv6 without brackets)
  std::uint16_t port = 443;
  std::string path;                                 // path?query, at least "/"
  std::optional<boost::asio::ip::address> literal;  // when the host is an address
};

// Parses and checks the URL's form: https (http only with allow_private), a host, an optional
// port, no user info, no fragment, at most 2048 characters; a literal address must be allowed
// (forbidden_address) and written in its canonical form (2130706433, 0177.0.0.1 and 0x7f.1 are
// refused); "localhost" and names under .localhost are refused. Nullopt with the reason otherwise.
std::optional<target> parse_target(std::string_view url, bool allow_private, std::string* why);

// Loopback, unspecified, RFC 1918, link-local (169.254.0.0/16 with the metadata service,
// fe80::/10), CGNAT 100.64.0.0/10, unique local fc00::/7, multicast, broadcast, reserved and
// benchmarking ranges, and IPv4 addresses embedded in IPv6 (mapped, compatible, NAT64) that are.
bool forbidden_address(const boost::asio::ip::address& a);

// Human text for an address refusal.
std::string refusal(std::string_view host, const boost::asio::ip::address& a);

}  // namespace parcelgate::webhooks
