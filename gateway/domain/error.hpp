#pragma once
// The one error type of the data plane. Carrier adapters, the store and the domain services
// return it inside Result<T>; api/problems.cpp turns it into HTTP.

#include <expected>
#include <string>
#include <utility>
#include <vector>

namespace parcelgate {

enum class error_kind {
  invalid_request,  // the caller's input is wrong; `fields` says where (HTTP 422)
  unsupported,      // the carrier cannot do this operation/service/format (HTTP 422)
  auth_failed,      // the carrier rejected OUR credentials (HTTP 502: not the caller's fault)
  not_found,        // HTTP 404
  conflict,         // state does not allow it (HTTP 409)
  rate_limited,     // carrier throttles us (HTTP 503 + Retry-After)
  unavailable,      // carrier down, 5xx, connection refused, circuit open (HTTP 503)
  timeout,          // no answer within the deadline (HTTP 504)
  rejected,         // the carrier refused for a business reason (HTTP 422)
  bad_gateway,      // the carrier answered something we cannot understand (HTTP 502)
  internal,         // our own bug or a storage failure (HTTP 500)
};

std::string_view to_string(error_kind kind) noexcept;

struct field_error {
  std::string field;    // path in OUR request, e.g. "parcels[0].weight_g"
  std::string message;  // human readable, safe to show to the caller
};

// What a failed operation that may buy something (a label purchase) proves about the sale. Only
// `not_sold` frees an Idempotency-Key for a retry; anything not proven is `unknown`.
enum class sale_outcome {
  unknown,   // the carrier may have sold: timeouts, lost connections, a proxy's 5xx, odd answers
  not_sold,  // certainly nothing sold: the carrier's own refusal, nothing sent, an open circuit
};

// Built with designated initializers; every member has a default, so a field left out is empty
// on purpose: error{.kind = error_kind::timeout, .message = "..."}.
struct error {
  error_kind kind = error_kind::internal;
  std::string message{};              // safe to show to the caller
  std::vector<field_error> fields{};  // for invalid_request / rejected
  std::string carrier{};              // adapter id when the error came from a carrier
  std::string carrier_code{};         // the carrier's raw code ("30000", "STAT 97", "HTTP 503")
  std::string carrier_message{};      // the carrier's raw text
  int retry_after_s = 0;              // for rate_limited / unavailable, 0 = unknown
  sale_outcome sale = sale_outcome::unknown;
};

// An error about a carrier's answer, for adapters: `carrier` is the adapter id, `code` and `text`
// the carrier's raw code and text (kept short by the caller). What it proves about a sale stays
// unknown; not_sold() marks a refusal.
error carrier_failure(std::string_view carrier, error_kind kind, std::string message,
                      std::string code = {}, std::string text = {});

// `e`, marked as proof that the carrier sold nothing.
inline error not_sold(error e) {
  e.sale = sale_outcome::not_sold;
  return e;
}

template <class T>
using result = std::expected<T, error>;

inline std::unexpected<error> make_error(error_kind kind, std::string message) {
  return std::unexpected<error>(error{.kind = kind, .message = std::move(message)});
}

inline std::unexpected<error> fail(error e) {
  return std::unexpected<error>(std::move(e));
}

}  // namespace parcelgate
