#include "gateway/labels/label.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "sample_label.hpp"

namespace parcelgate::labels {
namespace {

using testing::sample_content;

constexpr label_format all_formats[] = {label_format::pdf, label_format::zpl, label_format::png};

void expect_invalid(const label_content& content, std::string_view field) {
  for (label_format format : all_formats) {
    auto label = render(content, format, label_size::a6);
    ASSERT_FALSE(label) << to_string(format) << " accepted tracking '" << content.tracking_number
                        << "'";
    EXPECT_EQ(label.error().kind, error_kind::invalid_request) << label.error().message;
    ASSERT_FALSE(label.error().fields.empty()) << label.error().message;
    EXPECT_EQ(label.error().fields[0].field, field);
  }
}

TEST(label, every_format_starts_with_its_signature) {
  auto pdf = render(sample_content(), label_format::pdf, label_size::a6);
  auto zpl = render(sample_content(), label_format::zpl, label_size::in4x6);
  auto png = render(sample_content(), label_format::png, label_size::a4);
  ASSERT_TRUE(pdf && zpl && png);
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  EXPECT_EQ(zpl->rfind("^XA", 0), 0u);
  EXPECT_EQ(png->rfind(std::string("\x89PNG\r\n\x1A\n", 8), 0), 0u);
}

TEST(label, rejects_an_empty_or_blank_tracking_number) {
  auto content = sample_content();
  content.tracking_number = "";
  expect_invalid(content, "tracking_number");
  content.tracking_number = "    ";
  expect_invalid(content, "tracking_number");
}

TEST(label, rejects_tracking_numbers_code128_cannot_encode) {
  auto content = sample_content();
  for (const std::string& bad : {std::string("6A159\xE2\x82\xAC"), std::string("6A15\n9840"),
                                 std::string("\xFF\xFE"), std::string(65, '1'),
                                 std::string("6A15\x7F"
                                             "84")}) {
    content.tracking_number = bad;
    expect_invalid(content, "tracking_number");
  }
}

TEST(label, rejects_tracking_numbers_too_long_for_the_label_width) {
  auto content = sample_content();
  content.tracking_number = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzABCDEFGH";
  expect_invalid(content, "tracking_number");
}

TEST(label, rejects_matrix_codes_beyond_datamatrix_capacity) {
  auto content = sample_content();
  content.matrix_code = std::string(5000, 'Q');
  expect_invalid(content, "matrix_code");
}

TEST(label, renders_the_same_bytes_from_concurrent_threads) {
  auto content = sample_content();
  content.matrix_code = "6A15984040331";
  std::vector<std::string> expected;
  for (label_format format : all_formats)
    expected.push_back(render(content, format, label_size::a6).value());
  std::vector<std::vector<std::string>> seen(4);
  std::vector<std::thread> threads;
  for (auto& out : seen) {
    threads.emplace_back([&content, &out] {
      for (label_format format : all_formats)
        out.push_back(render(content, format, label_size::a6).value_or(""));
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& out : seen) EXPECT_EQ(out, expected);
}

TEST(label, survives_random_bytes_in_every_text_field) {
  std::mt19937 random(20240611);
  auto noise = [&random](std::size_t length) {
    std::string bytes(length, '\0');
    for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
    return bytes;
  };
  for (int round = 0; round < 20; ++round) {
    label_content content;
    content.carrier_name = noise(12);
    content.product = noise(40);
    content.tracking_number = "6A15984040331";
    content.sender_lines = {noise(30), noise(200), noise(3)};
    content.recipient_lines = {noise(50), noise(10), noise(500)};
    content.weight = noise(8);
    content.reference = noise(64);
    content.routing = noise(20);
    content.matrix_code = noise(60);
    content.footer = noise(90);
    for (label_format format : all_formats) {
      auto label = render(content, format, label_size::in4x6);
      EXPECT_TRUE(label) << to_string(format) << ": " << (label ? "" : label.error().message);
    }
  }
}

}  // namespace
}  // namespace parcelgate::labels
