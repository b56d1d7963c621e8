#include "gateway/domain/ids.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <ctime>
#include <stdexcept>

namespace parcelgate {

namespace {

void random_bytes(unsigned char* out, std::size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("CSPRNG failure");
}

// Random bytes for public identifiers, drawn from the CSPRNG in blocks: RAND_bytes takes a lock
// and runs the DRBG per call, which cost more than the 15 bytes an id needs. Ids are public, so
// holding the next ones in memory reveals nothing; secrets (random_base62) never come from here.
void id_random_bytes(unsigned char* out, std::size_t n) {
  struct pool {
    std::array<unsigned char, 480> bytes{};
    std::size_t used = 480;
  };
  thread_local pool p;
  if (n > p.bytes.size()) return random_bytes(out, n);
  if (p.bytes.size() - p.used < n) {
    random_bytes(p.bytes.data(), p.bytes.size());
    p.used = 0;
  }
  std::copy_n(p.bytes.data() + p.used, n, out);
  std::fill_n(p.bytes.data() + p.used, n, static_cast<unsigned char>(0));  // each byte serves once
  p.used += n;
}

std::tm utc(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

}  // namespace

std::string new_id(std::string_view prefix) {
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  std::array<unsigned char, 15> bytes{};
  id_random_bytes(bytes.data(), bytes.size());
  std::string out(prefix);
  out.push_back('_');
  for (unsigned char b : bytes) out.push_back(kAlphabet[b & 31]);
  return out;
}

std::string new_trace_id(std::string_view prefix) {
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  thread_local std::uint64_t state = [] {
    std::uint64_t seed = 0;
    random_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed);
    return seed | 1;
  }();
  std::string out(prefix);
  out.push_back('_');
  for (int round = 0; round < 2; ++round) {
    // xorshift64*
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    std::uint64_t v = state * 0x2545F4914F6CDD1DULL;
    for (int i = 0; i < (round ? 3 : 12); ++i, v >>= 5) out.push_back(kAlphabet[v & 31]);
  }
  return out;
}

std::string random_base62(std::size_t n) {
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    std::array<unsigned char, 32> bytes{};
    random_bytes(bytes.data(), bytes.size());
    for (unsigned char b : bytes) {
      if (b >= 248) continue;  // 248 = 4 * 62: rejection keeps the distribution uniform
      out.push_back(kAlphabet[b % 62]);
      if (out.size() == n) break;
    }
  }
  return out;
}

std::string new_instance_id() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::string name(host.data());
  if (name.empty()) name = "host";
  if (name.size() > 40) name.resize(40);
  return name + "-" + std::to_string(getpid()) + "-" + random_base62(6);
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  auto tm = utc(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view s) {
  // date-time = full-date "T" partial-time time-offset (RFC 3339 §5.6); "t"/"z" allowed too.
  auto digits = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, sec;
  if (!digits(0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' ||
      !digits(8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(11, 2, h) || s[13] != ':' ||
      !digits(14, 2, mi) || s[16] != ':' || !digits(17, 2, sec))
    return std::nullopt;
  std::size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    const std::size_t start = ++at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
    if (at == start) return std::nullopt;  // fractions are accepted and dropped (second precision)
  }
  int offset_min = 0;
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z') && at + 1 == s.size()) {
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
    int oh, om;
    if (!digits(at + 1, 2, oh) || !digits(at + 4, 2, om) || oh > 23 || om > 59) return std::nullopt;
    offset_min = (s[at] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  return std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{std::min(sec, 59)} - std::chrono::minutes{offset_min};
}

std::string iso_date(std::chrono::system_clock::time_point t) {
  auto tm = utc(t);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string sha256_hex(std::string_view data) {
  // Fetched once: OpenSSL 3 resolves EVP_sha256() through its provider lookup on every use,
  // which costs more than hashing a short key.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  // One digest context per thread, reused: EVP_Digest allocates and frees a context (and the
  // provider's state) on every call, which costs more than hashing a short key.
  struct context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~context() { EVP_MD_CTX_free(ctx); }
  };
  static thread_local context local;
  const EVP_MD* md = sha256 ? sha256 : EVP_sha256();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!local.ctx || EVP_DigestInit_ex2(local.ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(local.ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(local.ctx, digest, &len) != 1) {
    len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, md, nullptr);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

bool constant_time_equals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace parcelgate
