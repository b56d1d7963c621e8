#include "gateway/domain/html.hpp"

namespace parcelgate {

namespace {

std::string escape(std::string_view text, bool apostrophe) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        if (apostrophe)
          out += "&#39;";
        else
          out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  return escape(text, true);
}

std::string xml_escape(std::string_view text) {
  return escape(text, false);
}

}  // namespace parcelgate
