// Colissimo SLS generateLabel answers (adapters/colissimo/wire.cpp): the multipart/mixed
// envelope, the <jsonInfos> JSON, the SLS messages and the label interpretation.
//
// Input: "<HTTP status>\n<Content-Type value>\n<body>". A first line that is not a status reads
// as 200; a missing second line as no Content-Type.

#include <algorithm>
#include <string>

#include "adapters/colissimo/wire.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace parcelgate;
namespace wire = parcelgate::adapters::colissimo;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  std::string_view in = fuzz::as_text(data, size);
  const int status = fuzz::small_number(fuzz::take_line(in), 200);
  const std::string_view content_type = fuzz::take_line(in);
  const std::string_view body = in;

  // The boundary parameter: unquoted, never longer than the header value.
  const std::string boundary = wire::multipart_boundary(content_type);
  FUZZ_CHECK(boundary.size() <= content_type.size());

  // Splitting: every part's bytes come from the body.
  if (auto parts = wire::split_multipart(body, boundary)) {
    FUZZ_CHECK(!parts->empty());
    std::size_t total = 0;
    for (const auto& p : *parts) total += p.body.size();
    FUZZ_CHECK(total <= body.size());
  } else {
    FUZZ_CHECK(parts.error().kind == error_kind::bad_gateway);
  }
  if (auto parts = wire::split_multipart(body, {})) FUZZ_CHECK(!parts->empty());

  if (auto answer = wire::read_answer(content_type, body)) {
    FUZZ_CHECK(answer->label.size() + answer->cn23.size() <= body.size());
    const bool has_error =
        std::any_of(answer->messages.begin(), answer->messages.end(),
                    [](const wire::sls_message& m) { return m.type == "ERROR"; });
    if (has_error) {
      const error e = wire::map_messages(answer->messages);
      FUZZ_CHECK(e.kind == error_kind::auth_failed || e.kind == error_kind::unavailable ||
                 e.kind == error_kind::invalid_request || e.kind == error_kind::rejected);
      FUZZ_CHECK(!e.message.empty());
      for (const auto& f : e.fields) FUZZ_CHECK(!f.field.empty());
    }
  } else {
    FUZZ_CHECK(answer.error().kind == error_kind::bad_gateway);
  }

  carriers::outbound_response response;
  response.status = status;
  if (!content_type.empty())
    response.headers.push_back({"Content-Type", std::string(content_type)});
  response.headers.push_back({"Retry-After", "30"});
  response.body = std::string(body);
  const wire::label_order order{"DOM", "PDF_10x15_300dpi", "2026-12-01"};
  const auto label = wire::parse_generate_label_response(response, order, label_format::pdf);
  if (label) {
    FUZZ_CHECK(status == 200);
    FUZZ_CHECK(!label->tracking_number.empty() && !label->label.empty());
    FUZZ_CHECK(label->label.size() <= body.size());
    FUZZ_CHECK(label->carrier_service == "DOM");
  } else {
    const auto& e = label.error();
    FUZZ_CHECK((status == 429) == (e.kind == error_kind::rate_limited));
    if (status >= 500) FUZZ_CHECK(e.kind == error_kind::unavailable);
    if (e.kind == error_kind::rate_limited || status >= 500) FUZZ_CHECK(e.retry_after_s == 30);
    FUZZ_CHECK(e.retry_after_s >= 0);
    FUZZ_CHECK(!e.message.empty());
  }
  return 0;
}
