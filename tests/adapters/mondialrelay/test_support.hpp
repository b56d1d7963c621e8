#pragma once
// Shared helpers of the Mondial Relay adapter tests: fixtures, a sample shipment, fake
// carriers::call implementations (scripted answers, or the in-process simulator) and a coroutine
// runner.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/carriers/adapter.hpp"
#include "tests/adapters/fake_call.hpp"
#include "tools/carrier-sim/sim.hpp"

namespace parcelgate::testing_mr {

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(MR_FIXTURE_DIR) + "/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Outbound pickup-point shipment whose wire form is
// tests/fixtures/mondialrelay/creation_request_pickup_point.xml.
inline shipment_request pickup_point_request() {
  shipment_request r;
  r.shipment_id = "shp_0a1b2c3d4e5f6g7";
  r.reference = "order-1042";
  r.dir = direction::outbound;
  r.service = service_level::pickup_point;
  r.pickup_point_id = "020230";
  r.pickup_point_country = "FR";
  r.from = {"Boutique Élodie",
            "Les Ateliers d'Été",
            "12 rue de l'Église",
            "Bâtiment B",
            "Saint-Étienne",
            "42000",
            "FR",
            "04 77 12 34 56",
            "expedition@ateliers.example"};
  r.to = {"Zoë Lefèvre",
          "",
          "8 avenue Général Leclerc",
          "",
          "Paris",
          "75014",
          "FR",
          "+33 6 12 34 56 78",
          "zoe+shop@example.com"};
  r.parcels = {parcel{1200, dimensions{300, 200, 100}, "box-1"}};
  r.format = label_format::pdf;
  r.size = label_size::a6;
  return r;
}

inline carriers::carrier_settings sandbox_settings(std::string key = "PrivateK") {
  return {{"base_url", "http://127.0.0.1:9443/mondialrelay"},
          {"enseigne", "BDTEST13"},
          {"private_key", std::move(key)}};
}

// Runs one adapter coroutine to completion on a private io_context.
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

// A carriers::call answering from a script and recording every exchange; idempotent requests
// are repeated as their retry_policy says, without waiting (tests/adapters/fake_call.hpp).
using scripted_call = adapter_testing::fake_call;

inline carriers::outbound_response answer(int status, std::string body, std::string content_type) {
  carriers::outbound_response r;
  r.status = status;
  r.headers = {{"Content-Type", std::move(content_type)}};
  r.body = std::move(body);
  return r;
}

// Converts an absolute URL request to the server-side form and hands it to the simulator;
// retry policies are followed as by the core, without waiting.
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
          carriers::outbound_response r;
          r.status = out.status;
          r.headers = out.fields;
          r.body = std::move(out.body);
          return r;
        }) {}
};

}  // namespace parcelgate::testing_mr
