// How a verification report is shown: one line per refusal for people,
// JSON Lines for programs (schema in README.md, "JSON output").
#pragma once

#include <ostream>
#include <string>

#include "warden/verifier.hpp"

namespace warden::cli {

using warden::refusal_line;
using warden::refusal_reason;

// "warden: warning: ..." for the run's and each commit's warnings.
void print_warnings(std::ostream& err, const VerifyReport& report);
void print_human(std::ostream& out, std::ostream& err, const VerifyReport& report, const VerifyRequest& request);
void print_json(std::ostream& out, const VerifyReport& report, const VerifyRequest& request);

}  // namespace warden::cli
