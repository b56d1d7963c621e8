#include "gateway/labels/text_encoding.hpp"

#include <gtest/gtest.h>

namespace parcelgate::labels {
namespace {

TEST(text_encoding, decodes_valid_utf8_of_every_length) {
  EXPECT_EQ(decode_utf8("A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x93\xA6"),
            std::u32string(U"A\u00E9\u20AC\U0001F4E6"));
}

TEST(text_encoding, replaces_each_malformed_sequence_with_one_question_mark) {
  EXPECT_EQ(decode_utf8("a\x80z"), U"a?z");          // stray continuation byte
  EXPECT_EQ(decode_utf8("a\xC3"), U"a?");            // truncated at the end
  EXPECT_EQ(decode_utf8("a\xE2\x82z"), U"a?z");      // truncated before ASCII
  EXPECT_EQ(decode_utf8("\xC0\xAF"), U"??");         // overlong lead byte
  EXPECT_EQ(decode_utf8("\xE0\x80\xAF"), U"?");      // overlong three-byte form
  EXPECT_EQ(decode_utf8("\xED\xA0\x80"), U"?");      // UTF-16 surrogate
  EXPECT_EQ(decode_utf8("\xF4\x90\x80\x80"), U"?");  // above U+10FFFF
  EXPECT_EQ(decode_utf8("\xFF\xFE"), U"??");
}

TEST(text_encoding, encodes_back_to_the_same_bytes) {
  const std::string text = "Łódź \xE2\x82\xAC \xF0\x9F\x93\xA6";
  EXPECT_EQ(encode_utf8(decode_utf8(text)), text);
}

TEST(text_encoding, sanitize_makes_one_clean_line) {
  EXPECT_EQ(sanitize_label_text("  Jeanne\t\tDupont\r\n3e étage \x01\x7F\xC2\x85"),
            "Jeanne Dupont 3e étage");
  EXPECT_EQ(sanitize_label_text("zero\xE2\x80\x8Bwidth"), "zerowidth");
  EXPECT_EQ(sanitize_label_text("bad\xFF byte"), "bad? byte");
  EXPECT_EQ(sanitize_label_text(" \t\n"), "");
}

TEST(text_encoding, cp1252_keeps_latin1_and_windows_specials) {
  EXPECT_EQ(utf8_to_cp1252("Müller é"), "M\xFCller \xE9");
  EXPECT_EQ(utf8_to_cp1252("5 \xE2\x82\xAC \xE2\x80\x99 \xE2\x80\x93 \xC5\x92"),
            "5 \x80 \x92 \x96 \x8C");
}

TEST(text_encoding, cp1252_transliterates_latin_extended_a_and_replaces_the_rest) {
  EXPECT_EQ(utf8_to_cp1252("Łódź Gdańsk Őrség"),
            "L\xF3"
            "dz Gdansk Ors\xE9"
            "g");
  EXPECT_EQ(utf8_to_cp1252("東京 \xF0\x9F\x93\xA6"), "?? ?");
  EXPECT_EQ(utf8_to_cp1252(std::string_view("a\x01\0b", 4)), "ab");
  EXPECT_EQ(utf8_to_cp1252("\xC3"), "?");
}

TEST(text_encoding, truncate_never_splits_a_sequence) {
  EXPECT_EQ(truncate_utf8("Jaurès", 5), "Jaurè");
  EXPECT_EQ(truncate_utf8("Jaurès", 4), "Jaur");
  EXPECT_EQ(truncate_utf8("abc", 10), "abc");
  EXPECT_EQ(truncate_utf8("abc", 0), "");
}

}  // namespace
}  // namespace parcelgate::labels
