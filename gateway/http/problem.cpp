#include "gateway/http/problem.hpp"

#include <boost/json.hpp>

namespace parcelgate::http {

std::string problem_body(const problem& p, std::string_view request_id) {
  boost::json::object o;
  o["type"] = "/problems/" + p.type;
  o["title"] = p.title;
  o["status"] = p.status;
  o["detail"] = p.detail;
  o["request_id"] = request_id;
  if (!p.errors.empty()) {
    boost::json::array list;
    for (const auto& f : p.errors)
      list.push_back(boost::json::object{{"field", f.field}, {"message", f.message}});
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

}  // namespace parcelgate::http
