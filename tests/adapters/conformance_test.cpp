// The conformance suite: properties every carrier adapter must have, run over every built-in
// adapter (adapters/builtin.hpp) and the null adapter (null_adapter.hpp). A new adapter is
// picked up from the registry automatically and fails here until it has a profile in
// kProfiles below: the settings its required keys need, a shipment it accepts, and a fake
// carrier that serves its recorded success answers. A network the gateway runs itself (`local`:
// labels printed in-process) is marked `in_process`: it has no address to configure and must
// sell without a single request, so the properties about requests become "nothing was sent".
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "adapters/builtin.hpp"
#include "gateway/carriers/registry.hpp"
#include "gateway/config/config.hpp"
#include "tests/adapters/colissimo/test_support.hpp"
#include "tests/adapters/fake_call.hpp"
#include "tests/adapters/inpost/test_support.hpp"
#include "tests/adapters/local/test_support.hpp"
#include "tests/adapters/mondialrelay/test_support.hpp"
#include "tests/adapters/null_adapter.hpp"

namespace {

using namespace parcelgate;
using adapter_testing::fake_call;
using carriers::outbound_request;
using carriers::outbound_response;

struct profile {
  std::string id;
  carriers::carrier_settings required;       // a valid value for each required key
  std::function<shipment_request()> sample;  // a shipment the adapter accepts
  fake_call::handler carrier;                // answers a sale of `sample` with recorded answers
  bool in_process = false;                   // no HTTP at all: labels printed by the gateway
};

outbound_response response(int status, std::string content_type, std::string body) {
  return outbound_response{.status = status,
                           .headers = {{.name = "Content-Type", .value = std::move(content_type)}},
                           .body = std::move(body)};
}

const std::vector<profile>& profiles() {
  static const std::vector<profile> all = {
      profile{.id = "colissimo",
              .required = {{"base_url", "http://127.0.0.1:9443/colissimo"},
                           {"contract_number", "123456"},
                           {"password", "sandbox"}},
              .sample = [] { return colissimo_test::sample_request(); },
              .carrier = [](const outbound_request&) -> result<outbound_response> {
                return response(
                    200, "multipart/mixed; boundary=\"uuid:3f1c2a9e-5b7d-4e21-9a0c-6d8e2f4b1a77\"",
                    colissimo_test::fixture("generate_label_success.multipart"));
              },
              .in_process = false},
      profile{.id = "mondialrelay",
              .required = {{"base_url", "http://127.0.0.1:9443/mondialrelay"},
                           {"enseigne", "BDTEST13"},
                           {"private_key", "PrivateK"}},
              .sample = [] { return testing_mr::pickup_point_request(); },
              .carrier = [](const outbound_request& r) -> result<outbound_response> {
                if (r.method == "POST")
                  return response(200, "text/xml; charset=utf-8",
                                  testing_mr::fixture("creation_response_ok.xml"));
                return response(200, "application/pdf",
                                testing_mr::fixture("label_41098765_10x15.pdf"));
              },
              .in_process = false},
      profile{.id = "inpost",
              .required = {{"token", "sandbox-inpost-token"}, {"organization_id", "6183"}},
              .sample = [] { return inpost_test::locker_request(); },
              .carrier = [](const outbound_request& r) -> result<outbound_response> {
                // The asynchronous flow: created, then the label once confirmed, then the
                // confirmed shipment; a void finds the shipment by tracking number first.
                if (r.method == "POST")
                  return response(201, "application/json",
                                  inpost_test::fixture("shipment_created.json"));
                if (r.method == "DELETE")
                  return outbound_response{.status = 204, .headers = {}, .body = {}};
                if (r.url.find("/label?") != std::string::npos)
                  return response(200, "application/pdf", "%PDF-1.4\n% inpost label\n%%EOF\n");
                if (r.url.find("?tracking_number=") != std::string::npos)
                  return response(200, "application/json",
                                  "{\"count\":1,\"items\":[" +
                                      inpost_test::fixture("shipment_confirmed.json") + "]}");
                return response(200, "application/json",
                                inpost_test::fixture("shipment_confirmed.json"));
              },
              .in_process = false},
      profile{.id = "local",
              .required = {},
              .sample = [] { return local_test::return_request(); },
              .carrier = [](const outbound_request& r) -> result<outbound_response> {
                ADD_FAILURE() << "the local network sent " << r.method << " " << r.url;
                return make_error(error_kind::unavailable, "no network here");
              },
              .in_process = true},
      profile{.id = std::string(adapter_testing::kNullCarrierId),
              .required = {{"base_url", "https://null.example/api"},
                           {"account", "ACME"},
                           {"token", "t0ken"}},
              .sample =
                  [] {
                    auto r = colissimo_test::sample_request();
                    r.size = label_size::a6;
                    return r;
                  },
              .carrier = [](const outbound_request& r) -> result<outbound_response> {
                if (r.method == "DELETE")
                  return outbound_response{.status = 204, .headers = {}, .body = {}};
                return adapter_testing::null_carrier_sale("NULL00000042",
                                                          "%PDF-1.4\n% null label\n%%EOF\n");
              },
              .in_process = false},
  };
  return all;
}

// Every adapter under test: the registry's, then the null adapter.
std::vector<std::string> adapter_ids() {
  std::vector<std::string> ids;
  for (const auto& b : adapters::builtin_adapters()) ids.emplace_back(b.id);
  ids.emplace_back(adapter_testing::kNullCarrierId);
  return ids;
}

std::unique_ptr<carriers::carrier_adapter> make(std::string_view id) {
  if (id == adapter_testing::kNullCarrierId) return adapter_testing::make_null_adapter();
  for (const auto& b : adapters::builtin_adapters())
    if (b.id == id) return b.make();
  return nullptr;
}

bool has_field(const std::vector<field_error>& errors, std::string_view field) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const field_error& e) { return e.field == field; });
}

