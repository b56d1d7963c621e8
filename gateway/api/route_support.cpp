#include "gateway/api/route_support.hpp"

#include "gateway/http/problem.hpp"

namespace parcelgate::api {

http::response problem(const context& ctx, int status, std::string type, std::string title, std::string detail,
                       std::vector<field_error> fields) {
  auto p = http::simple_problem(status, std::move(type), std::move(title), std::move(detail));
  p.errors = std::move(fields);
  return http::problem_response(p, ctx.request_id);
}

http::response validation_failed(const context& ctx, std::vector<field_error> fields) {
  // Counted before the call: argument evaluation order is unspecified and `fields` is moved.
  std::string detail = std::to_string(fields.size()) + " field(s) need attention";
  return problem(ctx, 422, "validation-error", "The request is not valid", std::move(detail), std::move(fields));
}

bool has_media_type(std::string_view content_type, std::string_view media) noexcept {
  auto base = content_type.substr(0, content_type.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  return http::iequals(base, media);
}

}  // namespace parcelgate::api
