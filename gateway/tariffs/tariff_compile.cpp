// Assembling a tariff_set: files -> validated contracts -> lookup tables.
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "gateway/tariffs/tariff.hpp"
#include "gateway/tariffs/tariff_loader.hpp"

namespace parcelgate::tariffs {

std::string load_problem::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!path.empty()) out += path + ": ";
  return out + message;
}

namespace detail {

namespace {

int country_slot(std::string_view code) {
  return (code[0] - 'A') * 26 + (code[1] - 'A');
}

}  // namespace

void compile(contract& c) {
  compiled_contract& k = c.compiled;
  k.zone_count = static_cast<std::uint16_t>(c.zones.size());

  // Country -> its zones in file order. Built per country, then flattened.
  std::vector<std::vector<compiled_contract::country_rule>> per_country(26 * 26);
  for (std::size_t z = 0; z < c.zones.size(); ++z) {
    const zone& zn = c.zones[z];
    compiled_contract::country_rule rule;
    rule.zone = static_cast<std::uint16_t>(z);
    rule.first_pattern = static_cast<std::uint16_t>(k.patterns.size());
    rule.pattern_count = static_cast<std::uint16_t>(zn.postal_codes.size());
    for (const auto& p : zn.postal_codes) {
      bool prefix = p.back() == '*';
      k.patterns.push_back({prefix ? p.substr(0, p.size() - 1) : p, prefix});
    }
    for (const auto& country : zn.countries) {
      auto& rules = per_country[static_cast<std::size_t>(country_slot(country))];
      // A zone that already matches every code of this country hides the later ones.
      bool hidden = std::any_of(rules.begin(), rules.end(),
                                [](const auto& r) { return r.pattern_count == 0; });
      bool listed = std::any_of(rules.begin(), rules.end(),
                                [&](const auto& r) { return r.zone == rule.zone; });
      if (!hidden && !listed) rules.push_back(rule);
    }
  }
  k.rules.clear();
  for (std::size_t i = 0; i < per_country.size(); ++i) {
    k.country_begin[i] = static_cast<std::uint32_t>(k.rules.size());
    k.rules.insert(k.rules.end(), per_country[i].begin(), per_country[i].end());
  }
  k.country_begin[per_country.size()] = static_cast<std::uint32_t>(k.rules.size());

  k.service_slot.fill(-1);
  k.services.clear();
  for (std::size_t s = 0; s < c.services.size(); ++s) {
    const service_tariff& st = c.services[s];
    k.service_slot[static_cast<std::size_t>(st.service)] = static_cast<std::int8_t>(s);
    compiled_contract::compiled_service cs;
    for (const auto& b : st.bands) {
      cs.max_g.push_back(b.max_g);
      for (const auto& p : b.prices) cs.prices.push_back(p.value_or(-1));
    }
    for (const auto& t : st.transit_days) cs.transit.push_back(t.value_or(-1));
    k.services.push_back(std::move(cs));
  }

  k.discount_keep = kHundredPercent;
  for (const auto& d : c.discounts) k.discount_keep -= d.percent;

  k.surcharges.clear();
  for (const auto& s : c.surcharges) {
    compiled_contract::compiled_surcharge cs;
    if (!s.zones.empty()) {
      cs.zone_mask = 0;
      for (auto z : s.zones) cs.zone_mask |= std::uint64_t{1} << z;
    }
    if (!s.services.empty()) {
      cs.service_mask = 0;
      for (auto level : s.services)
        cs.service_mask |= std::uint32_t{1} << static_cast<unsigned>(level);
    }
    cs.weight_g_over = s.weight_g_over.value_or(-1);
    cs.longest_side_mm_over = s.longest_side_mm_over.value_or(-1);
    cs.percent = s.percent.value_or(-1);
    cs.amount = s.amount.value_or(0);
    k.surcharges.push_back(cs);
  }
  k.returns_percent = c.returns_percent.value_or(-1);
}

}  // namespace detail

load_result load_documents(const std::vector<std::pair<std::string, std::string>>& named_yaml) {
  std::vector<load_problem> problems;
  std::vector<contract> contracts;
  std::map<std::string, std::pair<std::string, int>, std::less<>> first_seen;  // id -> file, line
  for (const auto& [file, text] : named_yaml) {
    auto c = detail::parse_contract(file, text, problems);
    if (!c) continue;
    auto [it, inserted] = first_seen.try_emplace(c->id, c->file, c->line);
    if (!inserted) {
      problems.push_back({file, c->line, "contract",
                          "duplicate contract id '" + c->id + "' (also in " + it->second.first +
                              ":" + std::to_string(it->second.second) + ")"});
      continue;
    }
    detail::compile(*c);
    contracts.push_back(std::move(*c));
  }
  if (!problems.empty()) return std::unexpected(std::move(problems));
  std::sort(contracts.begin(), contracts.end(),
            [](const contract& a, const contract& b) { return a.id < b.id; });
  return std::shared_ptr<const tariff_set>(new tariff_set(std::move(contracts)));
}

load_result load_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".yaml" && it->is_regular_file(ec)) files.push_back(it->path());
  if (ec)
    return std::unexpected(std::vector<load_problem>{
        {dir.string(), 0, "", "cannot read the folder: " + ec.message()}});
  std::sort(files.begin(), files.end());
  std::vector<std::pair<std::string, std::string>> named;
  std::vector<load_problem> unreadable;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in)
      unreadable.push_back({f.string(), 0, "", "cannot read the file"});
    else
      named.emplace_back(f.string(), text.str());
  }
  auto set = load_documents(named);
  if (unreadable.empty()) return set;
  if (!set) unreadable.insert(unreadable.end(), set.error().begin(), set.error().end());
  return std::unexpected(std::move(unreadable));
}

}  // namespace parcelgate::tariffs