std::string fields_of(const std::vector<field_error>& errors) {
  std::string out;
  for (const auto& e : errors) out += (out.empty() ? "" : ", ") + e.field + " (" + e.message + ")";
  return out;
}

// Paths of OUR API's shipment request (gateway/domain/shipment_input.cpp).
bool is_api_path(const std::string& path) {
  static const std::regex api(
      R"(^(reference|direction|service|carrier_service|pickup_point_id|label\.(format|size)|)"
      R"(parcels(\[[0-9]+\](\.(weight_g|dimensions_mm))?)?|)"
      R"((from|to)\.(name|company|line1|line2|city|postal_code|country|phone|email))$)");
  return std::regex_match(path, api);
}

class AdapterConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto& all = profiles();
    auto it =
        std::find_if(all.begin(), all.end(), [&](const profile& p) { return p.id == GetParam(); });
    ASSERT_NE(it, all.end()) << "adapter " << GetParam()
                             << " has no conformance profile: add it to profiles() in "
                                "tests/adapters/conformance_test.cpp";
    profile_ = &*it;
    adapter_ = make(GetParam());
    ASSERT_NE(adapter_, nullptr);
  }

  // Defaults for the optional keys, the profile's values for the required ones.
  carriers::carrier_settings settings() const {
    carriers::carrier_settings s;
    for (const auto& spec : adapter_->settings_schema()) {
      if (!spec.required) {
        s[spec.key] = spec.default_value;
      } else if (auto it = profile_->required.find(spec.key); it != profile_->required.end()) {
        s[spec.key] = it->second;
      }
    }
    return s;
  }

  std::unique_ptr<carriers::carrier_adapter> configured() const {
    auto a = make(GetParam());
    auto errors = a->configure(settings());
    EXPECT_TRUE(errors.empty()) << fields_of(errors);
    return a;
  }

  // Runs a sale of `request` against `answer`; the adapter is configured first.
  std::pair<result<label_result>, std::unique_ptr<fake_call>> sell(
      const shipment_request& request, fake_call::handler answer) const {
    auto a = configured();
    auto call = std::make_unique<fake_call>(std::move(answer));
    auto out = colissimo_test::run(a->create_label(request, *call));
    return {std::move(out), std::move(call)};
  }

  // For an in-process network, whatever the transport would have done: the sale succeeds and
  // nothing was sent. True when that was the case (the test then has nothing more to check).
  bool sold_in_process(const result<label_result>& out, const fake_call& call) const {
    if (!profile_->in_process) return false;
    EXPECT_TRUE(out) << out.error().message;
    EXPECT_EQ(call.requests, 0) << "an in-process network never sends";
    EXPECT_TRUE(call.sent.empty());
    return true;
  }

  const profile* profile_ = nullptr;
  std::unique_ptr<carriers::carrier_adapter> adapter_;
};

