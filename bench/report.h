// Rendering of a BenchReport: the human table (one section per part, bars with PASS/FAIL) and
// the JSON record written under bench/results/.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "results.h"

namespace memex::bench {

void PrintReport(const BenchReport& report, std::ostream& out);

nlohmann::ordered_json ReportToJson(const BenchReport& report);

// Writes `<dir>/<UTC timestamp>.json` and `<dir>/latest.json` (creating `dir`); returns the
// timestamped path. Errors: kFailedPrecondition when the directory or files cannot be written.
Result<std::string> WriteReportJson(const BenchReport& report, const std::string& dir);

// True when every measured bar passed.
bool AllBarsPass(const BenchReport& report);

}  // namespace memex::bench
