#pragma once
// Internal to gateway/tariffs: the steps of load_documents().

#include <optional>
#include <string>
#include <vector>

#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::tariffs::detail {

// Parses and validates one YAML document into a contract; every problem found is appended to
// `problems` (tagged with `file`). nullopt when the document has at least one problem.
std::optional<contract> parse_contract(const std::string& file, const std::string& yaml_text,
                                       std::vector<load_problem>& problems);

// Fills contract::compiled from the validated model.
void compile(contract& c);

}  // namespace parcelgate::tariffs::detail
