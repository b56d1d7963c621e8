#include "gateway/api/route_support.hpp"

#include "gateway/http/message.hpp"

namespace parcelgate::api {

bool has_media_type(std::string_view content_type, std::string_view media) noexcept {
  auto base = content_type.substr(0, content_type.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  return http::iequals(base, media);
}

}  // namespace parcelgate::api
