#pragma once
// The tariff set in force, shared by every request and replaced atomically on reload (SIGHUP).
// A reload that finds any problem keeps the previous set and returns the problems.
// Thread-safe: readers take a snapshot (shared_ptr) and keep using it while a reload happens.

#include <atomic>
#include <filesystem>
#include <memory>
#include <vector>

#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::tariffs {

class tariff_book {
 public:
  // `dir` empty: no tariffs configured (auto selection and rates are unavailable).
  explicit tariff_book(std::filesystem::path dir) : dir_(std::move(dir)) {}

  bool configured() const noexcept { return !dir_.empty(); }
  const std::filesystem::path& dir() const noexcept { return dir_; }
  std::shared_ptr<const tariff_set> current() const noexcept { return current_.load(); }

  // Loads the folder; on success the new set replaces the current one. Blocking (file I/O).
  std::vector<load_problem> reload();

 private:
  std::filesystem::path dir_;
  std::atomic<std::shared_ptr<const tariff_set>> current_;
};

}  // namespace parcelgate::tariffs
