#pragma once
// RFC 9457 problem details: the one place where errors become HTTP statuses and bodies.
// Bodies never carry internals (SQL, file paths, stack); those go to the log with the request id.

#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/http/message.hpp"

namespace parcelgate::http {

struct problem {
  int status = 500;
  std::string type;     // short slug, rendered as "/problems/<slug>"
  std::string title;
  std::string detail;
  std::vector<field_error> errors;
  int retry_after_s = 0;
  // Extra members (already-serialized JSON values), e.g. {"shipment_id", "\"shp_...\""}.
  std::vector<std::pair<std::string, std::string>> extensions;
};

// HTTP status for an error kind (DESIGN §2.2).
int status_for(error_kind kind) noexcept;
problem from_error(const error& e);
std::string problem_body(const problem& p, std::string_view request_id);
response problem_response(const problem& p, std::string_view request_id);
inline response problem_response(const error& e, std::string_view request_id) {
  return problem_response(from_error(e), request_id);
}
// A problem for a client mistake that has no domain error (missing header, bad JSON...).
problem simple_problem(int status, std::string type, std::string title, std::string detail);

}  // namespace parcelgate::http
