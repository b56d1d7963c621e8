#pragma once
// Wires the gateway together from a loaded config: store, carriers, HTTP client, services,
// API and listener. Used by the `parcelgate` binary; runs until SIGTERM/SIGINT.

#include <expected>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "gateway/carriers/registry.hpp"
#include "gateway/config/config.hpp"

namespace parcelgate {

struct run_options {
  std::string listen_override;  // "HOST:PORT" from --listen
};

// Validates what load_file() cannot: the tariff files (`tariffs:` folder).
std::vector<config::problem> check_tariffs(const config::config& cfg);
// For a PostgreSQL store: the database answers, and its schema is not newer than this code.
// Nothing to check for SQLite (the file is created at start).
std::vector<config::problem> check_store(const config::config& cfg);

// Validates what load_file() cannot: carrier settings against their adapters.
std::vector<config::problem> check_carriers(const config::config& cfg,
                                            std::span<const carriers::adapter_entry> adapters);

// Runs the server; returns the process exit code (0 after a graceful stop).
int run_gateway(const config::config& cfg, std::span<const carriers::adapter_entry> adapters,
                const run_options& options);

}  // namespace parcelgate
