#pragma once
// `parcelctl tariffs ...`: check contract files and price a parcel from the command line.
//   parcelctl tariffs check DIR
//   parcelctl tariffs quote [--tariffs DIR] --from CC:POSTAL --to CC:POSTAL --weight-g N
//       [--dims LxWxH] [--service LEVEL] [--direction outbound|return] [--date YYYY-MM-DD]
//       [--tenant T] [--json]
//   parcelctl tariffs compare [--tariffs DIR] --shipments FILE.csv [--format table|csv|json|html]
//       [--output FILE] [--target CONTRACT [--share P]] [--date-override YYYY-MM-DD]
//       [--tolerance-pct X] [--tolerance-cents N] [--contracts ID,ID] [--max-examples N]
//       [--progress] [--per-shipment | --audit]  (these two with --format csv)

#include <string>
#include <vector>

namespace parcelgate::parcelctl {

// args are what follows "tariffs". Returns the process exit code (2 = usage or invalid files).
int tariffs_command(const std::vector<std::string>& args);

// `tariffs compare` (compare_cmd.cpp); args are what follows "compare".
int compare_command(const std::vector<std::string>& args);

// The usage lines of the tariffs commands, for the main usage text.
const char* tariffs_usage() noexcept;

}  // namespace parcelgate::parcelctl
