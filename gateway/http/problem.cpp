#include "gateway/http/problem.hpp"

#include <boost/json.hpp>

namespace parcelgate::http {

int status_for(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::invalid_request: return 422;
    case error_kind::unsupported: return 422;
    case error_kind::rejected: return 422;
    case error_kind::auth_failed: return 502;
    case error_kind::bad_gateway: return 502;
    case error_kind::not_found: return 404;
    case error_kind::conflict: return 409;
    case error_kind::rate_limited: return 503;
    case error_kind::unavailable: return 503;
    case error_kind::timeout: return 504;
    case error_kind::internal: return 500;
  }
  return 500;
}

problem from_error(const error& e) {
  problem p;
  p.status = status_for(e.kind);
  p.detail = e.message;
  p.errors = e.fields;
  p.retry_after_s = e.retry_after_s;
  switch (e.kind) {
    case error_kind::invalid_request: p.type = "validation-error", p.title = "The request is not valid"; break;
    case error_kind::unsupported: p.type = "unsupported", p.title = "The carrier does not support this"; break;
    case error_kind::rejected: p.type = "carrier-rejected", p.title = "The carrier refused the request"; break;
    case error_kind::auth_failed:
      p.type = "carrier-auth-failed", p.title = "The carrier rejected the gateway's credentials"; break;
    case error_kind::bad_gateway: p.type = "carrier-bad-response", p.title = "The carrier sent an unusable answer"; break;
    case error_kind::not_found: p.type = "not-found", p.title = "Not found"; break;
    case error_kind::conflict: p.type = "conflict", p.title = "The resource's state does not allow this"; break;
    case error_kind::rate_limited: p.type = "carrier-rate-limited", p.title = "The carrier is throttling requests"; break;
    case error_kind::unavailable: p.type = "carrier-unavailable", p.title = "The carrier is unavailable"; break;
    case error_kind::timeout: p.type = "carrier-timeout", p.title = "The carrier did not answer in time"; break;
    case error_kind::internal:
      p.type = "internal-error", p.title = "Internal error";
      p.detail = "an internal error occurred; quote the request id when reporting it";
      break;
  }
  if ((e.kind == error_kind::rate_limited || e.kind == error_kind::unavailable) && p.retry_after_s == 0)
    p.retry_after_s = e.kind == error_kind::rate_limited ? 30 : 10;
  if (!e.carrier.empty()) {
    boost::json::object c{{"id", e.carrier}};
    if (!e.carrier_code.empty()) c["code"] = e.carrier_code;
    if (!e.carrier_message.empty() && e.kind != error_kind::internal) c["message"] = e.carrier_message;
    p.extensions.emplace_back("carrier", boost::json::serialize(c));
  }
  return p;
}

std::string problem_body(const problem& p, std::string_view request_id) {
  boost::json::object o;
  o["type"] = "/problems/" + p.type;
  o["title"] = p.title;
  o["status"] = p.status;
  o["detail"] = p.detail;
  o["request_id"] = request_id;
  if (!p.errors.empty()) {
    boost::json::array list;
    for (const auto& f : p.errors) list.push_back(boost::json::object{{"field", f.field}, {"message", f.message}});
    o["errors"] = std::move(list);
  }
  for (const auto& [key, json] : p.extensions) {
    boost::system::error_code ec;
    auto v = boost::json::parse(json, ec);
    if (!ec) o[key] = std::move(v);
  }
  return boost::json::serialize(o);
}

response problem_response(const problem& p, std::string_view request_id) {
  response r = response::text(p.status, problem_body(p, request_id), "application/problem+json");
  if (p.retry_after_s > 0) r.fields.push_back({"Retry-After", std::to_string(p.retry_after_s)});
  return r;
}

problem simple_problem(int status, std::string type, std::string title, std::string detail) {
  problem p;
  p.status = status;
  p.type = std::move(type);
  p.title = std::move(title);
  p.detail = std::move(detail);
  return p;
}

}  // namespace parcelgate::http
