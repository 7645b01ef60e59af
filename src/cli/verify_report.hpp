// How a verification report is shown: one line per refusal for people,
// JSON Lines for programs (schema in README.md, "JSON output").
#pragma once

#include <ostream>
#include <string>

#include "warden/verifier.hpp"

namespace warden::cli {

// "1a2b3c4d5e "subject": reason [rule R; signer S; path P; policy of C]"
std::string refusal_line(const Verdict& v);
// Why a report is not authenticated, one line: the run's refusal, or the
// first refused commit's refusal_line. "" if it is authenticated.
std::string refusal_reason(const VerifyReport& report);
void print_human(std::ostream& out, std::ostream& err, const VerifyReport& report, const VerifyRequest& request);
void print_json(std::ostream& out, const VerifyReport& report, const VerifyRequest& request);

}  // namespace warden::cli
