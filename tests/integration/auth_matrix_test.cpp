// Authentication and authorization of every served route (DESIGN §1, §4, §12): 401 without, with
// a malformed and with a revoked key; 403 for roles a route does not admit; 404 for another
// tenant's ids; 422 with field errors for bad input; the happy path; problem+json shape and
// X-Request-Id. The route table below is checked against GET /openapi.json, so a new route
// fails `openapi_lists_exactly_the_routes_of_this_matrix` until it has its cases here.

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <atomic>
#include <regex>
#include <set>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::describe;
using pgtest::expect_problem;
using pgtest::response;
using pgtest::stack;

// kCarrier: no API key; the carrier authenticates by its own scheme or push token
// (tracking_push_test.cpp covers those answers).
enum role_bits : unsigned { kPublic = 0, kMerchant = 1, kPoint = 2, kOps = 4, kCarrier = 8 };

struct route_case {
  std::string method;
  std::string pattern;  // as written in the OpenAPI document
  unsigned roles;       // kPublic: no key needed
};

const std::vector<route_case>& routes() {
  static const std::vector<route_case> table = {
      {"GET", "/healthz", kPublic},
      {"GET", "/readyz", kPublic},
      {"GET", "/metrics", kPublic},
      {"GET", "/openapi.json", kPublic},
      {"GET", "/v1/carriers", kMerchant | kPoint | kOps},
      {"POST", "/v1/shipments", kMerchant},
      {"GET", "/v1/shipments", kMerchant | kOps},
      {"GET", "/v1/shipments/{id}", kMerchant | kOps},
      {"GET", "/v1/shipments/{id}/label", kMerchant | kOps},
      {"GET", "/v1/shipments/{id}/qr", kMerchant | kOps},
      {"POST", "/v1/shipments/{id}/cancel", kMerchant},
      {"POST", "/v1/rates", kMerchant | kOps},
      {"GET", "/v1/tariffs", kMerchant | kOps},
      {"POST", "/v1/tariffs/compare", kOps},
      {"POST", "/v1/carriers/{carrier}/events", kCarrier},
      {"GET", "/v1/carriers/{carrier}/events", kCarrier},
      {"GET", "/v1/tracking/{tracking_number}", kMerchant | kOps},
      {"GET", "/v1/shipments/{id}/events", kMerchant | kOps},
      {"GET", "/track/{tracking_number}", kPublic},
      {"POST", "/v1/webhooks", kMerchant},
      {"GET", "/v1/webhooks", kMerchant},
      {"GET", "/v1/webhooks/{id}", kMerchant},
      {"DELETE", "/v1/webhooks/{id}", kMerchant},
      {"POST", "/v1/webhooks/{id}/rotate-secret", kMerchant},
      {"GET", "/v1/webhooks/{id}/deliveries", kMerchant},
      {"GET", "/v1/points", kMerchant | kPoint | kOps},
      {"GET", "/v1/points/{point_id}", kMerchant | kPoint | kOps},
      {"POST", "/v1/points/{point_id}/dropoffs", kPoint},
      {"POST", "/v1/points/{point_id}/handovers", kPoint},
      {"GET", "/v1/points/{point_id}/parcels", kPoint | kOps},
      {"POST", "/v1/pickups", kMerchant},
      {"GET", "/v1/pickups/{id}", kMerchant | kOps},
      {"POST", "/v1/pickups/{id}/cancel", kMerchant},
  };
  return table;
}

// Routes no API key opens: public ones, and the carriers' push endpoints.
bool keyless(const route_case& r) {
  return r.roles == kPublic || r.roles == kCarrier;
}

std::string name_of(const route_case& r) {
  return r.method + " " + r.pattern;
}

const std::vector<std::pair<unsigned, std::string>> kRoles = {
    {kMerchant, "merchant"}, {kPoint, "point"}, {kOps, "ops"}};

bool webhook_route(const route_case& r) {
  return r.pattern.starts_with("/v1/webhooks");
}
bool pickup_route(const route_case& r) {
  return r.pattern.starts_with("/v1/pickups");
}
// An id of the route's kind that no one was given.
std::string unissued_id(const route_case& r) {
  return webhook_route(r)  ? "whk_000000000000000"
         : pickup_route(r) ? "pck_000000000000000"
                           : "shp_000000000000000";
}

const std::string kPointSearch = "/v1/points?country=FR&postal_code=69100&city=Villeurbanne";

const std::string kWebhookBody =
    R"({"url": "https://hooks.example.com/acme", "events": ["shipment.created"]})";

std::string with_id(const std::string& pattern, const std::string& id) {
  auto at = pattern.find("{id}");
  return at == std::string::npos ? pattern : pattern.substr(0, at) + id + pattern.substr(at + 4);
}

