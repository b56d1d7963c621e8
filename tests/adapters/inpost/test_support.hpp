#pragma once
// Shared helpers of the InPost adapter tests: fixtures, sample shipments, a coroutine runner and
// a carriers::call that hands requests to the in-process simulator.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "gateway/carriers/adapter.hpp"
#include "tests/adapters/fake_call.hpp"
#include "tools/carrier-sim/sim.hpp"

namespace parcelgate::inpost_test {

#ifdef INPOST_FIXTURE_DIR
inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(INPOST_FIXTURE_DIR) + "/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}
#endif

inline address sender() {
  return address{.name = "Piotr Zielinski",
                 .company = "Sklep Krakowski",
                 .line1 = "ul. Florianska 12",
                 .line2 = "",
                 .city = "Krakow",
                 .postal_code = "31-021",
                 .country = "PL",
                 .phone = "+48 123 456 789",
                 .email = "wysylki@sklep.example.pl"};
}

// Locker shipment whose wire form is tests/fixtures/inpost/create_locker_request.json.
inline shipment_request locker_request() {
  shipment_request r;
  r.shipment_id = "shp_9f3k2m1n8b7v6c5";
  r.reference = "order-2231";
  r.service = service_level::locker;
  r.pickup_point_id = "KRA012";
  r.pickup_point_country = "PL";
  r.from = sender();
  r.to = address{.name = "Anna Nowak",
                 .company = "",
                 .line1 = "",
                 .line2 = "",
                 .city = "",
                 .postal_code = "",
                 .country = "PL",
                 .phone = "600 123 456",
                 .email = "anna.nowak@example.pl"};
  r.parcels = {parcel{.weight_g = 2400,
                      .dimensions_mm = dimensions{.length = 300, .width = 150, .height = 120},
                      .reference = "box-1"}};
  r.format = label_format::pdf;
  r.size = label_size::a6;
  return r;
}

// Courier shipment whose wire form is tests/fixtures/inpost/create_courier_request.json.
inline shipment_request courier_request() {
  shipment_request r;
  r.shipment_id = "shp_courier000000001";
  r.reference = "order-2232";
  r.service = service_level::home;
  r.from = sender();
  r.to = address{.name = "Jan Kowalski",
                 .company = "",
                 .line1 = "ul. Dluga 5",
                 .line2 = "m. 4",
                 .city = "Warszawa",
                 .postal_code = "00238",
                 .country = "PL",
                 .phone = "+48501222333",
                 .email = "jan@example.pl"};
  r.parcels = {parcel{.weight_g = 2500,
                      .dimensions_mm = dimensions{.length = 400, .width = 300, .height = 200},
                      .reference = ""}};
  r.format = label_format::zpl;
  r.size = label_size::a6;
  return r;
}

inline carriers::carrier_settings sandbox_settings(
    std::string base = "http://127.0.0.1:9443/inpost") {
  return {{"base_url", std::move(base)},
          {"token", "sandbox-inpost-token"},
          {"organization_id", "6183"}};
}

template <class T>
T run(carriers::task<T> work) {
  boost::asio::io_context io;
  std::optional<T> out;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) out.emplace(std::move(value));
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

inline carriers::outbound_response answer(int status, std::string body,
                                          std::string content_type = "application/json") {
  return carriers::outbound_response{
      .status = status,
      .headers = {{.name = "Content-Type", .value = std::move(content_type)}},
      .body = std::move(body)};
}

// Hands each request to the in-process simulator, following retry policies without waiting.
class simulator_call final : public adapter_testing::fake_call {
 public:
  explicit simulator_call(sim::carrier_sim& simulator)
      : fake_call([&simulator](const carriers::outbound_request& request)
                      -> result<carriers::outbound_response> {
          http::request in;
          in.method = request.method;
          std::string_view url = request.url;
          auto scheme = url.find("://");
          auto slash = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
          in.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
          auto q = in.target.find('?');
          http::percent_decode(std::string_view(in.target).substr(0, q), in.path);
          if (q != std::string::npos) in.query = in.target.substr(q + 1);
          in.fields = request.headers;
          in.body = request.body;
          in.remote = "127.0.0.1:40000";
          auto out = simulator.handle(in);
          return carriers::outbound_response{
              .status = out.status, .headers = out.fields, .body = std::move(out.body)};
        }) {}
};

}  // namespace parcelgate::inpost_test
