#pragma once
// Shared helpers of the `local` adapter tests: sample shipments, a coroutine runner and a
// carriers::call that records what it is asked to send (the local network must never send).

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "adapters/local/adapter.hpp"
#include "tests/adapters/fake_call.hpp"

namespace parcelgate::local_test {

// A label-less return printed at a collection point: the customer sends the parcel back to the
// merchant's returns hub.
inline shipment_request return_request() {
  shipment_request r;
  r.shipment_id = "shp_7x2k9m4n1b8v3c6";
  r.reference = "RMA-5521";
  r.dir = direction::return_;
  r.service = service_level::home;
  r.from = address{.name = "Marie Curie",
                   .company = "",
                   .line1 = "31 cours Andre Philip",
                   .line2 = "",
                   .city = "Villeurbanne",
                   .postal_code = "69100",
                   .country = "FR",
                   .phone = "+33611223344",
                   .email = ""};
  r.to = address{.name = "Acme Returns",
                 .company = "Acme SAS",
                 .line1 = "12 rue du Depot",
                 .line2 = "Quai 4",
                 .city = "Saint-Priest",
                 .postal_code = "69800",
                 .country = "FR",
                 .phone = "",
                 .email = ""};
  r.parcels = {parcel{.weight_g = 1200, .dimensions_mm = std::nullopt, .reference = ""}};
  r.format = label_format::pdf;
  r.size = label_size::a6;
  return r;
}

inline std::unique_ptr<carriers::carrier_adapter> configured(
    carriers::carrier_settings settings = {}) {
  auto a = adapters::make_local_adapter();
  const auto errors = a->configure(settings);
  if (!errors.empty()) ADD_FAILURE() << errors.front().field << ": " << errors.front().message;
  return a;
}

// A call that fails the test if the adapter sends anything.
class no_http_call final : public adapter_testing::fake_call {
 public:
  no_http_call()
      : fake_call([](const carriers::outbound_request& r) -> result<carriers::outbound_response> {
          ADD_FAILURE() << "the local network sent " << r.method << " " << r.url;
          return make_error(error_kind::unavailable, "no network here");
        }) {}
};

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

// Buys a label of `request` with a configured adapter, checking nothing was sent.
inline result<label_result> buy(const shipment_request& request,
                                carriers::carrier_settings settings = {}) {
  auto a = configured(std::move(settings));
  no_http_call call;
  auto out = run(a->create_label(request, call));
  EXPECT_EQ(call.requests, 0);
  EXPECT_TRUE(call.sent.empty());
  return out;
}

}  // namespace parcelgate::local_test