// The point every point key of this file is bound to (the harness's default).
std::string with_point(const std::string& pattern) {
  const std::string name = "{point_id}";
  auto at = pattern.find(name);
  return at == std::string::npos ? pattern
                                 : pattern.substr(0, at) + std::string(stack::kDefaultPoint) +
                                       pattern.substr(at + name.size());
}

std::string with_number(const std::string& pattern, const std::string& number) {
  const std::string name = "{tracking_number}";
  auto at = pattern.find(name);
  return at == std::string::npos
             ? pattern
             : pattern.substr(0, at) + number + pattern.substr(at + name.size());
}

// A well-formed API key (valid checksum) that was never issued: the checksum is the first 48 bits
// of SHA-256(body) written as 6 base62 digits (gateway/api/api_keys.cpp).
std::string unissued_key(const std::string& role) {
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string body = "pg_" + role + "_";
  for (int i = 0; i < 24; ++i) body.push_back(kAlphabet[(i * 7 + 3) % 62]);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(body.data(), body.size(), digest, &len, EVP_sha256(), nullptr);
  unsigned long long v = 0;
  for (int i = 0; i < 6; ++i) v = (v << 8) | digest[i];
  std::string check(6, '0');
  for (int i = 5; i >= 0; --i) {
    check[static_cast<std::size_t>(i)] = kAlphabet[v % 62];
    v /= 62;
  }
  return body + check;
}

