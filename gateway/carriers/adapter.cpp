#include "gateway/carriers/adapter.hpp"

namespace parcelgate::carriers {

std::string_view outbound_response::header(std::string_view name) const noexcept {
  return http::find_header(headers, name);
}

}  // namespace parcelgate::carriers
