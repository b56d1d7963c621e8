#include "gateway/http/message.hpp"

#include <algorithm>

namespace parcelgate::http {

namespace {
char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view find_header(const headers& list, std::string_view name) noexcept {
  for (const auto& h : list)
    if (iequals(h.name, name)) return h.value;
  return {};
}

bool percent_decode(std::string_view in, std::string& out, bool plus_as_space) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

std::string request::query_param(std::string_view name, bool* found) const {
  if (found) *found = false;
  std::string_view q = query;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    auto eq = pair.find('=');
    std::string key;
    if (!percent_decode(pair.substr(0, eq), key, true) || key != name) continue;
    std::string value;
    if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), value, true)) continue;
    if (found) *found = true;
    return value;
  }
  return {};
}

void response::set(std::string name, std::string value) {
  for (auto& h : fields) {
    if (iequals(h.name, name)) {
      h.value = std::move(value);
      return;
    }
  }
  fields.push_back({std::move(name), std::move(value)});
}

response response::text(int status, std::string body, std::string content_type) {
  response r;
  r.status = status;
  r.fields.push_back({"Content-Type", std::move(content_type)});
  r.body = std::move(body);
  return r;
}

response response::json(int status, std::string body) {
  return text(status, std::move(body), "application/json");
}

}  // namespace parcelgate::http
