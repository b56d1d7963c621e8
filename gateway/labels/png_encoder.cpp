#include "gateway/labels/png_encoder.hpp"

#include <png.h>

#include <cmath>
#include <csetjmp>
#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

namespace parcelgate::labels {
namespace {

// libpng reports errors by calling the error callback, which must not return: it longjmps back
// to the setjmp in write_png. Only plain data lives between the two, so nothing is leaked or
// left undestroyed by the jump.
struct png_failure {
  char message[160];
};

void on_png_error(png_structp png, png_const_charp message) {
  auto* failure = static_cast<png_failure*>(png_get_error_ptr(png));
  if (failure != nullptr) {
    std::strncpy(failure->message, message != nullptr ? message : "unknown error",
                 sizeof failure->message - 1);
  }
  png_longjmp(png, 1);
}

void on_png_warning(png_structp, png_const_charp) {}

void append_bytes(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  bool out_of_memory = false;
  try {
    out->append(reinterpret_cast<const char*>(data), length);
  } catch (const std::bad_alloc&) {
    out_of_memory = true;
  }
  if (out_of_memory) png_error(png, "out of memory while writing PNG");
}

void flush_nothing(png_structp) {}

bool write_png(png_bytep* rows, int width, int height, int bit_depth, int dots_per_inch,
               std::string* out, png_failure* failure) {
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, failure, on_png_error, on_png_warning);
  if (png == nullptr) {
    std::strncpy(failure->message, "cannot create PNG writer", sizeof failure->message - 1);
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    std::strncpy(failure->message, "cannot create PNG info", sizeof failure->message - 1);
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, append_bytes, flush_nothing);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height),
               bit_depth, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  const auto per_metre = static_cast<png_uint_32>(std::lround(dots_per_inch / 0.0254));
  png_set_pHYs(png, info, per_metre, per_metre, PNG_RESOLUTION_METER);
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

result<std::string> encode_png(const raster_canvas& canvas, int bit_depth, int dots_per_inch) {
  if (bit_depth != 1 && bit_depth != 8)
    return make_error(error_kind::internal, "PNG bit depth must be 1 or 8");
  const int width = canvas.width();
  const int height = canvas.height();
  if (width <= 0 || height <= 0) return make_error(error_kind::internal, "PNG image is empty");

  const std::size_t stride =
      bit_depth == 8 ? static_cast<std::size_t>(width) : (static_cast<std::size_t>(width) + 7) / 8;
  std::vector<std::uint8_t> packed(stride * static_cast<std::size_t>(height), 0);
  const auto& pixels = canvas.pixels();
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* source =
        pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width);
    std::uint8_t* target = packed.data() + static_cast<std::size_t>(y) * stride;
    if (bit_depth == 8) {
      std::memcpy(target, source, static_cast<std::size_t>(width));
      continue;
    }
    // 1-bit greyscale: bit set = white; pixels are packed from the most significant bit.
    for (int x = 0; x < width; ++x) {
      if (source[x] >= 128)
        target[x / 8] = static_cast<std::uint8_t>(target[x / 8] | (0x80u >> (x % 8)));
    }
  }
  std::vector<png_bytep> rows(static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y)
    rows[static_cast<std::size_t>(y)] = packed.data() + static_cast<std::size_t>(y) * stride;

  std::string out;
  png_failure failure{};
  if (!write_png(rows.data(), width, height, bit_depth, dots_per_inch, &out, &failure)) {
    return make_error(error_kind::internal, std::string("PNG encoding failed: ") + failure.message);
  }
  return out;
}

}  // namespace parcelgate::labels