TEST_P(AdapterConformance, identity_is_non_empty_stable_and_matches_the_registry) {
  const std::string id(adapter_->id());
  EXPECT_EQ(id, GetParam());
  EXPECT_TRUE(std::regex_match(id, std::regex("^[a-z][a-z0-9_]*$"))) << id;
  EXPECT_FALSE(adapter_->display_name().empty());
  auto again = make(GetParam());
  EXPECT_EQ(again->id(), adapter_->id());
  EXPECT_EQ(again->display_name(), adapter_->display_name());
  EXPECT_EQ(configured()->id(), adapter_->id());
}

TEST_P(AdapterConformance, settings_schema_has_unique_described_keys_and_marks_secrets) {
  std::set<std::string> keys;
  for (const auto& spec : adapter_->settings_schema()) {
    EXPECT_FALSE(spec.key.empty());
    EXPECT_TRUE(keys.insert(spec.key).second) << "duplicate key " << spec.key;
    EXPECT_NE(spec.key, "enabled") << "reserved by the registry";
    EXPECT_NE(spec.key, "timeout_s") << "reserved by the registry";
    EXPECT_FALSE(spec.description.empty()) << spec.key;
    if (spec.required) {
      EXPECT_TRUE(spec.default_value.empty()) << spec.key << ": a required key has no default";
    }
    for (std::string_view word : {"password", "secret", "token", "private_key", "api_key"})
      if (spec.key.find(word) != std::string::npos) {
        EXPECT_TRUE(spec.secret) << spec.key << " must be marked secret";
      }
  }
  if (profile_->in_process) {
    EXPECT_FALSE(std::any_of(keys.begin(), keys.end(), [](const std::string& k) {
      return k.ends_with("url");
    })) << "an in-process network has no carrier address";
    return;
  }
  EXPECT_TRUE(std::any_of(keys.begin(), keys.end(),
                          [](const std::string& k) { return k.ends_with("url"); }))
      << "the carrier's address must be configurable (tests and sandboxes point it at the "
         "simulator)";
}

TEST_P(AdapterConformance,
       configure_accepts_defaults_with_required_values_and_names_each_missing_key) {
  auto errors = adapter_->configure(settings());
  EXPECT_TRUE(errors.empty()) << fields_of(errors);
  auto empty = make(GetParam())->configure({});
  for (const auto& spec : adapter_->settings_schema())
    if (spec.required) {
      EXPECT_TRUE(has_field(empty, spec.key)) << spec.key << " missing but not reported";
    }
}

TEST_P(AdapterConformance, configure_refuses_an_invalid_url_naming_the_key) {
  int url_keys = 0;
  for (const auto& spec : adapter_->settings_schema()) {
    if (!spec.key.ends_with("url")) continue;
    ++url_keys;
    for (std::string bad : {"not a url", "ftp://carrier.example", "carrier.example/api"}) {
      auto s = settings();
      s[spec.key] = bad;
      auto errors = make(GetParam())->configure(s);
      EXPECT_TRUE(has_field(errors, spec.key)) << spec.key << " = " << bad << " accepted";
      for (const auto& e : errors) EXPECT_FALSE(e.message.empty());
    }
  }
  if (!profile_->in_process) {
    EXPECT_GT(url_keys, 0);
  }
}

