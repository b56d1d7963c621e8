#include "gateway/api/router.hpp"

namespace parcelgate::api {

namespace {
template <class Out = std::string>
std::vector<Out> split_path(std::string_view path) {
  std::vector<Out> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto next = path.find('/', i);
    out.emplace_back(
        path.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i));
    if (next == std::string_view::npos) break;
    i = next;
  }
  return out;
}
}  // namespace

unsigned role_bit(store::role r) noexcept {
  switch (r) {
    case store::role::merchant:
      return merchant;
    case store::role::point:
      return point;
    case store::role::ops:
      return ops;
  }
  return 0;
}

void router::add(std::string method, std::string pattern, unsigned roles, std::string summary,
                 route_handler handler, route_doc doc) {
  route r;
  r.segments = split_path<std::string>(pattern);
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.roles = roles;
  r.summary = std::move(summary);
  r.doc = std::move(doc);
  r.handle = std::move(handler);
  routes_.push_back(std::move(r));
}

router::match_result router::match(
    std::string_view method, std::string_view path,
    std::vector<std::pair<std::string_view, std::string>>& params) const {
  match_result out;
  if (!path.empty() && path.size() > 1 && path.back() == '/') return out;  // no trailing slashes
  auto parts = split_path<std::string_view>(path);
  for (const auto& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      const auto& seg = r.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}')
        ok = !parts[i].empty();
      else
        ok = seg == parts[i];
    }
    if (!ok) continue;
    out.path_exists = true;
    if (r.method != method) {
      out.allowed += (out.allowed.empty() ? "" : ", ") + r.method;
      continue;
    }
    out.found = &r;
    params.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto& seg = r.segments[i];
      if (seg.size() > 2 && seg.front() == '{')
        params.emplace_back(std::string_view(seg).substr(1, seg.size() - 2), std::string(parts[i]));
    }
    return out;
  }
  return out;
}

}  // namespace parcelgate::api