class auth_matrix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pgtest::stack_options options;
    options.extra_config = std::string(pgtest::kInpostCarrierConfig) + "tariffs: \"" + SOURCE_DIR +
                           "/config/tariffs\"\n";
    env_ = new stack(options);
    owner_key_ = new std::string(env_->create_key("acme", "merchant"));
    auto created = env_->call("POST", "/v1/shipments", *owner_key_,
                              pgtest::shipment_body("colissimo", "owned-by-acme"),
                              {{"Idempotency-Key", "auth-matrix-setup"}});
    ASSERT_EQ(created.status, 201) << describe(created);
    shipment_id_ = new std::string(pgtest::string_at(pgtest::parse_object(created.body), "id"));
    tracking_number_ =
        new std::string(pgtest::string_at(pgtest::parse_object(created.body), "tracking_number"));
    // A parcel of the point's network, for the point routes.
    auto relay = env_->call("POST", "/v1/shipments", *owner_key_,
                            pgtest::shipment_body("mondialrelay", "relay-of-acme"),
                            {{"Idempotency-Key", "auth-matrix-relay"}});
    ASSERT_EQ(relay.status, 201) << describe(relay);
    relay_number_ =
        new std::string(pgtest::string_at(pgtest::parse_object(relay.body), "tracking_number"));
    // A point the networks know, for GET /v1/points/{point_id}.
    auto found = env_->call("GET", kPointSearch, *owner_key_);
    ASSERT_EQ(found.status, 200) << describe(found);
    const auto points = pgtest::parse_object(found.body);
    ASSERT_FALSE(points.at("data").as_array().empty()) << found.body;
    known_point_ =
        new std::string(pgtest::string_at(points.at("data").as_array()[0].as_object(), "id"));
    auto hook = env_->call("POST", "/v1/webhooks", *owner_key_, kWebhookBody);
    ASSERT_EQ(hook.status, 201) << describe(hook);
    webhook_id_ = new std::string(pgtest::string_at(pgtest::parse_object(hook.body), "id"));
    // acme's pickup of an InPost courier parcel (the {id} pickup routes), and a parcel left for
    // the one booking a merchant makes through the matrix.
    std::string courier[2];
    for (int i = 0; i < 2; ++i) {
      auto bought = env_->call("POST", "/v1/shipments", *owner_key_,
                               pgtest::shipment_body("inpost", "courier-" + std::to_string(i)),
                               {{"Idempotency-Key", "auth-matrix-courier-" + std::to_string(i)}});
      ASSERT_EQ(bought.status, 201) << describe(bought);
      courier[i] = pgtest::string_at(pgtest::parse_object(bought.body), "id");
    }
    auto pickup =
        env_->call("POST", "/v1/pickups", *owner_key_,
                   pgtest::pickup_body("inpost", pgtest::local_date("Europe/Warsaw"), {courier[0]}),
                   {{"Idempotency-Key", "auth-matrix-pickup"}});
    ASSERT_EQ(pickup.status, 201) << describe(pickup);
    pickup_id_ = new std::string(pgtest::string_at(pgtest::parse_object(pickup.body), "id"));
    free_parcel_ = new std::string(courier[1]);
  }
  static void TearDownTestSuite() {
    delete env_;
    delete owner_key_;
    delete shipment_id_;
    delete tracking_number_;
    delete relay_number_;
    delete known_point_;
    delete webhook_id_;
    delete pickup_id_;
    delete free_parcel_;
    env_ = nullptr;
  }

  // Calls `r` as a client with `authorization` (empty: no header) would: valid input, so only
  // authentication or authorization can refuse it.
  response hit(const route_case& r, const std::string& authorization, const std::string& id = {},
               pgtest::header_list headers = {}) {
    if (!authorization.empty()) headers.emplace_back("Authorization", authorization);
    std::string body;
    if (r.method == "POST" && r.pattern == "/v1/shipments") {
      body = pgtest::shipment_body("colissimo", "auth-matrix");
      headers.emplace_back("Idempotency-Key", "auth-matrix-" + std::to_string(counter_++));
    }
    if (r.method == "POST" && r.pattern == "/v1/tariffs/compare")
      body =
          R"({"shipments": [{"from_country": "FR", "from_postal_code": "75001", "to_country": "FR",
                 "to_postal_code": "69001", "weight_g": 1000, "service": "home"}], "date": "2026-06-01"})";
    if (r.method == "POST" && r.pattern == "/v1/webhooks") body = kWebhookBody;
    if (r.method == "POST" && r.pattern == "/v1/pickups") {
      body = pgtest::pickup_body("inpost", pgtest::local_date("Europe/Warsaw"), {*free_parcel_});
      headers.emplace_back("Idempotency-Key", "auth-matrix-pickup-" + std::to_string(counter_++));
    }
    if (r.method == "POST" && r.pattern.ends_with("/dropoffs"))
      body = R"({"barcode": ")" + *relay_number_ + R"("})";
    if (r.method == "POST" && r.pattern.ends_with("/handovers"))
      body = R"({"carrier": "mondialrelay", "barcodes": [")" + *relay_number_ + R"("]})";
    if (r.method == "POST" && r.pattern == "/v1/rates")
      body =
          R"({"from": {"country": "FR", "postal_code": "75001"}, "to": {"country": "FR", "postal_code": "69001"},
                 "parcels": [{"weight_g": 1000}], "date": "2026-06-01"})";
    const std::string& own = webhook_route(r)  ? *webhook_id_
                             : pickup_route(r) ? *pickup_id_
                                               : *shipment_id_;
    if (r.pattern == "/v1/points") return env_->call(r.method, kPointSearch, "", body, headers);
    if (r.pattern == "/v1/points/{point_id}")
      return env_->call(r.method, "/v1/points/" + *known_point_, "", body, headers);
    return env_->call(
        r.method,
        with_point(with_number(with_id(r.pattern, id.empty() ? own : id), *tracking_number_)), "",
        body, headers);
  }

  static std::string bearer(const std::string& key) { return "Bearer " + key; }

  std::string owner_status() {
    auto r = env_->call("GET", "/v1/shipments/" + *shipment_id_, *owner_key_);
    return pgtest::string_at(pgtest::parse_object(r.body), "status");
  }

  static stack* env_;
  static std::string* owner_key_;
  static std::string* shipment_id_;
  static std::string* tracking_number_;
  static std::string* relay_number_;  // acme's Mondial Relay parcel (the point routes')
  static std::string* known_point_;   // a point the simulated networks serve
  static std::string* webhook_id_;    // acme's endpoint
  static std::string* pickup_id_;     // acme's InPost pickup
  static std::string* free_parcel_;   // acme's InPost parcel in no pickup
  static std::atomic<int> counter_;
};
stack* auth_matrix::env_ = nullptr;
std::string* auth_matrix::owner_key_ = nullptr;
std::string* auth_matrix::shipment_id_ = nullptr;
std::string* auth_matrix::tracking_number_ = nullptr;
std::string* auth_matrix::relay_number_ = nullptr;
std::string* auth_matrix::known_point_ = nullptr;
std::string* auth_matrix::webhook_id_ = nullptr;
std::string* auth_matrix::pickup_id_ = nullptr;
std::string* auth_matrix::free_parcel_ = nullptr;
std::atomic<int> auth_matrix::counter_{0};

TEST_F(auth_matrix, openapi_lists_exactly_the_routes_of_this_matrix) {
  auto r = env_->call("GET", "/openapi.json", "");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto doc = pgtest::parse_object(r.body);
  std::set<std::string> documented, secured;
  for (const auto& [path, item] : doc.at("paths").as_object())
    for (const auto& [method, op] : item.as_object()) {
      std::string m(method);
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(m + " " + std::string(path));
      if (op.as_object().contains("security")) secured.insert(m + " " + std::string(path));
    }
  std::set<std::string> covered, covered_secured;
  for (const auto& c : routes()) {
    covered.insert(name_of(c));
    if (!keyless(c)) covered_secured.insert(name_of(c));
  }
  EXPECT_EQ(documented, covered)
      << "a route was added or removed: give it its auth cases in this file";
  EXPECT_EQ(secured, covered_secured) << "a route's need for a key differs from this matrix";
}

