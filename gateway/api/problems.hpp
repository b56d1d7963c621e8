#pragma once
// Every HTTP error answer of the API, in one place: domain errors and purchase outcomes mapped
// to statuses and RFC 9457 bodies (http/problem.hpp only writes the format). Route handlers,
// the request chain (gateway_api.cpp) and the HTTP server's own refusals all come here.

#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/auth.hpp"
#include "gateway/api/router.hpp"
#include "gateway/domain/error.hpp"
#include "gateway/domain/pickups.hpp"
#include "gateway/domain/shipping.hpp"
#include "gateway/http/problem.hpp"

namespace parcelgate::api {

// HTTP status for an error kind (DESIGN §2.2).
int status_for(error_kind kind) noexcept;
http::problem problem_for(const error& e);
http::response error_response(const error& e, std::string_view request_id);

// A problem for a client mistake that has no domain error (missing header, bad JSON...).
http::response problem(std::string_view request_id, int status, std::string type, std::string title,
                       std::string detail, std::vector<field_error> fields = {});
inline http::response problem(const context& ctx, int status, std::string type, std::string title,
                              std::string detail, std::vector<field_error> fields = {}) {
  return problem(ctx.request_id, status, std::move(type), std::move(title), std::move(detail),
                 std::move(fields));
}
// 422 validation-error listing every field problem.
http::response validation_failed(const context& ctx, std::vector<field_error> fields);

// The request chain's refusals.
http::response no_route(std::string_view request_id, std::string_view path);
http::response method_not_allowed(std::string_view request_id, std::string_view method,
                                  std::string_view allowed);
http::response unauthenticated(std::string_view request_id, auth_failure why);
http::response forbidden(std::string_view request_id, store::role role, std::string_view method,
                         std::string_view pattern);
http::response rate_limited(std::string_view request_id, int retry_after_s);
// What the HTTP server answers itself (400, 408, 413, 431, 500, 503), with a new request id.
http::response server_refusal(int status, std::string_view detail);

// The answers of an Idempotency-Key held by a twin request (409, Retry-After: 1) or used with
// another request (422), for every route that takes one.
http::response key_in_use(std::string_view request_id);
http::response key_reused(std::string_view request_id);

// An answer stored under an Idempotency-Key, sent as it was (JSON, or a problem from 300 on);
// replayed: with Idempotent-Replayed: true and, for a 201, Location `collection`/<its id>.
http::response stored_response(stored_answer answer);
http::response replayed_response(stored_answer answer, std::string_view collection);

// The answer to POST /v1/shipments for each purchase outcome.
http::response purchase_response(purchase_outcome outcome, std::string_view request_id);

// The answer stored under a key whose sale may have happened (a label, a pickup): 504 after a
// timeout, 502 otherwise, the carrier's part of `cause`, and `id_member` naming the resource left
// to reconcile ("shipment_id": "shp_...").
http::problem outcome_unknown_problem(const error& cause, std::string type, std::string title,
                                      std::string detail, std::string_view id_member,
                                      std::string_view id);

// The HTTP form of the answers a purchase stores under its Idempotency-Key.
class problem_answers final : public purchase_answers {
 public:
  stored_answer created(std::string shipment_json) const override;
  // 504 after a timeout, 502 otherwise; type purchase-outcome-unknown with the shipment's id.
  stored_answer outcome_unknown(std::string_view shipment_id, const error& cause,
                                std::string_view request_id) const override;
};

// The HTTP form of the answers a pickup booking stores under its Idempotency-Key
// (pickups_routes.cpp).
class pickup_problem_answers final : public pickup_answers {
 public:
  int booked_status() const override { return 201; }
  // 504 after a timeout, 502 otherwise; type pickup-outcome-unknown with the pickup's id.
  std::string outcome_unknown(std::string_view pickup_id, const error& cause,
                              std::string_view request_id, int& status) const override;
};

}  // namespace parcelgate::api