TEST_P(AdapterConformance,
       the_registry_builds_it_from_a_config_section_and_reports_problems_by_path) {
  // The way the gateway meets an adapter: `carriers.<id>` in the config file, only the
  // required keys written, through carriers::registry::build.
  auto factory = [](std::string_view id) -> carriers::adapter_factory {
    if (id == adapter_testing::kNullCarrierId) return &adapter_testing::make_null_adapter;
    for (const auto& b : adapters::builtin_adapters())
      if (b.id == id) return b.make;
    return nullptr;
  };
  const carriers::adapter_entry entry{.id = GetParam(), .make = factory(GetParam())};
  ASSERT_NE(entry.make, nullptr);
  config::carrier_config section{.id = GetParam(),
                                 .enabled = true,
                                 .timeout = std::chrono::milliseconds(15'000),
                                 .settings = profile_->required,
                                 .lines = {}};
  auto built = carriers::registry::build(std::span(&entry, 1), {section});
  ASSERT_TRUE(built) << built.error().front().path << ": " << built.error().front().message;
  ASSERT_NE(built->find(GetParam()), nullptr);
  EXPECT_EQ(built->find(GetParam())->adapter->id(), GetParam());

  for (const auto& spec : adapter_->settings_schema()) {
    if (!spec.key.ends_with("url")) continue;
    auto bad = section;
    bad.settings[spec.key] = "not a url";
    auto refused = carriers::registry::build(std::span(&entry, 1), {bad});
    ASSERT_FALSE(refused) << spec.key;
    const std::string path = "carriers." + GetParam() + "." + spec.key;
    EXPECT_TRUE(std::any_of(refused.error().begin(), refused.error().end(),
                            [&](const config::problem& p) { return p.path == path; }))
        << path << " not reported";
  }
}

TEST_P(AdapterConformance, capabilities_are_consistent) {
  const auto caps = configured()->caps();
  EXPECT_TRUE(caps.cancel == "carrier" || caps.cancel == "local" || caps.cancel == "none")
      << caps.cancel;
  if (caps.cancel == "local") {
    EXPECT_FALSE(caps.cancel_note.empty()) << "say why voiding needs no call";
  }
  EXPECT_GE(caps.max_parcels, 1);
  EXPECT_FALSE(caps.label_formats.empty());
  EXPECT_FALSE(caps.label_sizes.empty());
  if (caps.labels) {
    EXPECT_FALSE(caps.services.empty());
  }
  EXPECT_EQ(std::set<service_level>(caps.services.begin(), caps.services.end()).size(),
            caps.services.size());
  EXPECT_EQ(std::set<label_format>(caps.label_formats.begin(), caps.label_formats.end()).size(),
            caps.label_formats.size());
  for (const auto& country : caps.destination_countries)
    EXPECT_TRUE(std::regex_match(country, std::regex("^[A-Z]{2}$"))) << country;
  // The same answer every time: caps() describe the configured adapter, not a state.
  const auto again = configured()->caps();
  EXPECT_EQ(again.services, caps.services);
  EXPECT_EQ(again.label_formats, caps.label_formats);
  EXPECT_EQ(again.cancel, caps.cancel);
}

TEST_P(AdapterConformance, validate_accepts_the_sample_and_is_pure) {
  auto a = configured();
  const auto sample = profile_->sample();
  EXPECT_TRUE(a->validate(sample).empty()) << fields_of(a->validate(sample));
  auto r = sample;
  r.format = label_format::png;
  r.service = service_level::express;
  r.parcels.push_back(r.parcels.front());
  const auto first = a->validate(r);
  const auto second = a->validate(r);
  const auto other_instance = configured()->validate(r);
  ASSERT_FALSE(first.empty());
  ASSERT_EQ(first.size(), second.size());
  ASSERT_EQ(first.size(), other_instance.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].field, second[i].field);
    EXPECT_EQ(first[i].message, second[i].message);
    EXPECT_EQ(first[i].field, other_instance[i].field);
  }
}

TEST_P(AdapterConformance, validate_refuses_what_caps_do_not_offer_on_api_paths) {
  auto a = configured();
  const auto caps = a->caps();
  const auto sample = profile_->sample();
  auto expect_refused = [&](const shipment_request& r, std::string_view field,
                            const std::string& what) {
    auto errors = a->validate(r);
    EXPECT_TRUE(has_field(errors, field)) << what << ": " << fields_of(errors);
    for (const auto& e : errors) {
      EXPECT_TRUE(is_api_path(e.field)) << what << ": '" << e.field << "' is not a path of our API";
      EXPECT_FALSE(e.message.empty());
    }
  };
  for (auto s : {service_level::home, service_level::home_signature, service_level::pickup_point,
                 service_level::locker, service_level::express}) {
    if (std::find(caps.services.begin(), caps.services.end(), s) != caps.services.end()) continue;
    auto r = sample;
    r.service = s;
    expect_refused(r, "service", "service " + std::string(to_string(s)));
  }
  for (auto f : {label_format::pdf, label_format::zpl, label_format::png}) {
    if (std::find(caps.label_formats.begin(), caps.label_formats.end(), f) !=
        caps.label_formats.end())
      continue;
    auto r = sample;
    r.format = f;
    expect_refused(r, "label.format", "format " + std::string(to_string(f)));
  }
  auto many = sample;
  while (static_cast<int>(many.parcels.size()) <= caps.max_parcels)
    many.parcels.push_back(sample.parcels.front());
  expect_refused(many, "parcels", std::to_string(many.parcels.size()) + " parcels");
  if (!caps.destination_countries.empty()) {
    auto far = sample;
    far.to.country = "US";
    far.to.postal_code = "10001";
    expect_refused(far, "to.country", "destination US");
  }
}

