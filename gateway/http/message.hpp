#pragma once
// Plain HTTP message types used on both sides of the gateway: by route handlers (server side)
// and, through carriers::call, by adapters (client side). No Beast here: the Beast types live
// only inside gateway/http/*.cpp, so most of the code base compiles without them.

#include <string>
#include <string_view>
#include <vector>

namespace parcelgate::http {

struct header {
  std::string name;
  std::string value;
};

using headers = std::vector<header>;

// Case-insensitive lookup; empty view when absent.
std::string_view find_header(const headers& list, std::string_view name) noexcept;
bool iequals(std::string_view a, std::string_view b) noexcept;

struct request {
  std::string method;  // "GET", "POST"...
  std::string target;  // as received: path?query
  std::string path;    // the path as received (still percent-encoded), without the query
  std::string query;   // raw query string, without '?'
  headers fields;
  std::string body;
  std::string remote;  // peer address, "ip:port"

  std::string_view header(std::string_view name) const noexcept {
    return find_header(fields, name);
  }
  // Value of a query parameter, percent-decoded; empty when absent. `found` tells absence apart.
  std::string query_param(std::string_view name, bool* found = nullptr) const;
};

struct response {
  int status = 200;
  headers fields;
  std::string body;

  std::string_view header(std::string_view name) const noexcept {
    return find_header(fields, name);
  }
  void set(std::string name, std::string value);  // replaces an existing field of that name

  static response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static response json(int status, std::string body);
};

// Percent-decodes `in` ('+' stays '+' unless plus_as_space). Returns false on a bad escape.
bool percent_decode(std::string_view in, std::string& out, bool plus_as_space = false);

}  // namespace parcelgate::http
