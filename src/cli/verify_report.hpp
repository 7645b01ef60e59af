// How a verification report is shown: one line per refusal for people,
// JSON Lines for programs (schema in README.md, "JSON output").
#pragma once

#include <ostream>
#include <string>

#include "warden/verifier.hpp"

namespace warden::cli {

// "1a2b3c4d5e "subject": reason [rule R; signer S; path P; policy of C]"
std::string refusal_line(const Verdict& v);
void print_human(std::ostream& out, std::ostream& err, const VerifyReport& report, const VerifyRequest& request);
void print_json(std::ostream& out, const VerifyReport& report, const VerifyRequest& request);

}  // namespace warden::cli