TEST_P(AdapterConformance, create_label_refuses_what_validate_refuses_before_sending) {
  auto r = profile_->sample();
  r.parcels.push_back(r.parcels.front());
  r.parcels.push_back(r.parcels.front());
  r.format = label_format::png;
  const auto expected = configured()->validate(r);
  ASSERT_FALSE(expected.empty());
  auto [out, call] = sell(r, profile_->carrier);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::invalid_request);
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold) << "nothing was sent: nothing was sold";
  EXPECT_EQ(out.error().fields.size(), expected.size()) << fields_of(out.error().fields);
  EXPECT_TRUE(call->sent.empty());
}

TEST_P(AdapterConformance, sells_the_sample_with_named_requests_and_an_unrepeated_purchase) {
  auto [out, call] = sell(profile_->sample(), profile_->carrier);
  ASSERT_TRUE(out) << out.error().message << " " << out.error().carrier_code;
  EXPECT_FALSE(out->tracking_number.empty());
  EXPECT_FALSE(out->label.empty());
  const auto caps = adapter_->caps();
  EXPECT_NE(std::find(caps.label_formats.begin(), caps.label_formats.end(), out->format),
            caps.label_formats.end());
  EXPECT_EQ(out->format, profile_->sample().format);
  if (out->format == label_format::pdf) {
    EXPECT_TRUE(out->label.starts_with("%PDF-"));
  }
  if (sold_in_process(out, *call)) return;
  ASSERT_FALSE(call->sent.empty());
  EXPECT_FALSE(call->sent.front().idempotent) << "the purchase must not be marked idempotent";
  EXPECT_EQ(call->sent.front().max_exchanges(), 1);
  for (const auto& r : call->sent) {
    EXPECT_FALSE(r.operation.empty()) << r.method << " " << r.url << " has no operation name";
    EXPECT_TRUE(r.url.starts_with("http://") || r.url.starts_with("https://")) << r.url;
    if (r.retry.attempts > 1) {
      EXPECT_TRUE(r.idempotent) << r.operation << " has a retry policy but may buy";
    }
  }
  EXPECT_TRUE(call->waits.empty()) << "the recorded answers needed no retry";
}

TEST_P(AdapterConformance, failure_before_sending_proves_nothing_was_sold) {
  auto [out, call] =
      sell(profile_->sample(), [](const outbound_request&) -> result<outbound_response> {
        return fail(not_sold(error{.kind = error_kind::unavailable,
                                   .message = "connect: connection refused",
                                   .fields = {},
                                   .carrier = {},
                                   .carrier_code = {},
                                   .carrier_message = {}}));
      });
  if (sold_in_process(out, *call)) return;
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold);
  EXPECT_EQ(out.error().carrier, GetParam());
  EXPECT_EQ(call->requests, 1) << "nothing follows a failed purchase";
}

TEST_P(AdapterConformance, timeout_after_sending_leaves_the_sale_unknown) {
  auto [out, call] =
      sell(profile_->sample(), [](const outbound_request&) -> result<outbound_response> {
        return make_error(error_kind::timeout, "no answer within the deadline");
      });
  if (sold_in_process(out, *call)) return;
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::timeout);
  EXPECT_EQ(out.error().sale, sale_outcome::unknown);
  EXPECT_EQ(out.error().carrier, GetParam());
  EXPECT_EQ(call->sent.size(), 1u) << "a purchase is never resent";
}

TEST_P(AdapterConformance, a_proxy_502_html_page_leaves_the_sale_unknown) {
  auto [out,
        call] = sell(profile_->sample(), [](const outbound_request&) -> result<outbound_response> {
    return response(
        502, "text/html",
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
        "</center><hr><center>nginx</center></body></html>");
  });
  if (sold_in_process(out, *call)) return;
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().sale, sale_outcome::unknown) << "a proxy may answer after the carrier sold";
  EXPECT_NE(out.error().kind, error_kind::invalid_request) << "not the caller's fault";
  EXPECT_EQ(call->sent.size(), 1u);
}

