#pragma once
// ZPL II writer for label layouts, for 203 dpi thermal printers (8 dots/mm). Text uses the
// printer's scalable font 0 with ^CI28 (UTF-8); every field goes through ^FH hex escapes, so
// '^', '~' and '_' in caller text can never end a field or run a command. The tracking number
// is a ^BC Code128 with explicit subset invocations; the matrix payload a ^BX ECC200 DataMatrix.

#include <string>
#include <string_view>

#include "gateway/domain/error.hpp"
#include "gateway/labels/label_layout.hpp"

namespace parcelgate::labels {

inline constexpr double zpl_dots_per_mm = 203.0 / 25.4;

// Returns the label as one ^XA...^XZ format. The layout must be for a thermal size (A6 or
// 4x6): render() refuses A4 before calling this; here an A4 page is an invalid_request too.
result<std::string> render_zpl(const label_layout& layout);

// Field data for ^FH^FD: '^', '~', '_' and control bytes become _XX hex escapes; with
// `in_field_block` a backslash is doubled (^FB reads "\&" as a line break). Other bytes,
// UTF-8 sequences included, pass through unchanged.
std::string zpl_escape_field(std::string_view utf8, bool in_field_block);

// ^BC field data (before ^FH escaping) for printable ASCII `data`: explicit Code128 subset
// invocations (>: start B, >; start C, >5 / >6 switches), '>' as "><", '~' as ">=".
// `modules` receives the width of that encoding in modules, quiet zones excluded.
std::string zpl_code128_data(std::string_view data, int& modules);

}  // namespace parcelgate::labels
