#pragma once
// RFC 9457 problem details: the wire format only. Which error gets which status and body is
// decided in api/problems.cpp. Bodies never carry internals (SQL, file paths, stack); those go
// to the log with the request id.

#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/http/message.hpp"

namespace parcelgate::http {

struct problem {
  int status = 500;
  std::string type;  // short slug, rendered as "/problems/<slug>"
  std::string title;
  std::string detail;
  std::vector<field_error> errors;
  int retry_after_s = 0;
  // Extra members (already-serialized JSON values), e.g. {"shipment_id", "\"shp_...\""}.
  std::vector<std::pair<std::string, std::string>> extensions;
};

std::string problem_body(const problem& p, std::string_view request_id);
response problem_response(const problem& p, std::string_view request_id);

}  // namespace parcelgate::http
