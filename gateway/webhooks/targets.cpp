#include "gateway/webhooks/targets.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace parcelgate::webhooks {

namespace net = boost::asio;

namespace {

bool in_v4(std::uint32_t a, std::uint32_t net_addr, int bits) {
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a & mask) == (net_addr & mask);
}

constexpr std::uint32_t v4(int a, int b, int c, int d) {
  return (std::uint32_t(a) << 24) | (std::uint32_t(b) << 16) | (std::uint32_t(c) << 8) |
         std::uint32_t(d);
}

bool forbidden_v4(std::uint32_t a) {
  struct range {
    std::uint32_t base;
    int bits;
  };
  static constexpr range kForbidden[] = {
      {v4(0, 0, 0, 0), 8},        // "this network", 0.0.0.0
      {v4(10, 0, 0, 0), 8},       // RFC 1918
      {v4(100, 64, 0, 0), 10},    // CGNAT
      {v4(127, 0, 0, 0), 8},      // loopback
      {v4(169, 254, 0, 0), 16},   // link-local, 169.254.169.254 metadata
      {v4(172, 16, 0, 0), 12},    // RFC 1918
      {v4(192, 0, 0, 0), 24},     // IETF protocol assignments
      {v4(192, 0, 2, 0), 24},     // documentation
      {v4(192, 88, 99, 0), 24},   // 6to4 relay anycast
      {v4(192, 168, 0, 0), 16},   // RFC 1918
      {v4(198, 18, 0, 0), 15},    // benchmarking
      {v4(198, 51, 100, 0), 24},  // documentation
      {v4(203, 0, 113, 0), 24},   // documentation
      {v4(224, 0, 0, 0), 4},      // multicast
      {v4(240, 0, 0, 0), 4},      // reserved, 255.255.255.255 broadcast
  };
  for (const auto& r : kForbidden)
    if (in_v4(a, r.base, r.bits)) return true;
  return false;
}

bool hostname_chars(std::string_view host) {
  for (char c : host)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.'))
      return false;
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

bool forbidden_address(const net::ip::address& a) {
  if (a.is_v4()) return forbidden_v4(a.to_v4().to_uint());
  const auto b = a.to_v6().to_bytes();
  const auto embedded = [&] { return v4(b[12], b[13], b[14], b[15]); };
  bool zero96 = true;  // ::/96: unspecified, loopback, IPv4-compatible
  for (int i = 0; i < 12; ++i) zero96 = zero96 && b[i] == 0;
  if (zero96) return true;
  bool mapped = b[10] == 0xff && b[11] == 0xff;  // ::ffff:a.b.c.d
  for (int i = 0; i < 10; ++i) mapped = mapped && b[i] == 0;
  if (mapped) return forbidden_v4(embedded());
  // 64:ff9b::/96 NAT64
  bool nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b;
  for (int i = 4; i < 12; ++i) nat64 = nat64 && b[i] == 0;
  if (nat64) return forbidden_v4(embedded());
  if ((b[0] & 0xfe) == 0xfc) return true;                  // fc00::/7 unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;  // fe80::/10 link-local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return true;  // fec0::/10 site-local
  if (b[0] == 0xff) return true;                           // multicast
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return true;      // docs
  if (b[0] == 0x20 && b[1] == 0x02) return forbidden_v4(v4(b[2], b[3], b[4], b[5]));  // 6to4
  return false;
}

std::string refusal(std::string_view host, const net::ip::address& a) {
  const std::string addr = a.to_string();
  return (host == addr ? addr : std::string(host) + " resolves to " + addr) +
         ", a loopback, private, link-local or reserved address; webhooks go to public hosts";
}

std::optional<target> parse_target(std::string_view url, bool allow_private, std::string* why) {
  auto no = [why](std::string text) -> std::optional<target> {
    if (why) *why = std::move(text);
    return std::nullopt;
  };
  if (url.size() > 2048) return no("must be at most 2048 characters");
  target t;
  const std::string scheme = lower(url.substr(0, url.find(':')));
  if (scheme == "https" && url.substr(5).starts_with("://")) {
    url.remove_prefix(8);
  } else if (scheme == "http" && url.substr(4).starts_with("://")) {
    if (!allow_private) return no("must be an https URL");
    t.tls = false;
    t.port = 80;
    url.remove_prefix(7);
  } else {
    return no("must be an absolute https URL (https://host/path)");
  }
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return no("must not contain spaces or control or non-ASCII characters (percent-encode them)");
  if (url.find('#') != std::string_view::npos) return no("must not have a fragment (#...)");
  const auto path_at = url.find_first_of("/?");
  const std::string_view authority = url.substr(0, path_at);
  t.path = path_at == std::string_view::npos ? "/" : std::string(url.substr(path_at));
  if (t.path.front() == '?') t.path.insert(t.path.begin(), '/');
  if (authority.find('@') != std::string_view::npos)
    return no("must not carry user information (user:password@)");
  std::string_view host = authority, port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return no("has an unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) return no("has characters after the IPv6 address");
      port = rest.substr(1);
    }
    boost::system::error_code ec;
    const auto a = net::ip::make_address_v6(std::string(host), ec);
    if (ec) return no("has an invalid IPv6 address");
    t.literal = net::ip::address(a);
  } else {
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
  }
  if (host.empty()) return no("must name a host");
  if (!port.empty()) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535)
      return no("has an invalid port");
    t.port = static_cast<std::uint16_t>(value);
  }
  t.host = lower(host);
  if (!t.literal) {
    if (!hostname_chars(t.host)) return no("has an invalid host name");
    // What inet_aton takes for an address: a canonical dotted quad is an address; any other
    // numeric form (2130706433, 0177.0.0.1, 0x7f.1, 127.1) is refused, whatever it points to.
    in_addr parsed{};
    if (::inet_aton(t.host.c_str(), &parsed) != 0) {
      boost::system::error_code ec;
      const auto a = net::ip::make_address_v4(t.host, ec);
      const net::ip::address_v4 decoded(ntohl(parsed.s_addr));
      if (ec || a != decoded)
        return no("writes the address " + decoded.to_string() +
                  " in a non-canonical form; write it as a dotted quad (and only a public one)");
      t.literal = net::ip::address(a);
    } else {
      std::string_view name = t.host;
      if (name.ends_with('.')) name.remove_suffix(1);
      if (!allow_private && (name == "localhost" || name.ends_with(".localhost")))
        return no("names the gateway's own host (localhost)");
    }
  }
  if (t.literal && !allow_private && forbidden_address(*t.literal))
    return no("points at " + refusal(t.host, *t.literal));
  return t;
}

}  // namespace parcelgate::webhooks
