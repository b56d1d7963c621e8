#include "gateway/tariffs/tariff_book.hpp"

namespace parcelgate::tariffs {

std::vector<load_problem> tariff_book::reload() {
  if (dir_.empty()) return {};
  auto loaded = load_dir(dir_);
  if (!loaded) return std::move(loaded.error());
  current_.store(std::move(*loaded));
  return {};
}

}  // namespace parcelgate::tariffs
