#include "gateway/api/api_keys.hpp"

#include <gtest/gtest.h>

#include <set>

#include "gateway/domain/ids.hpp"

namespace parcelgate::api {
namespace {

TEST(api_keys, generated_key_has_role_prefix_and_valid_checksum) {
  auto k = generate_api_key("acme", store::role::merchant, "shop");
  EXPECT_TRUE(k.secret.starts_with("pg_merchant_"));
  EXPECT_EQ(k.secret.size(), std::string("pg_merchant_").size() + 30);
  EXPECT_EQ(check_api_key_format(k.secret), store::role::merchant);
  EXPECT_EQ(k.record.key_hash, sha256_hex(k.secret));
  EXPECT_EQ(k.record.tenant, "acme");
  EXPECT_TRUE(k.record.id.starts_with("key_"));
  EXPECT_EQ(k.record.hint.find(k.secret.substr(20)), std::string::npos)
      << "hint must not reveal the key";
}

TEST(api_keys, a_mistyped_key_fails_the_checksum) {
  auto k = generate_api_key("acme", store::role::ops, "");
  std::string typo = k.secret;
  typo[15] = typo[15] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(check_api_key_format(typo).has_value());
  EXPECT_FALSE(check_api_key_format(k.secret + "x").has_value());
  EXPECT_FALSE(check_api_key_format("pg_admin_" + k.secret.substr(7)).has_value());
  EXPECT_FALSE(check_api_key_format("").has_value());
  EXPECT_FALSE(check_api_key_format("Bearer").has_value());
}

TEST(api_keys, keys_are_unique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i)
    EXPECT_TRUE(seen.insert(generate_api_key("t", store::role::point, "").secret).second);
}

TEST(api_keys, tenant_ids_are_restricted) {
  EXPECT_TRUE(valid_tenant_id("acme"));
  EXPECT_TRUE(valid_tenant_id("acme-fr_2"));
  EXPECT_FALSE(valid_tenant_id(""));
  EXPECT_FALSE(valid_tenant_id("-acme"));
  EXPECT_FALSE(valid_tenant_id("Acme"));
  EXPECT_FALSE(valid_tenant_id("a/b"));
  EXPECT_FALSE(valid_tenant_id(std::string(65, 'a')));
}

TEST(ids, ids_have_prefix_and_carrier_safe_random_part) {
  auto id = new_id("shp");
  ASSERT_EQ(id.size(), 19u);
  EXPECT_TRUE(id.starts_with("shp_"));
  for (char c : id.substr(4)) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) << c;
}

TEST(ids, sha256_matches_a_known_vector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ids, constant_time_compare) {
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "ab"));
}

}  // namespace
}  // namespace parcelgate::api
