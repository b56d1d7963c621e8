#include <boost/json.hpp>

#include "tools/carrier-sim/sim.hpp"

namespace parcelgate::sim {

void sales_ledger::record(std::string_view carrier, std::string_view reference,
                          std::string_view tracking_number) {
  std::lock_guard lock(mutex_);
  auto it = sales_.find(carrier);
  if (it == sales_.end()) it = sales_.emplace(std::string(carrier), std::vector<sale>{}).first;
  it->second.push_back(
      {std::string(reference), std::string(tracking_number), std::chrono::system_clock::now()});
}

std::optional<std::chrono::system_clock::time_point> sales_ledger::sold_at(
    std::string_view carrier, std::string_view tracking_number) const {
  std::lock_guard lock(mutex_);
  auto it = sales_.find(carrier);
  if (it == sales_.end()) return std::nullopt;
  for (const auto& s : it->second)
    if (s.tracking_number == tracking_number) return s.at;
  return std::nullopt;
}

void sales_ledger::note_request(std::string_view carrier) {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(carrier);
  if (it == requests_.end()) it = requests_.emplace(std::string(carrier), 0).first;
  ++it->second;
}

std::uint64_t sales_ledger::count(std::string_view carrier) const {
  std::lock_guard lock(mutex_);
  auto it = sales_.find(carrier);
  return it == sales_.end() ? 0 : it->second.size();
}

std::string sales_ledger::to_json() const {
  std::lock_guard lock(mutex_);
  boost::json::object out;
  auto requests_of = [this](std::string_view carrier) -> std::uint64_t {
    auto it = requests_.find(carrier);
    return it == requests_.end() ? 0 : it->second;
  };
  for (const auto& [carrier, n] : requests_)
    if (!sales_.contains(carrier))
      out[carrier] = boost::json::object{{"labels_sold", 0},
                                         {"duplicate_references", 0},
                                         {"requests", n},
                                         {"sales", boost::json::array()}};
  for (const auto& [carrier, list] : sales_) {
    std::map<std::string_view, int> seen;
    boost::json::array items;
    std::uint64_t duplicates = 0;
    for (const auto& s : list) {
      if (!s.reference.empty() && seen[s.reference]++ > 0) ++duplicates;
      items.push_back(
          boost::json::object{{"reference", s.reference}, {"tracking_number", s.tracking_number}});
    }
    out[carrier] = boost::json::object{{"labels_sold", list.size()},
                                       {"duplicate_references", duplicates},
                                       {"requests", requests_of(carrier)},
                                       {"sales", std::move(items)}};
  }
  return boost::json::serialize(out);
}

void sales_ledger::reset() {
  std::lock_guard lock(mutex_);
  sales_.clear();
  requests_.clear();
}

}  // namespace parcelgate::sim