TEST_F(auth_matrix, public_routes_answer_without_a_key_and_ignore_a_bad_one) {
  for (const auto& r : routes()) {
    if (r.roles != kPublic) continue;
    SCOPED_TRACE(name_of(r));
    auto plain = hit(r, "");
    EXPECT_EQ(plain.status, 200) << describe(plain);
    auto junk = hit(r, "Bearer junk");
    EXPECT_EQ(junk.status, 200) << describe(junk);
  }
}

TEST_F(auth_matrix, protected_routes_answer_401_problem_without_a_key) {
  const auto sold = pgtest::labels_sold(*env_);
  for (const auto& r : routes()) {
    if (keyless(r)) continue;
    SCOPED_TRACE(name_of(r));
    auto res = hit(r, "");
    expect_problem(res, 401, "unauthorized");
    EXPECT_TRUE(res.header("www-authenticate").starts_with("Bearer"))
        << res.header("www-authenticate");
  }
  EXPECT_EQ(pgtest::labels_sold(*env_), sold) << "a request without a key reached the carrier";
  EXPECT_EQ(owner_status(), "label_created");
}

TEST_F(auth_matrix, protected_routes_answer_401_to_malformed_or_unknown_keys) {
  const auto sold = pgtest::labels_sold(*env_);
  std::string real = env_->create_key("acme", "merchant");
  std::string bad_checksum = real;
  bad_checksum.back() = bad_checksum.back() == 'A' ? 'B' : 'A';
  const std::vector<std::string> variants = {
      "Bearer",                      // no key
      "Bearer ",                     // empty key
      "Bearer not-a-key",            // not the pg_ format
      "Basic dXNlcjpwYXNzd29yZA==",  // another scheme
      "Token " + real,               // a real key under another scheme
      bearer(bad_checksum),          // one character mistyped
      bearer(real.substr(0, real.size() - 1)),
      bearer("pg_admin_" + real.substr(real.find('_', 3) + 1)),  // unknown role
      bearer(unissued_key("merchant")),                          // well-formed, never issued
  };
  for (const auto& r : routes()) {
    if (keyless(r)) continue;
    for (const auto& v : variants) {
      SCOPED_TRACE(name_of(r) + " with Authorization: " + v);
      auto res = hit(r, v);
      expect_problem(res, 401, "unauthorized");
    }
  }
  EXPECT_EQ(pgtest::labels_sold(*env_), sold);
  EXPECT_EQ(owner_status(), "label_created");
  // The real key itself is fine: the 401s came from the mistakes.
  EXPECT_EQ(env_->call("GET", "/v1/carriers", real).status, 200);
}

TEST_F(auth_matrix, a_401_says_which_mistake_was_made_without_echoing_the_credentials) {
  std::string real = env_->create_key("acme", "merchant");
  auto detail_for = [&](const std::string& authorization) {
    auto res = env_->call("GET", "/v1/shipments", "", "", {{"Authorization", authorization}});
    EXPECT_EQ(res.status, 401);
    EXPECT_EQ(res.body.find(real.substr(10)), std::string::npos) << "the answer echoes the key";
    return pgtest::string_at(pgtest::parse_object(res.body), "detail");
  };
  EXPECT_NE(detail_for("Token " + real).find("Bearer scheme"), std::string::npos);
  EXPECT_NE(detail_for(real).find("Bearer scheme"), std::string::npos);
  EXPECT_NE(detail_for("Basic dXNlcjpwYXNzd29yZA==").find("Bearer scheme"), std::string::npos);
  EXPECT_NE(detail_for("Bearer not-a-key").find("not shaped like"), std::string::npos);
  EXPECT_NE(detail_for(bearer(unissued_key("merchant"))).find("unknown or revoked"),
            std::string::npos);
  EXPECT_NE(env_->call("GET", "/v1/shipments", "").body.find("send an API key"), std::string::npos);
}

TEST_F(auth_matrix, protected_routes_answer_401_once_the_key_is_revoked) {
  auto doomed = env_->create_key_info("acme", "merchant");
  auto survivor = env_->create_key("acme", "merchant");
  // Used first, so a positive cache entry exists and must expire.
  ASSERT_EQ(env_->call("GET", "/v1/shipments", doomed.key).status, 200);
  std::string out;
  ASSERT_EQ(env_->parcelctl({"keys", "revoke", doomed.id}, &out), 0) << out;
  // The gateway caches keys for 5 s: poll until the revocation is seen.
  bool refused = pgtest::eventually(
      [&] { return env_->call("GET", "/v1/shipments", doomed.key).status == 401; },
      std::chrono::seconds(15));
  ASSERT_TRUE(refused) << "a revoked key was still accepted 15 s later";
  const auto sold = pgtest::labels_sold(*env_);
  for (const auto& r : routes()) {
    if (keyless(r)) continue;
    SCOPED_TRACE(name_of(r));
    expect_problem(hit(r, bearer(doomed.key)), 401, "unauthorized");
  }
  EXPECT_EQ(pgtest::labels_sold(*env_), sold);
  EXPECT_EQ(owner_status(), "label_created");
  EXPECT_EQ(env_->call("GET", "/v1/shipments", survivor).status, 200)
      << "revoking one key affected another";
}

