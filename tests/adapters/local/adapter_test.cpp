// The local network's flow: capabilities, settings, labels printed in-process in every format
// without a single HTTP request, local voids, and `unsupported` for what it does not do.
#include "adapters/local/adapter.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/adapters/local/test_support.hpp"

using namespace parcelgate;
using local_test::buy;
using local_test::configured;
using local_test::no_http_call;
using local_test::return_request;
using local_test::run;

namespace {

bool has_field(const std::vector<field_error>& errors, std::string_view field) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const field_error& e) { return e.field == field && !e.message.empty(); });
}

TEST(LocalAdapter, identity) {
  auto a = adapters::make_local_adapter();
  EXPECT_EQ(a->id(), "local");
  EXPECT_FALSE(a->display_name().empty());
}

TEST(LocalAdapter, capabilities) {
  const auto caps = configured()->caps();
  EXPECT_TRUE(caps.labels);
  EXPECT_EQ(caps.cancel, "local");
  EXPECT_FALSE(caps.cancel_note.empty());
  EXPECT_EQ(caps.services, std::vector<service_level>{service_level::home});
  EXPECT_EQ(caps.label_formats,
            (std::vector<label_format>{label_format::pdf, label_format::zpl, label_format::png}));
  EXPECT_EQ(caps.label_sizes,
            (std::vector<label_size>{label_size::a6, label_size::in4x6, label_size::a4}));
  EXPECT_TRUE(caps.returns);
  EXPECT_TRUE(caps.labelless_returns);
  EXPECT_FALSE(caps.tracking_poll);
  EXPECT_FALSE(caps.tracking_push);
  EXPECT_FALSE(caps.points);
  EXPECT_FALSE(caps.pickups);
  EXPECT_EQ(caps.pickup_cancel, "none");
  EXPECT_EQ(caps.max_parcels, 1);
  EXPECT_TRUE(caps.destination_countries.empty()) << "not restricted";
}

TEST(LocalAdapter, settings_are_optional_names_without_urls_or_secrets) {
  const auto schema = adapters::make_local_adapter()->settings_schema();
  ASSERT_EQ(schema.size(), 2u);
  EXPECT_EQ(schema[0].key, "network_name");
  EXPECT_EQ(schema[0].default_value, "parcelgate local");
  EXPECT_EQ(schema[1].key, "hub_name");
  EXPECT_EQ(schema[1].default_value, "");
  for (const auto& s : schema) {
    EXPECT_FALSE(s.required) << s.key;
    EXPECT_FALSE(s.secret) << s.key;
    EXPECT_FALSE(s.description.empty()) << s.key;
  }
  EXPECT_TRUE(adapters::make_local_adapter()->configure({}).empty());
  EXPECT_TRUE(adapters::make_local_adapter()
                  ->configure({{"network_name", "Relais Rhone"}, {"hub_name", "Saint-Priest"}})
                  .empty());
}

TEST(LocalAdapter, configure_names_each_bad_setting) {
  auto errors = adapters::make_local_adapter()->configure(
      {{"network_name", ""}, {"hub_name", std::string(41, 'h')}});
  EXPECT_TRUE(has_field(errors, "network_name"));
  EXPECT_TRUE(has_field(errors, "hub_name"));
  errors = adapters::make_local_adapter()->configure({{"network_name", "a\tb"}});
  EXPECT_TRUE(has_field(errors, "network_name"));
}

TEST(LocalAdapter, prints_a_label_in_every_format_without_sending_anything) {
  for (auto format : {label_format::pdf, label_format::zpl, label_format::png}) {
    auto r = return_request();
    r.format = format;
    const auto out = buy(r);  // checks that nothing was sent
    ASSERT_TRUE(out) << to_string(format) << ": " << out.error().message;
    EXPECT_TRUE(adapters::valid_local_tracking_number(out->tracking_number))
        << out->tracking_number;
    EXPECT_EQ(out->format, format);
    EXPECT_FALSE(out->size.has_value()) << "printed as asked";
    EXPECT_EQ(out->carrier_service, "home");
    EXPECT_EQ(out->tracking_url, "");
    EXPECT_EQ(out->carrier_reference, "");
    switch (format) {
      case label_format::pdf:
        EXPECT_TRUE(out->label.starts_with("%PDF-"));
        break;
      case label_format::zpl:
        EXPECT_TRUE(out->label.starts_with("^XA"));
        break;
      case label_format::png:
        EXPECT_TRUE(out->label.starts_with(std::string("\x89PNG\r\n\x1A\n", 8)));
        break;
    }
  }
}

