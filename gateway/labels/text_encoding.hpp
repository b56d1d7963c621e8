#pragma once
// Text clean-up and character-set conversion for label output. Label text arrives as UTF-8 from
// callers and carriers, and may be malformed; every function here accepts arbitrary bytes and
// never fails. Pure functions, thread-safe.

#include <string>
#include <string_view>

namespace parcelgate::labels {

// Decodes UTF-8 leniently. Every malformed sequence (stray continuation byte, truncated
// sequence, overlong form, surrogate, value above U+10FFFF) becomes one '?'.
std::u32string decode_utf8(std::string_view bytes);

// Encodes code points as UTF-8. Values that are not Unicode scalar values become '?'.
std::string encode_utf8(std::u32string_view text);

// Printable single-line label text: malformed UTF-8 replaced by '?', tabs and line breaks turned
// into spaces, other control characters (C0, DEL, C1) and zero-width/format characters removed,
// runs of spaces collapsed and the result trimmed.
std::string sanitize_label_text(std::string_view utf8);

// Windows-1252 (the WinAnsi encoding of the PDF base-14 fonts). Characters without a CP1252
// code are transliterated when a close Latin letter exists (Latin Extended-A: "Ł" -> "L",
// "ő" -> "o") or become '?'. Control characters are dropped. Never produces a NUL byte.
std::string utf8_to_cp1252(std::string_view utf8);

// Truncates UTF-8 text to at most `max_code_points` code points without splitting a sequence.
std::string truncate_utf8(std::string_view utf8, std::size_t max_code_points);

}  // namespace parcelgate::labels