TEST_F(auth_matrix, routes_answer_403_to_roles_they_do_not_admit) {
  const auto sold = pgtest::labels_sold(*env_);
  std::map<unsigned, std::string> keys;
  for (const auto& [bit, name] : kRoles) keys[bit] = env_->create_key("acme", name);
  int refusals = 0;
  for (const auto& r : routes()) {
    if (keyless(r)) continue;
    for (const auto& [bit, name] : kRoles) {
      if (r.roles & bit) continue;
      SCOPED_TRACE(name_of(r) + " with a " + name + " key");
      auto res = hit(r, bearer(keys[bit]));
      expect_problem(res, 403, "forbidden");
      ++refusals;
    }
  }
  EXPECT_GE(refusals, 5);  // point and ops on POST routes, point on reads
  EXPECT_EQ(pgtest::labels_sold(*env_), sold) << "a forbidden role bought a label";
  EXPECT_EQ(owner_status(), "label_created") << "a forbidden role cancelled a shipment";
}

TEST_F(auth_matrix, another_tenants_ids_are_404_on_every_route_that_takes_one) {
  const auto sold = pgtest::labels_sold(*env_);
  auto intruder = env_->create_key("globex", "merchant");
  int checked = 0;
  for (const auto& r : routes()) {
    if (r.pattern.find("{id}") == std::string::npos) continue;
    SCOPED_TRACE(name_of(r));
    ASSERT_TRUE(r.roles & kMerchant)
        << "no cross-tenant case for a route merchants cannot use: add one";
    auto foreign = hit(r, bearer(intruder));
    expect_problem(foreign, 404, "not-found");
    // Indistinguishable from an id that does not exist at all.
    auto missing = hit(r, bearer(intruder), unissued_id(r));
    expect_problem(missing, 404, "not-found");
    auto a = pgtest::parse_object(foreign.body), b = pgtest::parse_object(missing.body);
    EXPECT_EQ(a.at("title"), b.at("title"));
    EXPECT_EQ(foreign.body.find("acme"), std::string::npos) << "the answer names the owner tenant";
    ++checked;
  }
  // A tracking number names a shipment too: another tenant's is an unknown one.
  auto foreign = env_->call("GET", "/v1/tracking/" + *tracking_number_, intruder);
  expect_problem(foreign, 404, "not-found");
  auto missing = env_->call("GET", "/v1/tracking/6A00000000000", intruder);
  expect_problem(missing, 404, "not-found");
  EXPECT_EQ(pgtest::parse_object(foreign.body).at("title"),
            pgtest::parse_object(missing.body).at("title"));
  EXPECT_EQ(foreign.body.find("acme"), std::string::npos);
  // read, label, QR code, cancel, events; webhook read, delete, rotation, deliveries; pickup read,
  // cancel (a label-less return's QR code for another tenant: labelless_returns_test)
  EXPECT_EQ(checked, 11);
  EXPECT_EQ(env_->call("GET", "/v1/webhooks/" + *webhook_id_, *owner_key_).status, 200)
      << "another tenant deleted the endpoint";
  // Lists and filters do not show it either.
  EXPECT_TRUE(pgtest::list_all_shipments(*env_, intruder).empty());
  EXPECT_TRUE(pgtest::list_all_shipments(*env_, intruder, "reference=owned-by-acme").empty());
  auto cursor = env_->call("GET", "/v1/shipments?starting_after=" + *shipment_id_, intruder);
  EXPECT_NE(cursor.status, 200) << "another tenant's id works as a cursor: " << describe(cursor);
  EXPECT_EQ(owner_status(), "label_created") << "another tenant cancelled the shipment";
  EXPECT_EQ(pgtest::labels_sold(*env_), sold);
}

