#include "gateway/domain/error.hpp"

namespace parcelgate {

std::string_view to_string(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::invalid_request:
      return "invalid_request";
    case error_kind::unsupported:
      return "unsupported";
    case error_kind::auth_failed:
      return "auth_failed";
    case error_kind::not_found:
      return "not_found";
    case error_kind::conflict:
      return "conflict";
    case error_kind::rate_limited:
      return "rate_limited";
    case error_kind::unavailable:
      return "unavailable";
    case error_kind::timeout:
      return "timeout";
    case error_kind::rejected:
      return "rejected";
    case error_kind::bad_gateway:
      return "bad_gateway";
    case error_kind::internal:
      return "internal";
  }
  return "internal";
}

error carrier_failure(std::string_view carrier, error_kind kind, std::string message,
                      std::string code, std::string text) {
  return error{.kind = kind,
               .message = std::move(message),
               .fields = {},
               .carrier = std::string(carrier),
               .carrier_code = std::move(code),
               .carrier_message = std::move(text),
               .retry_after_s = 0,
               .sale = sale_outcome::unknown};
}

}  // namespace parcelgate
