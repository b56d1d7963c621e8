#include "gateway/domain/push_inbox.hpp"

#include <boost/json.hpp>

#include <map>
#include <vector>

#include "gateway/carriers/registry.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/timeline.hpp"
#include "gateway/domain/tracking_service.hpp"
#include "gateway/http/message.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace parcelgate {

namespace {

bool credential_header(std::string_view name) {
  const auto is = [&](std::string_view other) {
    if (name.size() != other.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(name[i])) != other[i]) return false;
    return true;
  };
  return is("authorization") || is("cookie") || is("proxy-authorization");
}

std::string headers_json(const std::vector<http::header>& headers) {
  boost::json::object o;
  for (const auto& h : headers)
    if (!credential_header(h.name)) o[h.name] = h.value;
  return boost::json::serialize(o);
}

std::vector<http::header> headers_from_json(std::string_view text) {
  std::vector<http::header> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [k, value] : v.as_object())
    if (value.is_string())
      out.push_back({.name = std::string(k), .value = std::string(value.as_string())});
  return out;
}

std::string label(std::string_view carrier, std::string_view outcome) {
  return telemetry::metric_labels({{"carrier", carrier}, {"outcome", outcome}});
}

}  // namespace

std::string without_token(std::string_view query) {
  std::string out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part == "token" || part.starts_with("token=") || part.empty()) continue;
    if (!out.empty()) out += '&';
    out += part;
  }
  return out;
}

push_inbox::check push_inbox::authenticate(std::string_view carrier,
                                           const carriers::inbound_push& push,
                                           std::string_view token) const {
  const auto* c = carriers_.find(carrier);
  if (!c || !c->adapter->caps().tracking_push) return check::unknown_carrier;
  switch (c->adapter->verify_push(push)) {
    case carriers::push_auth::verified:
      return check::accepted;
    case carriers::push_auth::refused:
      return check::refused;
    case carriers::push_auth::no_scheme:
      break;
  }
  const auto it = c->settings.find("push_token");
  if (it == c->settings.end() || it->second.empty()) return check::not_enabled;
  // Compared in constant time whatever the lengths (constant_time_equals is, on equal lengths):
  // the digests have one length.
  return !token.empty() && constant_time_equals(sha256_hex(token), sha256_hex(it->second))
             ? check::accepted
             : check::refused;
}

boost::asio::awaitable<result<push_inbox::recorded>> push_inbox::record(
    std::string carrier, carriers::inbound_push push) {
  const std::string digest = sha256_hex(push.body);
  const std::string headers = headers_json(push.headers);
  const std::string query = without_token(push.query);
  const std::string now = now_rfc3339();
  auto stored = co_await db_.record_push(carrier, digest, headers, query, push.body, now);
  if (!stored) co_return std::unexpected(stored.error());
  metrics_.add("parcelgate_carrier_pushes_total", label(carrier, *stored ? "recorded" : "replay"));
  co_return *stored ? recorded::stored : recorded::duplicate;
}

boost::asio::awaitable<int> push_inbox::process(int limit) {
  auto claimed = co_await db_.claim_pushes(limit, kClaimMs);
  if (!claimed) {
    telemetry::log_warn("carrier pushes: cannot claim", {{"cause", claimed.error().message}});
    co_return 0;
  }
  std::vector<store::push_done> done;
  for (const auto& p : *claimed) {
    const auto* c = carriers_.find(p.carrier);
    if (!c) {
      // Its carrier was removed from the config: kept for inspection, retried if it comes back.
      if (p.attempts >= kMaxAttempts)
        done.push_back({.id = p.id, .failed = true, .outcome = "carrier not configured"});
      continue;
    }
    const carriers::inbound_push raw{
        .headers = headers_from_json(p.headers_json), .body = p.body, .query = p.query};
    auto parsed = c->adapter->parse_push(raw);
    if (!parsed) {
      std::string why = parsed.error().message;
      for (const auto& f : parsed.error().fields) why += "; " + f.field + ": " + f.message;
      done.push_back({.id = p.id, .failed = true, .outcome = "unreadable: " + why});
      metrics_.add("parcelgate_carrier_pushes_processed_total", label(p.carrier, "unreadable"));
      telemetry::log_warn(
          "carrier push unreadable (kept, marked failed)",
          {{"carrier", p.carrier}, {"push", static_cast<std::int64_t>(p.id)}, {"cause", why}});
      continue;
    }
    std::map<std::string, std::vector<timeline_event>> by_number;
    for (const auto& e : parsed->events)
      by_number[e.tracking_number].push_back(from_carrier_event(e, "carrier_push"));
    std::vector<std::string> numbers;
    for (const auto& [n, events] : by_number) numbers.push_back(n);
    std::string outcome = parsed->kind.empty() ? "" : parsed->kind + ": ";
    bool retry = false;
    if (numbers.empty()) {
      outcome += "no scan";
    } else {
      auto found = co_await db_.match_tracking_numbers(p.carrier, numbers);
      if (!found) {
        retry = true;
      } else {
        int applied = 0, unknown = 0;
        std::map<std::string, std::string> shipment_of(found->begin(), found->end());
        for (const auto& [number, events] : by_number) {
          auto it = shipment_of.find(number);
          if (it == shipment_of.end()) {
            ++unknown;  // not bought through this gateway: nothing to attach it to
            continue;
          }
          auto merged = co_await tracking_.apply("", it->second, events);
          if (!merged) {
            retry = merged.error().kind != error_kind::not_found;
            if (retry) break;
            ++unknown;
            continue;
          }
          applied += static_cast<int>(merged->added.size());
        }
        outcome += std::to_string(applied) + " new event(s)";
        if (unknown > 0) outcome += ", " + std::to_string(unknown) + " unknown tracking number(s)";
      }
    }
    if (retry) {
      if (p.attempts >= kMaxAttempts) {
        done.push_back({.id = p.id, .failed = true, .outcome = "store unavailable, gave up"});
        metrics_.add("parcelgate_carrier_pushes_processed_total", label(p.carrier, "failed"));
      }
      continue;  // claimed again once the claim ends
    }
    done.push_back({.id = p.id, .failed = false, .outcome = outcome});
    metrics_.add("parcelgate_carrier_pushes_processed_total", label(p.carrier, "processed"));
  }
  if (done.empty()) co_return 0;
  auto finished = co_await db_.finish_pushes(done);
  if (!finished) {
    telemetry::log_warn(
        "carrier pushes: cannot mark processed (they are processed again later; "
        "scans are deduplicated)",
        {{"cause", finished.error().message}});
    co_return 0;
  }
  co_return static_cast<int>(done.size());
}

}  // namespace parcelgate
