// Fast-path micro-benchmark: one parcel priced by 20 contracts (tariff_set::price), in a loop,
// on one thread. Usage: quote_bench [TARIFF_DIR] [SECONDS]
// The contracts of TARIFF_DIR (default config/tariffs) are repeated under other ids until there
// are 20. Prints parcel-quotes per second per core (one quote = one parcel, one contract) and
// the number of parcels fully compared (20 quotes each) per second.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/tariffs/tariff.hpp"

using namespace parcelgate;
using namespace parcelgate::tariffs;

namespace {

std::string with_id(const std::string& yaml, const std::string& suffix) {
  auto at = yaml.find("contract:");
  if (at == std::string::npos) return yaml;
  auto begin = yaml.find_first_not_of(' ', at + 9);
  auto end = yaml.find_first_of(" \n#", begin);
  std::string out = yaml;
  out.insert(end, suffix);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : "config/tariffs";
  const double seconds = argc > 2 ? std::stod(argv[2]) : 2.0;
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".yaml") {
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      files.emplace_back(entry.path().filename().string(), text.str());
    }
  if (files.empty()) {
    std::fprintf(stderr, "quote_bench: no *.yaml in %s\n", dir.c_str());
    return 2;
  }
  std::vector<std::pair<std::string, std::string>> docs;
  for (std::size_t copy = 0; docs.size() < 20; ++copy)
    for (const auto& [name, yaml] : files)
      if (docs.size() < 20)
        docs.emplace_back(std::to_string(copy) + "-" + name,
                          copy == 0 ? yaml : with_id(yaml, "-copy" + std::to_string(copy)));
  auto set = load_documents(docs);
  if (!set) {
    for (const auto& p : set.error()) std::fprintf(stderr, "%s\n", p.to_string().c_str());
    return 2;
  }
  const std::size_t contracts = (*set)->contracts().size();

  std::vector<priced_parcel> parcels;
  for (int i = 0; i < 16; ++i) parcels.push_back({200 + i * 613, 300 + i * 7, 200, 100 + i * 3});
  price_request request;
  request.from_country = "FR";
  request.from_postal_code = "75011";
  request.to_country = "FR";
  request.to_postal_code = "69003";
  request.date = *parse_date("2026-03-10");

  using clock = std::chrono::steady_clock;
  std::uint64_t quotes = 0, parcels_done = 0;
  std::int64_t checksum = 0;
  const auto start = clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(clock::now() - start).count(); };
  while (elapsed() < seconds) {
    for (int batch = 0; batch < 4096; ++batch) {
      request.parcels = std::span<const priced_parcel>(&parcels[parcels_done % parcels.size()], 1);
      for (std::size_t c = 0; c < contracts; ++c) {
        auto p = (*set)->price(c, service_level::home, request);
        checksum += p ? p->total : 1;
      }
      quotes += contracts;
      ++parcels_done;
    }
  }
  const double t = elapsed();
  std::printf(
      "quote_bench: %zu contracts, %.2f s, %.0f parcel-quotes/s per core "
      "(%.0f parcels compared against all %zu/s); checksum %lld (target >= 1,000,000)\n",
      contracts, t, static_cast<double>(quotes) / t, static_cast<double>(parcels_done) / t,
      contracts, static_cast<long long>(checksum));
  return 0;
}
