#include "gateway/labels/font_rasterizer.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <array>
#include <cmath>
#include <filesystem>
#include <system_error>

#include "gateway/labels/raster_canvas.hpp"
#include "gateway/labels/text_encoding.hpp"

namespace parcelgate::labels {
namespace {

// Where distributions install DejaVu Sans: Debian/Ubuntu, Alpine, Fedora, Arch, local installs.
constexpr std::array<std::string_view, 6> font_directories = {
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/usr/share/fonts/truetype",
};

bool is_readable_file(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace

struct font_rasterizer::state {
  FT_Library library = nullptr;
  FT_Face regular = nullptr;
  FT_Face bold = nullptr;

  state() = default;
  state(const state&) = delete;
  state& operator=(const state&) = delete;
  ~state() {
    if (bold != nullptr) FT_Done_Face(bold);
    if (regular != nullptr) FT_Done_Face(regular);
    if (library != nullptr) FT_Done_FreeType(library);
  }

  FT_Face face(font_weight weight) const { return weight == font_weight::bold ? bold : regular; }

  // Calls `visit(slot, pen_x)` for every glyph of `utf8` set at `size_px`, pen_x in 26.6 pixels
  // from the start of the line; returns the total advance in 26.6 pixels. Glyphs FreeType
  // cannot load are skipped (a broken glyph must not stop a label).
  template <class Visit>
  FT_Pos layout(std::string_view utf8, font_weight weight, double size_px, bool render,
                Visit&& visit) {
    FT_Face f = face(weight);
    const auto char_size = static_cast<FT_F26Dot6>(std::lround(size_px * 64.0));
    if (char_size <= 0 || FT_Set_Char_Size(f, 0, char_size, 72, 72) != 0) return 0;
    const FT_UInt fallback = FT_Get_Char_Index(f, '?');
    FT_Pos pen = 0;
    FT_UInt previous = 0;
    for (char32_t cp : decode_utf8(utf8)) {
      FT_UInt index = FT_Get_Char_Index(f, cp);
      if (index == 0) index = fallback;
      if (previous != 0 && FT_HAS_KERNING(f)) {
        FT_Vector delta{};
        if (FT_Get_Kerning(f, previous, index, FT_KERNING_DEFAULT, &delta) == 0) pen += delta.x;
      }
      if (FT_Load_Glyph(f, index, FT_LOAD_DEFAULT) != 0) continue;
      if (render && FT_Render_Glyph(f->glyph, FT_RENDER_MODE_NORMAL) != 0) continue;
      visit(f->glyph, pen);
      pen += f->glyph->advance.x;
      previous = index;
    }
    return pen;
  }
};

result<font_files> find_label_fonts() {
  for (std::string_view directory : font_directories) {
    const std::filesystem::path dir(directory);
    const auto regular = dir / "DejaVuSans.ttf";
    const auto bold = dir / "DejaVuSans-Bold.ttf";
    if (is_readable_file(regular) && is_readable_file(bold))
      return font_files{regular.string(), bold.string()};
  }
  return make_error(error_kind::internal,
                    "label font DejaVu Sans (DejaVuSans.ttf, DejaVuSans-Bold.ttf) not found; "
                    "install fonts-dejavu-core");
}

result<font_rasterizer> font_rasterizer::open(const font_files& files) {
  auto s = std::make_unique<state>();
  if (FT_Init_FreeType(&s->library) != 0) {
    s->library = nullptr;
    return make_error(error_kind::internal, "FreeType could not be initialised");
  }
  for (auto [path, face] :
       {std::pair{&files.regular, &s->regular}, std::pair{&files.bold, &s->bold}}) {
    if (!is_readable_file(*path))
      return make_error(error_kind::internal, "label font not found: " + *path);
    if (FT_New_Face(s->library, path->c_str(), 0, face) != 0) {
      *face = nullptr;
      return make_error(error_kind::internal, "label font cannot be read by FreeType: " + *path);
    }
    if (!FT_IS_SCALABLE(*face))
      return make_error(error_kind::internal, "label font is not scalable: " + *path);
  }
  return font_rasterizer(std::move(s));
}

font_rasterizer::font_rasterizer(std::unique_ptr<state> s) : state_(std::move(s)) {}
font_rasterizer::font_rasterizer(font_rasterizer&&) noexcept = default;
font_rasterizer& font_rasterizer::operator=(font_rasterizer&&) noexcept = default;
font_rasterizer::~font_rasterizer() = default;

double font_rasterizer::measure(std::string_view utf8, font_weight weight, double size_px) {
  return static_cast<double>(
             state_->layout(utf8, weight, size_px, false, [](FT_GlyphSlot, FT_Pos) {})) /
         64.0;
}

void font_rasterizer::draw(raster_canvas& canvas, std::string_view utf8, font_weight weight,
                           double size_px, double left_x, double baseline_y, bool light) {
  const auto origin_x = static_cast<FT_Pos>(std::lround(left_x * 64.0));
  const auto baseline = static_cast<int>(std::lround(baseline_y));
  state_->layout(utf8, weight, size_px, true, [&](FT_GlyphSlot slot, FT_Pos pen) {
    const FT_Bitmap& bitmap = slot->bitmap;
    if (bitmap.pixel_mode != FT_PIXEL_MODE_GRAY || bitmap.buffer == nullptr) return;
    const int x0 = static_cast<int>((origin_x + pen + 32) >> 6) + slot->bitmap_left;
    const int y0 = baseline - slot->bitmap_top;
    const int rows = static_cast<int>(bitmap.rows);
    const int columns = static_cast<int>(bitmap.width);
    for (int row = 0; row < rows; ++row) {
      const unsigned char* line = bitmap.buffer + static_cast<std::ptrdiff_t>(row) * bitmap.pitch;
      for (int column = 0; column < columns; ++column)
        canvas.blend(x0 + column, y0 + row, line[column], light);
    }
  });
}

}  // namespace parcelgate::labels
