#include "gateway/domain/ids.hpp"

#include <gtest/gtest.h>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace parcelgate {
namespace {

using namespace std::chrono;

TEST(parse_rfc3339, reads_utc_offsets_and_fractions_to_the_second) {
  const auto noon = sys_days{year{2026} / 12 / 1} + hours{12};
  EXPECT_EQ(parse_rfc3339("2026-12-01T12:00:00Z"), noon);
  EXPECT_EQ(parse_rfc3339("2026-12-01t12:00:00z"), noon);
  EXPECT_EQ(parse_rfc3339("2026-12-01T13:00:00+01:00"), noon);
  EXPECT_EQ(parse_rfc3339("2026-12-01T07:30:00-04:30"), noon);
  EXPECT_EQ(parse_rfc3339("2026-12-01T12:00:00.987654Z"), noon);
  EXPECT_EQ(parse_rfc3339("2026-12-01T00:30:00+01:00"),
            sys_days{year{2026} / 11 / 30} + hours{23} + minutes{30});
  EXPECT_EQ(rfc3339(*parse_rfc3339("2026-12-01T13:00:00+01:00")), "2026-12-01T12:00:00Z");
}

TEST(parse_rfc3339, refuses_anything_else) {
  for (const char* bad :
       {"", "2026-12-01", "2026-12-01 12:00:00Z", "2026-12-01T12:00:00", "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T12:00:00+1:00",
        "2026-12-01T12:00:00.Z", "yesterday", "2026-12-01T12:00:00Zjunk"})
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
}

}  // namespace
}  // namespace parcelgate

TEST(sha256_hex, matches_the_standard_vectors_on_every_call) {
  using parcelgate::sha256_hex;
  // The digest context is reused from call to call: each call must start from a fresh state.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
  std::string exact;
  std::thread other([&] { exact = sha256_hex("abc"); });
  other.join();
  EXPECT_EQ(exact, sha256_hex("abc"));
}

TEST(new_id, ids_drawn_from_the_random_pool_are_distinct_and_well_formed) {
  // Ids take their randomness from a per-thread block of CSPRNG output: across many refills,
  // and on two threads, no id may repeat.
  std::set<std::string> seen;
  auto draw = [](std::vector<std::string>& out) {
    for (int i = 0; i < 5000; ++i) out.push_back(parcelgate::new_id("shp"));
  };
  std::vector<std::string> a, b;
  std::thread other([&] { draw(b); });
  draw(a);
  other.join();
  for (const auto* list : {&a, &b})
    for (const auto& id : *list) {
      ASSERT_EQ(id.size(), 4u + 15u) << id;
      ASSERT_EQ(id.rfind("shp_", 0), 0u) << id;
      EXPECT_TRUE(seen.insert(id).second) << "repeated id " << id;
    }
  EXPECT_EQ(seen.size(), 10000u);
}