TEST_P(AdapterConformance,
       a_failed_follow_up_after_the_purchase_is_an_error_with_the_sale_unknown) {
  // Adapters that fetch the label after buying it (more than one request per sale): the label
  // exists at the carrier but never reached us, so the failure must not say "not sold".
  auto [sold, success_call] = sell(profile_->sample(), profile_->carrier);
  ASSERT_TRUE(sold);
  if (success_call->requests < 2) GTEST_SKIP() << "one request per sale";
  int seen = 0;
  auto carrier = profile_->carrier;
  auto [out, call] = sell(profile_->sample(),
                          [&seen, carrier](const outbound_request& r) -> result<outbound_response> {
                            if (seen++ == 0) return carrier(r);
                            return fail(not_sold(error{.kind = error_kind::unavailable,
                                                       .message = "connect: connection refused",
                                                       .fields = {},
                                                       .carrier = {},
                                                       .carrier_code = {},
                                                       .carrier_message = {}}));
                          });
  ASSERT_FALSE(out) << "a label result without the label";
  EXPECT_EQ(out.error().sale, sale_outcome::unknown);
}

TEST_P(AdapterConformance, cancel_matches_the_declared_mode) {
  const auto caps = adapter_->caps();
  auto a = configured();
  fake_call call(profile_->carrier);
  const shipment_ref ref{.shipment_id = "shp_conformance",
                         .tracking_number = "NULL00000042",
                         .carrier_service = "",
                         .carrier_reference = {}};
  auto out = colissimo_test::run(a->cancel_label(ref, call));
  if (caps.cancel == "carrier") {
    EXPECT_TRUE(out) << out.error().message;
    EXPECT_FALSE(call.sent.empty());
    for (const auto& r : call.sent) EXPECT_FALSE(r.operation.empty());
  } else {
    EXPECT_TRUE(call.sent.empty()) << "cancel mode " << caps.cancel << " calls nothing";
    if (caps.cancel == "local") {
      EXPECT_TRUE(out);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Registered, AdapterConformance, ::testing::ValuesIn(adapter_ids()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

// The null adapter's own behaviour beyond the shared properties: its carrier's refusals.
TEST(NullAdapterConformanceReference, carrier_refusals_in_its_own_format_prove_nothing_was_sold) {
  auto a = adapter_testing::make_null_adapter();
  ASSERT_TRUE(a->configure({{"base_url", "https://null.example"}, {"account", "A"}, {"token", "t"}})
                  .empty());
  fake_call refused([](const outbound_request&) -> result<outbound_response> {
    return response(422, "text/plain",
                    "refused=ZIP\nfield=to.postal_code\nmessage=unknown postal code\n");
  });
  auto out = colissimo_test::run(a->create_label(colissimo_test::sample_request(), refused));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::rejected);
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold);
  EXPECT_EQ(out.error().carrier_code, "ZIP");
  EXPECT_TRUE(has_field(out.error().fields, "to.postal_code"));
  fake_call odd([](const outbound_request&) -> result<outbound_response> {
    return response(201, "text/plain", "tracking=NULL1\n\n<html>not a label</html>");
  });
  out = colissimo_test::run(a->create_label(colissimo_test::sample_request(), odd));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::bad_gateway);
  EXPECT_EQ(out.error().sale, sale_outcome::unknown);
}

TEST(NullAdapterConformanceReference, void_is_retried_once_by_the_core_policy) {
  auto a = adapter_testing::make_null_adapter();
  ASSERT_TRUE(a->configure({{"base_url", "https://null.example"}, {"account", "A"}, {"token", "t"}})
                  .empty());
  fake_call busy([](const outbound_request&) -> result<outbound_response> {
    return response(503, "text/html", "busy");
  });
  const shipment_ref ref{.shipment_id = "shp_1",
                         .tracking_number = "NULL1",
                         .carrier_service = "HOME",
                         .carrier_reference = {}};
  auto out = colissimo_test::run(a->cancel_label(ref, busy));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::unavailable);
  ASSERT_EQ(busy.sent.size(), 2u);
  EXPECT_EQ(busy.sent[0].method, "DELETE");
  EXPECT_EQ(busy.sent[0].url, "https://null.example/labels/NULL1");
  EXPECT_EQ(busy.waits, std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(100)});
}

}  // namespace
