#include "gateway/webhooks/signing.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <boost/json.hpp>

#include <array>
#include <stdexcept>

namespace parcelgate::webhooks {

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '+' || c == '/';
    const bool pad =
        c == '=' && (i + 1 == text.size() || (i + 2 == text.size() && text.back() == '='));
    if (!alpha && !pad) return std::nullopt;
  }
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  std::size_t size = static_cast<std::size_t>(n);
  if (text.ends_with("=="))
    size -= 2;
  else if (text.ends_with("="))
    size -= 1;
  out.resize(size);
  return out;
}

std::string new_secret() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("CSPRNG failure");
  return "whsec_" +
         base64_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string sign(std::string_view secret, std::string_view id, std::int64_t timestamp,
                 std::string_view body) {
  std::string key(secret);
  if (secret.starts_with("whsec_"))
    if (auto decoded = base64_decode(secret.substr(6))) key = std::move(*decoded);
  std::string message;
  message.reserve(id.size() + body.size() + 24);
  message.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &size))
    throw std::runtime_error("HMAC-SHA256 failed");
  return "v1," + base64_encode(std::string_view(reinterpret_cast<const char*>(mac), size));
}

std::string signature_header(const store::webhook_endpoint& endpoint, std::string_view id,
                             std::int64_t timestamp, std::string_view body, std::int64_t now_ms) {
  std::string out = sign(endpoint.secret, id, timestamp, body);
  if (!endpoint.previous_secret.empty() && endpoint.previous_secret_until_ms > now_ms)
    out += " " + sign(endpoint.previous_secret, id, timestamp, body);
  return out;
}

std::string event_body(const store::webhook_delivery& d) {
  std::string out = "{\"id\":";
  out += boost::json::serialize(boost::json::value(d.event_id));
  out += ",\"type\":";
  out += boost::json::serialize(boost::json::value(d.event_type));
  out += ",\"created_at\":";
  out += boost::json::serialize(boost::json::value(d.event_created_at));
  out += ",\"data\":";
  out += d.data;  // the shipment's stored JSON, as the API serves it
  out += "}";
  return out;
}

}  // namespace parcelgate::webhooks
