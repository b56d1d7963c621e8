#pragma once
// Scans applied to a running stack's shipments from the test process, through the gateway's own
// tracking_service on the stack's store (SQLite file or PostgreSQL database, read from the
// stack's config file): the merge, the status and the stored events are exactly what a carrier
// poll or push would write, while no public write path for scans is part of every build. Test
// code only: nothing here is reachable through the gateway.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/shipment_cache.hpp"
#include "gateway/domain/tracking_service.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/store/blocking_pool.hpp"
#include "gateway/store/pg/pg_store.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace pgtest {

class scan_writer {
 public:
  explicit scan_writer(const std::filesystem::path& config_file) {
    auto cfg = parcelgate::config::load_file(config_file);
    if (!cfg) {
      ADD_FAILURE() << "cannot read " << config_file;
      return;
    }
    if (cfg->store.kind == "postgresql") {
      pg_ = std::make_unique<parcelgate::store::pg::pg_store>(
          io_.get_executor(), parcelgate::store::pg::pg_store_options{
                                  .url = cfg->store.url, .instance = "scan-writer", .pool = 1});
      data_ = pg_.get();
    } else {
      auto db = parcelgate::store::open_sqlite(
          {.path = cfg->store.path.string(), .busy_timeout_ms = 10000});
      if (!db) {
        ADD_FAILURE() << "cannot open " << cfg->store.path;
        return;
      }
      sqlite_ = std::move(*db);
      async_ = parcelgate::store::make_sqlite_async_store(*sqlite_, pool_, "scan-writer");
      data_ = async_.get();
    }
    service_ = std::make_unique<parcelgate::tracking_service>(*data_, cache_, metrics_);
  }
  ~scan_writer() {
    service_.reset();
    async_.reset();
    sqlite_.reset();
  }

  // A shipment recorded as the purchase flow records one (claimed, then completed with a
  // label), with the carrier and tracking number the test chooses; its id.
  std::string add_shipment(const std::string& tenant, const std::string& carrier,
                           const std::string& tracking_number) {
    if (!data_) return {};
    const std::string id = parcelgate::new_id("shp");
    const std::string now = parcelgate::now_rfc3339();
    parcelgate::store::shipment_row row{
        .id = id,
        .tenant = tenant,
        .status = "purchasing",
        .carrier = carrier,
        .service = "home",
        .carrier_service = {},
        .tracking_number = {},
        .reference = "seeded",
        .direction = "outbound",
        .idempotency_key = "seed-" + id,
        .body =
            "{\"id\":\"" + id + "\",\"status\":\"label_created\",\"updated_at\":\"" + now + "\"}",
        .created_at = now,
        .updated_at = now};
    if (!run(data_->claim_purchase("seed", row, now))) return {};
    row.status = "label_created";
    row.tracking_number = tracking_number;
    const parcelgate::store::stored_label label{.format = "pdf",
                                                .content_type = "application/pdf",
                                                .bytes = "%PDF-1.4 seeded",
                                                .shipment_status = {}};
    if (!run(data_->complete_purchase(row, label, 201, row.body))) return {};
    return id;
  }

  // Applies `events` to the shipment as the tracking paths do; the status after the merge.
  std::string apply(const std::string& tenant, const std::string& shipment_id,
                    std::vector<parcelgate::timeline_event> events) {
    if (!service_) return "no store";
    auto merged = run(service_->apply(tenant, shipment_id, std::move(events)));
    if (!merged) return "error: " + merged.error().message;
    return std::string(parcelgate::to_string(merged->status));
  }

 private:
  template <class T>
  T run(boost::asio::awaitable<T> op) {
    auto f = boost::asio::co_spawn(io_, std::move(op), boost::asio::use_future);
    while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      if (io_.stopped()) io_.restart();
      io_.run_one_for(std::chrono::milliseconds(10));
    }
    auto out = f.get();
    EXPECT_TRUE(out.has_value()) << (out ? std::string() : out.error().message);
    return out;
  }

  boost::asio::io_context io_;
  parcelgate::store::blocking_pool pool_{1};
  std::unique_ptr<parcelgate::store::store> sqlite_;
  std::unique_ptr<parcelgate::store::async_store> async_;
  std::unique_ptr<parcelgate::store::pg::pg_store> pg_;
  parcelgate::store::async_store* data_ = nullptr;
  parcelgate::shipment_cache cache_{0};
  parcelgate::telemetry::metrics metrics_;
  std::unique_ptr<parcelgate::tracking_service> service_;
};

inline parcelgate::timeline_event scan(parcelgate::tracking_status status, std::string code,
                                       std::string at, std::string text, std::string city = {},
                                       std::string point = {}) {
  return {.status = status,
          .carrier_code = std::move(code),
          .carrier_text = std::move(text),
          .occurred_at = std::move(at),
          .location = std::move(city),
          .postal_code = "69100",
          .country = "FR",
          .point_id = std::move(point),
          .source = "carrier_poll"};
}

}  // namespace pgtest