TEST(LocalAdapter, every_sale_gets_its_own_number) {
  const auto first = buy(return_request());
  const auto second = buy(return_request());
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->tracking_number, second->tracking_number);
}

TEST(LocalAdapter, validate_reports_every_problem_on_our_paths) {
  auto r = return_request();
  r.service = service_level::locker;
  r.format = label_format::zpl;
  r.size = label_size::a4;
  r.to.city = "";
  r.parcels[0].weight_g = 31'000;
  const auto errors = configured()->validate(r);
  for (auto field : {"service", "label.size", "to.city", "parcels[0].weight_g"})
    EXPECT_TRUE(has_field(errors, field)) << field;
  EXPECT_EQ(errors.size(), 4u);
}

TEST(LocalAdapter, a_refused_shipment_is_not_sold_and_names_the_fields) {
  auto r = return_request();
  r.parcels[0].weight_g = 31'000;
  r.to.postal_code = "";
  const auto out = buy(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::invalid_request);
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold);
  EXPECT_EQ(out.error().carrier, "local");
  EXPECT_TRUE(has_field(out.error().fields, "parcels[0].weight_g"));
  EXPECT_TRUE(has_field(out.error().fields, "to.postal_code"));
}

TEST(LocalAdapter, cancel_is_recorded_locally_without_a_call) {
  auto a = configured();
  no_http_call call;
  const shipment_ref ref{.shipment_id = "shp_7x2k9m4n1b8v3c6",
                         .tracking_number = "PGL4907353161423",
                         .carrier_service = "home",
                         .carrier_reference = {}};
  const auto out = run(a->cancel_label(ref, call));
  EXPECT_TRUE(out);
  EXPECT_EQ(call.requests, 0);
}

TEST(LocalAdapter, tracking_points_and_pickups_are_unsupported) {
  auto a = configured();
  no_http_call call;
  const std::vector<std::string> numbers = {"PGL4907353161423"};
  const auto tracked = run(a->track(numbers, call));
  ASSERT_FALSE(tracked);
  EXPECT_EQ(tracked.error().kind, error_kind::unsupported);
  EXPECT_EQ(tracked.error().carrier, "local");

  const auto pushed =
      a->parse_push(carriers::inbound_push{.headers = {}, .body = "{}", .query = {}});
  ASSERT_FALSE(pushed);
  EXPECT_EQ(pushed.error().kind, error_kind::unsupported);

  const carriers::point_query query{.country = "FR", .postal_code = "69100"};
  const auto points = run(a->find_points(query, call));
  ASSERT_FALSE(points);
  EXPECT_EQ(points.error().kind, error_kind::unsupported);
  const auto point = run(a->find_point("FR", "020230", call));
  ASSERT_FALSE(point);
  EXPECT_EQ(point.error().kind, error_kind::unsupported);

  const carriers::pickup_request pickup{.pickup_id = "pck_1",
                                        .at = return_request().to,
                                        .date = "2026-06-01",
                                        .window_from = "09:00",
                                        .window_to = "12:00",
                                        .parcels = {},
                                        .parcel_count = 1};
  const auto booked = run(a->book_pickup(pickup, call));
  ASSERT_FALSE(booked);
  EXPECT_EQ(booked.error().kind, error_kind::unsupported);
  const auto slots = run(a->pickup_slots(return_request().to, "2026-06-01", call));
  ASSERT_FALSE(slots);
  EXPECT_EQ(slots.error().kind, error_kind::unsupported);
  const carriers::pickup_ref ref{.pickup_id = "pck_1", .confirmation = "X", .date = "2026-06-01"};
  const auto cancelled = run(a->cancel_pickup(ref, call));
  ASSERT_FALSE(cancelled);
  EXPECT_EQ(cancelled.error().kind, error_kind::unsupported);
  EXPECT_EQ(call.requests, 0);
}

}  // namespace
