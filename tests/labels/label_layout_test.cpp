#include "gateway/labels/label_layout.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "gateway/labels/text_encoding.hpp"
#include "sample_label.hpp"

namespace parcelgate::labels {
namespace {

using testing::sample_content;

constexpr label_size all_sizes[] = {label_size::a6, label_size::in4x6, label_size::a4};

// Every character is half an em wide: enough to test fitting without a real font.
double half_em(std::string_view text, font_weight, double size_mm) {
  return static_cast<double>(decode_utf8(text).size()) * size_mm * 0.5;
}

bool has_text(const label_layout& layout, std::string_view text) {
  return std::any_of(layout.texts.begin(), layout.texts.end(),
                     [&](const text_line& t) { return t.text == text; });
}

TEST(label_layout, page_sizes_are_the_paper_sizes) {
  EXPECT_DOUBLE_EQ(page_dimensions_of(label_size::a6).width_mm, 105.0);
  EXPECT_DOUBLE_EQ(page_dimensions_of(label_size::a6).height_mm, 148.0);
  EXPECT_DOUBLE_EQ(page_dimensions_of(label_size::in4x6).width_mm, 101.6);
  EXPECT_DOUBLE_EQ(page_dimensions_of(label_size::in4x6).height_mm, 152.4);
  EXPECT_DOUBLE_EQ(page_dimensions_of(label_size::a4).width_mm, 210.0);
  EXPECT_DOUBLE_EQ(page_dimensions_of(label_size::a4).height_mm, 297.0);
}

TEST(label_layout, keeps_every_element_on_the_page_with_room_for_quiet_zones) {
  auto content = sample_content();
  content.matrix_code = "6A15984040331|69007|FR";
  for (label_size size : all_sizes) {
    auto layout = build_layout(content, size);
    ASSERT_TRUE(layout) << layout.error().message;
    const page_dimensions page = layout->page;
    for (const box& b : layout->boxes) {
      EXPECT_GE(b.x_mm, 0);
      EXPECT_GE(b.y_mm, 0);
      EXPECT_LE(b.x_mm + b.width_mm, page.width_mm + 1e-9);
      EXPECT_LE(b.y_mm + b.height_mm, page.height_mm + 1e-9);
    }
    for (const text_line& t : layout->texts) {
      EXPECT_GT(t.slot_width_mm, 0) << t.text;
      EXPECT_LE(t.slot_left_mm + t.slot_width_mm, page.width_mm) << t.text;
      EXPECT_LT(t.baseline_mm, page.height_mm) << t.text;
    }
    const code128_placement& code = layout->code128;
    EXPECT_GE(code.width_mm / (code.size.columns + 2 * code128_quiet_modules), min_module_mm);
    EXPECT_LE(code.x_mm + code.width_mm, page.width_mm);
    ASSERT_TRUE(layout->datamatrix);
    EXPECT_LE(layout->datamatrix->x_mm + layout->datamatrix->side_mm, page.width_mm);
  }
}

TEST(label_layout, a4_sheet_holds_the_label_above_a_cut_line) {
  auto layout = build_layout(sample_content(), label_size::a4);
  ASSERT_TRUE(layout);
  ASSERT_EQ(layout->cut_lines.size(), 1u);
  EXPECT_DOUBLE_EQ(layout->cut_lines[0].y_mm, 148.5);
  for (const box& b : layout->boxes) EXPECT_LE(b.y_mm + b.height_mm, 148.5);
  EXPECT_LE(layout->code128.y_mm + layout->code128.height_mm, 148.5);
}

TEST(label_layout, places_every_piece_of_content) {
  auto layout = build_layout(sample_content(), label_size::a6);
  ASSERT_TRUE(layout);
  for (const char* text :
       {"Colissimo", "DOM", "Jeanne Dupont-Müller", "69007 LYON", "Boutique Lumière SARL",
        "1.20 kg", "ORDER-000123", "69 VILLEURBANNE", "6A15984040331", "SANDBOX"}) {
    EXPECT_TRUE(has_text(*layout, text)) << text;
  }
  EXPECT_EQ(layout->code128.data, "6A15984040331");
  EXPECT_FALSE(layout->datamatrix);
}

TEST(label_layout, cleans_text_and_folds_extra_lines) {
  auto content = sample_content();
  content.recipient_lines = {
      "Name\x01\tWith  Tabs", "", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9", "l10"};
  auto layout = build_layout(content, label_size::a6);
  ASSERT_TRUE(layout);
  EXPECT_TRUE(has_text(*layout, "Name With Tabs"));
  EXPECT_TRUE(has_text(*layout, "l8, l9, l10"));
}

TEST(label_layout, rejects_what_cannot_be_encoded_naming_the_field) {
  auto content = sample_content();
  content.tracking_number = "";
  auto empty = build_layout(content, label_size::a6);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind, error_kind::invalid_request);
  ASSERT_EQ(empty.error().fields.size(), 1u);
  EXPECT_EQ(empty.error().fields[0].field, "tracking_number");

  content = sample_content();
  content.tracking_number =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh";  // 60 letters
  auto too_wide = build_layout(content, label_size::a6);
  ASSERT_FALSE(too_wide);
  EXPECT_EQ(too_wide.error().fields.at(0).field, "tracking_number");

  content = sample_content();
  content.matrix_code.clear();
  for (int i = 0; i < 600; ++i)
    content.matrix_code.push_back(static_cast<char>('!' + (i * 37) % 90));
  // Encodable as DataMatrix, but its modules would be far too small for the label.
  auto dense = build_layout(content, label_size::a6);
  ASSERT_FALSE(dense);
  EXPECT_EQ(dense.error().fields.at(0).field, "matrix_code");
}

TEST(label_layout, fit_text_shrinks_then_truncates_then_aligns) {
  text_line line{"ABCDEFGHIJ",     10.0, 20.0, 50.0, 4.0, 2.0, font_weight::regular,
                 text_align::left, false};
  fitted_text fits = fit_text(line, half_em);  // 10 chars x 2 mm = 20 mm: fits as is
  EXPECT_EQ(fits.text, "ABCDEFGHIJ");
  EXPECT_DOUBLE_EQ(fits.size_mm, 4.0);
  EXPECT_DOUBLE_EQ(fits.left_mm, 10.0);

  line.slot_width_mm = 15.0;  // needs 3 mm: shrinks
  fitted_text shrunk = fit_text(line, half_em);
  EXPECT_EQ(shrunk.text, "ABCDEFGHIJ");
  EXPECT_NEAR(shrunk.size_mm, 3.0, 1e-9);

  line.slot_width_mm = 8.0;  // would need 1.6 mm, below the 2 mm minimum: truncated
  fitted_text cut = fit_text(line, half_em);
  EXPECT_DOUBLE_EQ(cut.size_mm, 2.0);
  EXPECT_EQ(cut.text, "ABCDE...");
  EXPECT_LE(half_em(cut.text, font_weight::regular, cut.size_mm), 8.0);

  line = text_line{"ééé", 0.0, 30.0, 10.0, 4.0, 2.0, font_weight::bold, text_align::right, false};
  EXPECT_DOUBLE_EQ(fit_text(line, half_em).left_mm, 24.0);
  line.align = text_align::center;
  EXPECT_DOUBLE_EQ(fit_text(line, half_em).left_mm, 12.0);
}

TEST(label_layout, module_dots_takes_the_widest_whole_module_that_fits) {
  EXPECT_EQ(module_dots(95.0, 200, 203 / 25.4, 0.5), 3);  // 759 dots / 200 modules
  EXPECT_EQ(module_dots(95.0, 100, 203 / 25.4, 0.5), 4);  // capped at 0.5 mm = 4 dots
  EXPECT_EQ(module_dots(95.0, 500, 203 / 25.4, 0.5), 1);  // the writer refuses this one
  EXPECT_EQ(module_dots(95.0, 0, 203 / 25.4, 0.5), 0);
}

}  // namespace
}  // namespace parcelgate::labels
