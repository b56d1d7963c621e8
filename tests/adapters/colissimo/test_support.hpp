#pragma once
// Shared helpers of the Colissimo adapter tests: fixture files, a sample shipment, fake
// carriers::call implementations and a runner for the adapter's coroutines.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <exception>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "adapters/colissimo/adapter.hpp"
#include "gateway/carriers/adapter.hpp"
#include "tools/carrier-sim/sim.hpp"

namespace colissimo_test {

using namespace parcelgate;

// Bytes of tests/fixtures/colissimo/<name>, exactly as stored.
inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PG_COLISSIMO_FIXTURES) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + name);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A home delivery inside France, the shipment behind generate_label_request_dom.json.
inline shipment_request sample_request() {
  shipment_request r;
  r.shipment_id = "shp_7Hq2RkT9xZ";
  r.reference = "order-1042";
  r.dir = direction::outbound;
  r.service = service_level::home;
  r.from = {"Jeanne Martin",
            "Atelier Martin",
            "12 rue des Lilas",
            "",
            "Lyon",
            "69003",
            "FR",
            "04 72 00 00 00",
            "expedition@atelier-martin.fr"};
  r.to = {"Paul Durand",
          "",
          "5 avenue Foch",
          "Bâtiment B",
          "Paris",
          "75016",
          "FR",
          "06 12 34 56 78",
          "paul.durand@example.fr"};
  r.parcels = {parcel{1250, std::nullopt, ""}};
  r.format = label_format::pdf;
  r.size = label_size::a6;
  r.ship_date = "2099-06-15";
  return r;
}

inline carriers::carrier_settings sandbox_settings(
    std::string base_url = "http://127.0.0.1:9443/colissimo") {
  return {{"base_url", std::move(base_url)},
          {"contract_number", "123456"},
          {"password", "sandbox"},
          {"commercial_name", "Atelier Martin"}};
}

// A Colissimo adapter configured for the sandbox (base_url http://127.0.0.1:9443/colissimo).
inline std::unique_ptr<carriers::carrier_adapter> configured() {
  auto adapter = adapters::make_colissimo_adapter();
  if (!adapter->configure(sandbox_settings()).empty())
    throw std::runtime_error("sandbox settings rejected");
  return adapter;
}

inline bool has_field(const std::vector<field_error>& errors, const std::string& field) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const field_error& e) { return e.field == field; });
}

// sample_request() sent to relay point 987654 in France.
inline shipment_request relay_request() {
  auto r = sample_request();
  r.service = service_level::pickup_point;
  r.pickup_point_id = "987654";
  r.pickup_point_country = "FR";
  return r;
}

// A return: the customer (from, in `customer_country`) sends back to the merchant in Lyon.
inline shipment_request return_request(std::string customer_country, std::string zip) {
  auto r = sample_request();
  r.dir = direction::return_;
  std::swap(r.from, r.to);
  r.from.country = std::move(customer_country);
  r.from.postal_code = std::move(zip);
  return r;
}

// Answers every request with one canned response (or transport error) and keeps what was sent.
class recording_call final : public carriers::call {
 public:
  explicit recording_call(result<carriers::outbound_response> answer)
      : answer_(std::move(answer)) {}
  carriers::task<result<carriers::outbound_response>> send(
      carriers::outbound_request request) override {
    sent.push_back(std::move(request));
    co_return answer_;
  }
  std::vector<carriers::outbound_request> sent;

 private:
  result<carriers::outbound_response> answer_;
};

inline carriers::outbound_response response(int status, std::string content_type,
                                            std::string body) {
  carriers::outbound_response r;
  r.status = status;
  if (!content_type.empty()) r.headers.push_back({"Content-Type", std::move(content_type)});
  r.body = std::move(body);
  return r;
}

// Delivers requests in-process to a carrier simulator, the way the core's HTTP client would
// deliver them over the network.
class simulator_call final : public carriers::call {
 public:
  explicit simulator_call(sim::carrier_sim& simulator) : sim_(simulator) {}
  carriers::task<result<carriers::outbound_response>> send(
      carriers::outbound_request request) override {
    ++calls;
    http::request req;
    req.method = request.method;
    const auto scheme = request.url.find("://");
    const auto slash = request.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    req.target = slash == std::string::npos ? "/" : request.url.substr(slash);
    const auto question = req.target.find('?');
    http::percent_decode(req.target.substr(0, question), req.path);
    if (question != std::string::npos) req.query = req.target.substr(question + 1);
    req.fields = request.headers;
    req.fields.push_back({"Content-Length", std::to_string(request.body.size())});
    req.body = std::move(request.body);
    req.remote = "127.0.0.1:40000";
    http::response answer = sim_.handle(req);
    carriers::outbound_response out;
    out.status = answer.status;
    out.headers = std::move(answer.fields);
    out.body = std::move(answer.body);
    co_return out;
  }
  int calls = 0;

 private:
  sim::carrier_sim& sim_;
};

// Runs one adapter coroutine to completion on a fresh io_context.
template <class T>
T run(carriers::task<T> task) {
  boost::asio::io_context io;
  std::optional<T> out;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) out.emplace(std::move(value));
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

}  // namespace colissimo_test
