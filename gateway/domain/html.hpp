#pragma once
// HTML (and XML) escaping for the pages the gateway renders itself (the public tracking page, the
// tariff report): text from carriers and tariff files never becomes markup.

#include <string>
#include <string_view>

namespace parcelgate {

// Escapes & < > " ' so that `text` is safe in element content and in quoted attribute values.
std::string html_escape(std::string_view text);

// Escapes & < > " for XML text and double-quoted attributes; an apostrophe stays as it is, as
// the SOAP services write their answers.
std::string xml_escape(std::string_view text);

}  // namespace parcelgate
