#pragma once
// PDF writer for label layouts (libharu). One page of the layout's size; text in the base-14
// Helvetica fonts (WinAnsi: UTF-8 input is converted to CP1252, unmappable characters become
// '?'); barcodes drawn from zint's vector rectangles, so they stay sharp at any print scale.
// libharu errors are collected through its error handler and returned as `internal`.

#include <string>

#include "gateway/domain/error.hpp"
#include "gateway/labels/label_layout.hpp"

namespace parcelgate::labels {

// Returns the PDF bytes ("%PDF-..."). Thread-safe: each call owns its libharu document.
result<std::string> render_pdf(const label_layout& layout);

}  // namespace parcelgate::labels
