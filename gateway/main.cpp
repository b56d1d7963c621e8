// parcelgate --config FILE [--listen HOST:PORT] [--check-config]

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "adapters/builtin.hpp"
#include "gateway/app.hpp"

namespace {

void usage() {
  std::fprintf(stderr,
               "usage: parcelgate --config FILE [--listen HOST:PORT] [--check-config]\n"
               "  --config FILE      YAML configuration (default config/parcelgate.yaml)\n"
               "  --listen HOST:PORT override server.listen; port 0 picks a free port\n"
               "  --check-config     validate the configuration, print every problem, exit\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_file = "config/parcelgate.yaml";
  parcelgate::run_options options;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc)
      config_file = argv[++i];
    else if (arg == "--listen" && i + 1 < argc)
      options.listen_override = argv[++i];
    else if (arg == "--check-config")
      check_only = true;
    else if (arg == "--help" || arg == "-h")
      return usage(), 0;
    else
      return usage(), 2;
  }
  std::vector<parcelgate::carriers::adapter_entry> adapters;
  for (const auto& b : parcelgate::adapters::builtin_adapters()) adapters.push_back({b.id, b.make});

  parcelgate::config::config partial;
  auto cfg = parcelgate::config::load_file(config_file, &partial);
  std::vector<parcelgate::config::problem> problems;
  if (cfg) {
    problems = parcelgate::check_carriers(*cfg, adapters);
  } else {
    // Every problem at once: the carriers' own checks run on what could be read, skipping
    // keys that already have a problem (a ${VAR} that failed to resolve is also "missing").
    problems = cfg.error();
    for (auto& p : parcelgate::check_carriers(partial, adapters)) {
      bool known = false;
      for (const auto& q : cfg.error()) known = known || q.path == p.path;
      if (!known) problems.push_back(std::move(p));
    }
  }
  for (auto& p : parcelgate::check_tariffs(cfg ? *cfg : partial)) problems.push_back(std::move(p));
  if (cfg && check_only)
    for (auto& p : parcelgate::check_store(*cfg)) problems.push_back(std::move(p));
  if (!problems.empty()) {
    std::fprintf(stderr, "%s: %zu configuration problem(s):\n", config_file.c_str(),
                 problems.size());
    for (const auto& p : problems) std::fprintf(stderr, "  %s\n", p.to_string().c_str());
    return 2;
  }
  if (check_only) {
    std::printf("%s: configuration is valid (%zu carrier(s)%s)\n", config_file.c_str(),
                cfg->carriers.size(), cfg->tariffs.empty() ? ", no tariffs" : ", tariffs valid");
    return 0;
  }
  return parcelgate::run_gateway(*cfg, adapters, options);
}