TEST_F(auth_matrix, bad_input_gets_422_with_field_errors_on_routes_that_take_input) {
  auto key = env_->create_key("acme", "merchant");
  const auto sold = pgtest::labels_sold(*env_);
  std::set<std::string> covered;
  {
    auto res = env_->call("POST", "/v1/shipments", key,
                          R"({"carrier": "colissimo", "service": "home", "parcels": []})",
                          {{"Idempotency-Key", "auth-matrix-bad-input"}});
    expect_problem(res, 422, "validation-error");
    auto fields = pgtest::error_fields(res);
    EXPECT_TRUE(fields.contains("from") && fields.contains("to") && fields.contains("parcels"))
        << describe(res);
    covered.insert("POST /v1/shipments");
  }
  {
    auto res = env_->call("GET", "/v1/shipments?limit=0", key);
    expect_problem(res, 422, "validation-error");
    EXPECT_EQ(pgtest::error_fields(res), std::set<std::string>{"limit"});
    covered.insert("GET /v1/shipments");
  }
  {
    auto res = env_->call("POST", "/v1/shipments/" + *shipment_id_ + "/cancel", key,
                          R"({"reason": "changed my mind"})");
    expect_problem(res, 422, "validation-error");
    EXPECT_FALSE(pgtest::error_fields(res).empty());
    EXPECT_EQ(owner_status(), "label_created") << "a refused cancel request cancelled";
    covered.insert("POST /v1/shipments/{id}/cancel");
  }
  // Routes whose only input is the id: an id that cannot exist is simply not found.
  for (const auto* pattern :
       {"/v1/shipments/{id}", "/v1/shipments/{id}/label", "/v1/shipments/{id}/qr"}) {
    for (const auto* bad :
         {"shp_", "shp_UPPERCASE000000", "not-an-id", "shp_000000000000000000000"}) {
      SCOPED_TRACE(std::string(pattern) + " with " + bad);
      expect_problem(env_->call("GET", with_id(pattern, bad), key), 404, "not-found");
    }
    covered.insert(std::string("GET ") + pattern);
  }
  {
    auto res =
        env_->call("POST", "/v1/rates", key,
                   R"({"from": {"country": "XX"}, "parcels": [{"weight_g": -1}], "speed": 1})");
    expect_problem(res, 422, "validation-error");
    EXPECT_EQ(pgtest::error_fields(res),
              (std::set<std::string>{"from.country", "from.postal_code", "to",
                                     "parcels[0].weight_g", "speed"}));
    covered.insert("POST /v1/rates");
  }
  {
    auto ops = env_->create_key("ops-team", "ops");
    auto res = env_->call("POST", "/v1/tariffs/compare", ops,
                          R"({"shipments": 3, "target": "nope", "colour": 1})");
    expect_problem(res, 422, "validation-error");
    EXPECT_EQ(pgtest::error_fields(res), (std::set<std::string>{"shipments", "target", "colour"}));
    covered.insert("POST /v1/tariffs/compare");
  }
  {
    auto res = env_->call("GET", "/v1/tracking/" + *tracking_number_ + "?carrier=nope&x=1", key);
    expect_problem(res, 422, "validation-error");
    EXPECT_EQ(pgtest::error_fields(res), (std::set<std::string>{"carrier", "x"}));
    covered.insert("GET /v1/tracking/{tracking_number}");
  }
  {
    auto res = env_->call("GET", "/v1/shipments/" + *shipment_id_ + "/events?limit=1", key);
    expect_problem(res, 422, "validation-error");
    EXPECT_EQ(pgtest::error_fields(res), (std::set<std::string>{"limit"}));
    covered.insert("GET /v1/shipments/{id}/events");
  }
  {
    auto res = env_->call("POST", "/v1/webhooks", key,
                          R"({"url": "https://10.0.0.1/x", "events": ["shipment.lost"]})");
    expect_problem(res, 422, "validation-error");
    EXPECT_EQ(pgtest::error_fields(res), (std::set<std::string>{"url", "events[0]"}));
    covered.insert("POST /v1/webhooks");
  }
  for (const auto* target : {"/v1/webhooks?limit=0", "/v1/webhooks/{id}/deliveries?limit=0"}) {
    auto res = env_->call("GET", with_id(target, *webhook_id_), key);
    expect_problem(res, 422, "validation-error");
    EXPECT_EQ(pgtest::error_fields(res), std::set<std::string>{"limit"});
  }
  covered.insert("GET /v1/webhooks");
  covered.insert("GET /v1/webhooks/{id}/deliveries");
  {
    auto res = env_->call("POST", "/v1/webhooks/" + *webhook_id_ + "/rotate-secret", key,
                          R"({"secret": "mine"})");
    expect_problem(res, 422, "validation-error");
    covered.insert("POST /v1/webhooks/{id}/rotate-secret");
  }
  for (const auto* pattern : {"/v1/webhooks/{id}"}) {
    for (const auto* bad : {"whk_", "whk_UPPERCASE000000", "not-an-id"}) {
      SCOPED_TRACE(std::string(pattern) + " with " + bad);
      expect_problem(env_->call("GET", with_id(pattern, bad), key), 404, "not-found");
      expect_problem(env_->call("DELETE", with_id(pattern, bad), key), 404, "not-found");
    }
    covered.insert(std::string("GET ") + pattern);
    covered.insert(std::string("DELETE ") + pattern);
  }
  {
    auto point = env_->create_key("acme", "point");
    auto res = env_->call("POST", with_point("/v1/points/{point_id}/dropoffs"), point,
                          R"({"barcode": 1, "colour": "red"})");
    expect_problem(res, 422, "validation-error");
    EXPECT_EQ(pgtest::error_fields(res), (std::set<std::string>{"barcode", "colour"}));
    covered.insert("POST /v1/points/{point_id}/dropoffs");
    res = env_->call("POST", with_point("/v1/points/{point_id}/handovers"), point,
                     R"({"carrier": "colissimo", "barcodes": []})");
    expect_problem(res, 422, "validation-error");
    EXPECT_EQ(pgtest::error_fields(res), (std::set<std::string>{"carrier", "barcodes"}));
    covered.insert("POST /v1/points/{point_id}/handovers");
    res = env_->call("GET", with_point("/v1/points/{point_id}/parcels?limit=0"), point);
    expect_problem(res, 422, "validation-error");
    EXPECT_EQ(pgtest::error_fields(res), std::set<std::string>{"limit"});
    covered.insert("GET /v1/points/{point_id}/parcels");
    res = env_->call("GET", "/v1/points?country=FR", key);
    expect_problem(res, 422, "validation-error");
    EXPECT_FALSE(pgtest::error_fields(res).empty());
    covered.insert("GET /v1/points");
    res = env_->call("GET", "/v1/points/not-a-point", key);  // not shaped like a point id
    expect_problem(res, 422, "validation-error");
    EXPECT_FALSE(pgtest::error_fields(res).empty());
    covered.insert("GET /v1/points/{point_id}");
  }
  {
    auto res = env_->call("POST", "/v1/pickups", key,
                          pgtest::pickup_body("mondialrelay", "2026-02-30", {"shp_1"}),
                          {{"Idempotency-Key", "auth-matrix-bad-pickup"}});
    expect_problem(res, 422, "validation-error");
    EXPECT_EQ(pgtest::error_fields(res),
              (std::set<std::string>{"carrier", "date", "shipment_ids[0]"}));
    covered.insert("POST /v1/pickups");
    for (const auto* bad : {"pck_", "pck_UPPERCASE000000", "not-an-id"}) {
      SCOPED_TRACE(bad);
      expect_problem(env_->call("GET", std::string("/v1/pickups/") + bad, key), 404, "not-found");
    }
    covered.insert("GET /v1/pickups/{id}");
    res = env_->call("POST", "/v1/pickups/" + *pickup_id_ + "/cancel", key, R"({"reason": 1})");
    expect_problem(res, 422, "validation-error");
    covered.insert("POST /v1/pickups/{id}/cancel");
  }
  covered.insert("GET /v1/carriers");  // takes no input
  covered.insert("GET /v1/tariffs");   // takes no input
  for (const auto& r : routes())
    if (!keyless(r)) {
      EXPECT_TRUE(covered.contains(name_of(r))) << "no bad-input case for " << name_of(r);
    }
  EXPECT_EQ(pgtest::labels_sold(*env_), sold);
}

TEST_F(auth_matrix, every_route_serves_each_role_it_admits) {
  std::map<unsigned, std::string> keys;
  for (const auto& [bit, name] : kRoles) keys[bit] = env_->create_key("acme", name);
  // A shipment of its own to cancel at the end.
  auto mine = env_->call("POST", "/v1/shipments", keys[kMerchant],
                         pgtest::shipment_body("mondialrelay", "happy-path"),
                         {{"Idempotency-Key", "auth-matrix-happy"}});
  ASSERT_EQ(mine.status, 201) << describe(mine);
  const std::string id = pgtest::string_at(pgtest::parse_object(mine.body), "id");
  // A label-less return of its own, whose QR code is served.
  auto labelless =
      env_->call("POST", "/v1/shipments", keys[kMerchant],
                 R"({"direction": "return", "carrier": "mondialrelay", "service": "home",
          "from": {"name": "Marie Curie", "line1": "31 cours Andre Philip", "city": "Villeurbanne",
                   "postal_code": "69100", "country": "FR", "phone": "+33611223344"},
          "to": {"name": "Acme Returns", "line1": "10 rue de Rivoli", "city": "Paris",
                 "postal_code": "75001", "country": "FR"},
          "parcels": [{"weight_g": 900}], "label": {"mode": "labelless"}})",
                 {{"Idempotency-Key", "auth-matrix-labelless"}});
  ASSERT_EQ(labelless.status, 201) << describe(labelless);
  const std::string return_id = pgtest::string_at(pgtest::parse_object(labelless.body), "id");
  for (const auto& r : routes()) {
    std::vector<std::pair<std::string, std::string>> callers;  // role name, Authorization
    if (r.roles == kPublic) callers.emplace_back("anyone", "");
    for (const auto& [bit, name] : kRoles)
      if (r.roles & bit) callers.emplace_back(name, bearer(keys[bit]));
    for (const auto& [who, auth] : callers) {
      SCOPED_TRACE(name_of(r) + " as " + who);
      if (r.method == "DELETE") continue;  // below, last
      const bool qr = r.pattern == "/v1/shipments/{id}/qr";
      auto res = hit(r, auth,
                     webhook_route(r) || pickup_route(r) ? std::string()
                     : qr                                ? return_id
                                                         : id);
      if ((r.pattern == "/v1/shipments" || r.pattern == "/v1/webhooks" ||
           r.pattern == "/v1/pickups" || r.pattern.ends_with("/dropoffs")) &&
          r.method == "POST") {
        EXPECT_EQ(res.status, 201) << describe(res);
      } else if (r.pattern == "/v1/shipments/{id}/label") {
        EXPECT_EQ(res.status, 200) << describe(res);
        EXPECT_TRUE(res.body.starts_with("%PDF-"));
      } else if (qr) {
        EXPECT_EQ(res.status, 200) << describe(res);
        EXPECT_TRUE(res.body.starts_with("\x89PNG"));
      } else if (r.pattern == "/v1/shipments/{id}/cancel") {
        continue;  // below, last
      } else {
        EXPECT_EQ(res.status, 200) << describe(res);
      }
      if (r.pattern == "/v1/shipments/{id}") {
        EXPECT_EQ(pgtest::string_at(pgtest::parse_object(res.body), "id"), id);
      }
      if (r.pattern == "/v1/shipments" && r.method == "GET") {
        EXPECT_NE(res.body.find(id), std::string::npos)
            << who << " does not see the shipment in the list";
      }
      if (r.pattern == "/v1/tariffs/compare") {
        EXPECT_NE(res.body.find("\"best_total\""), std::string::npos) << describe(res);
      }
      if (r.pattern == "/v1/rates") {
        EXPECT_NE(res.body.find("\"cheapest\""), std::string::npos) << describe(res);
      }
      if (r.pattern == "/v1/carriers") {
        EXPECT_NE(res.body.find("\"colissimo\""), std::string::npos);
        EXPECT_NE(res.body.find("\"mondialrelay\""), std::string::npos);
      }
    }
  }
  auto cancelled = env_->call("POST", "/v1/shipments/" + id + "/cancel", keys[kMerchant]);
  ASSERT_EQ(cancelled.status, 200) << describe(cancelled);
  // An endpoint of its own to delete.
  auto hook = env_->call("POST", "/v1/webhooks", keys[kMerchant], kWebhookBody);
  ASSERT_EQ(hook.status, 201) << describe(hook);
  const auto hook_id = pgtest::string_at(pgtest::parse_object(hook.body), "id");
  EXPECT_EQ(env_->call("DELETE", "/v1/webhooks/" + hook_id, keys[kMerchant]).status, 200);
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(cancelled.body), "status"), "cancelled");
}

