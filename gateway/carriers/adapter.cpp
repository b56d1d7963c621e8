#include "gateway/carriers/adapter.hpp"

#include <algorithm>

namespace parcelgate::carriers {

std::string_view outbound_response::header(std::string_view name) const noexcept {
  return http::find_header(headers, name);
}

std::string_view inbound_push::header(std::string_view name) const noexcept {
  return http::find_header(headers, name);
}

bool retry_policy::retries(const result<outbound_response>& outcome) const noexcept {
  if (!outcome)
    return retry_transport_failures && outcome.error().kind != error_kind::invalid_request;
  if (expect_status != 0 && outcome->status != expect_status) return true;
  return !outcome->body.starts_with(expect_body_prefix);
}

std::chrono::milliseconds retry_policy::delay_before(int exchange) const noexcept {
  if (backoff.empty() || exchange < 2) return std::chrono::milliseconds{0};
  const auto index = std::min(static_cast<std::size_t>(exchange - 2), backoff.size() - 1);
  return backoff[index];
}

int outbound_request::max_exchanges() const noexcept {
  return idempotent ? std::max(retry.attempts, 1) : 1;
}

task<result<tracking_batch>> carrier_adapter::track(const std::vector<std::string>&, call&) {
  co_return fail(
      error{.kind = error_kind::unsupported,
            .message = std::string(display_name()) + " does not offer tracking by polling",
            .carrier = std::string(id())});
}

push_auth carrier_adapter::verify_push(const inbound_push&) const {
  return push_auth::no_scheme;
}

result<push_batch> carrier_adapter::parse_push(const inbound_push&) const {
  return fail(error{.kind = error_kind::unsupported,
                    .message = std::string(display_name()) + " does not push tracking events",
                    .carrier = std::string(id())});
}

std::string_view to_string(point_type t) noexcept {
  switch (t) {
    case point_type::shop:
      return "shop";
    case point_type::locker:
      return "locker";
    case point_type::post_office:
      return "post_office";
  }
  return "shop";
}

std::optional<point_type> parse_point_type(std::string_view s) noexcept {
  if (s == "shop") return point_type::shop;
  if (s == "locker") return point_type::locker;
  if (s == "post_office") return point_type::post_office;
  return std::nullopt;
}

task<result<std::vector<collection_point>>> carrier_adapter::find_points(const point_query&,
                                                                         call&) {
  co_return fail(error{.kind = error_kind::unsupported,
                       .message = std::string(display_name()) + " does not search points",
                       .carrier = std::string(id())});
}

task<result<collection_point>> carrier_adapter::find_point(std::string_view, std::string_view,
                                                           call&) {
  co_return fail(error{.kind = error_kind::unsupported,
                       .message = std::string(display_name()) + " does not search points",
                       .carrier = std::string(id())});
}

task<result<std::vector<pickup_slot>>> carrier_adapter::pickup_slots(const address&,
                                                                     std::string_view, call&) {
  co_return fail(error{.kind = error_kind::unsupported,
                       .message = std::string(display_name()) + " does not list pickup dates",
                       .carrier = std::string(id())});
}

task<result<pickup_confirmation>> carrier_adapter::book_pickup(const pickup_request&, call&) {
  co_return fail(not_sold(error{.kind = error_kind::unsupported,
                                .message = std::string(display_name()) + " does not pick up",
                                .carrier = std::string(id())}));
}

task<result<void>> carrier_adapter::cancel_pickup(const pickup_ref&, call&) {
  co_return fail(error{.kind = error_kind::unsupported,
                       .message = std::string(display_name()) + " cannot cancel a pickup",
                       .carrier = std::string(id())});
}

}  // namespace parcelgate::carriers
