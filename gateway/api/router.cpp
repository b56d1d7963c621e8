#include "gateway/api/router.hpp"

#include <algorithm>
#include <deque>
#include <optional>

namespace parcelgate::api {

namespace {
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
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
  r.segments = split_path(pattern);
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
  // The raw path: "/" then segments separated by "/", none empty ("//" and a trailing "/" match
  // nothing). Each segment is percent-decoded on its own, so an encoded slash stays inside its
  // segment instead of becoming a separator.
  if (path.size() < 2 || path.front() != '/' || path.back() == '/') return out;
  // Segments without a '%' are used as they are (the usual case: no allocation); the others are
  // decoded into `decoded`, whose elements never move (made only when needed: an empty deque
  // still allocates).
  std::vector<std::string_view> parts;
  std::optional<std::deque<std::string>> decoded;
  parts.reserve(8);
  for (std::size_t i = 1; i <= path.size();) {
    const auto next = std::min(path.find('/', i), path.size());
    if (next == i) return out;
    const std::string_view raw = path.substr(i, next - i);
    if (raw.find('%') == std::string_view::npos) {
      parts.push_back(raw);
    } else {
      if (!decoded) decoded.emplace();
      auto& part = decoded->emplace_back();
      // An encoded slash names none of our resources (ids and literals never hold one).
      if (!http::percent_decode(raw, part) || part.find('/') != std::string::npos) return out;
      parts.push_back(part);
    }
    i = next + 1;
  }
  // HEAD is served by the GET route of the same path (the server sends the head only).
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
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
    if (r.method != wanted) {
      out.allowed += (out.allowed.empty() ? "" : ", ") + r.method;
      if (r.method == "GET") out.allowed += ", HEAD";
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