TEST_F(auth_matrix, x_request_id_is_echoed_when_valid_and_generated_otherwise) {
  auto key = env_->create_key("acme", "merchant");
  const std::regex generated("^req_[0-9a-z]{15}$");
  const std::string longest(128, 'a');
  const std::vector<std::string> valid = {"abc-123_X.y:z", longest, "0"};
  const std::vector<std::string> invalid = {longest + "a", "has space", "<script>", "semi;colon",
                                            "caf\xc3\xa9"};
  struct probe {
    std::string name, method, target, key, body;
    int status;
  };
  const std::vector<probe> probes = {
      {"public route", "GET", "/healthz", "", "", 200},
      {"401", "GET", "/v1/shipments", "", "", 401},
      {"unknown route", "GET", "/nowhere", "", "", 404},
      {"422", "GET", "/v1/shipments?limit=abc", key, "", 422},
      {"handler answer", "GET", "/v1/carriers", key, "", 200},
  };
  for (const auto& p : probes) {
    for (const auto& id : valid) {
      SCOPED_TRACE(p.name + " with X-Request-Id " + id);
      auto res = env_->call(p.method, p.target, p.key, p.body, {{"X-Request-Id", id}});
      EXPECT_EQ(res.status, p.status) << describe(res);
      EXPECT_EQ(res.header("x-request-id"), id);
      if (res.status >= 400) {
        EXPECT_EQ(pgtest::string_at(pgtest::parse_object(res.body), "request_id"), id);
      }
    }
    for (const auto& id : invalid) {
      SCOPED_TRACE(p.name + " with X-Request-Id " + id);
      auto res = env_->call(p.method, p.target, p.key, p.body, {{"X-Request-Id", id}});
      EXPECT_EQ(res.status, p.status) << describe(res);
      EXPECT_TRUE(std::regex_match(res.header("x-request-id"), generated))
          << res.header("x-request-id");
      if (res.status >= 400) {
        EXPECT_EQ(pgtest::string_at(pgtest::parse_object(res.body), "request_id"),
                  res.header("x-request-id"));
      }
    }
    SCOPED_TRACE(p.name + " without X-Request-Id");
    auto a = env_->call(p.method, p.target, p.key, p.body);
    auto b = env_->call(p.method, p.target, p.key, p.body);
    EXPECT_TRUE(std::regex_match(a.header("x-request-id"), generated)) << a.header("x-request-id");
    EXPECT_NE(a.header("x-request-id"), b.header("x-request-id"));
  }
}

}  // namespace
