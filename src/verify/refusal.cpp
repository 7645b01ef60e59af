// One line for a refusal, the same for every front end.
#include <fmt/format.h>

#include "common/printable.hpp"
#include "warden/verdict.hpp"

namespace warden {

std::string refusal_line(const Verdict& v) {
  std::string details = fmt::format("rule {}; signer {}", v.rule_name(), v.signer);
  if (!v.path().empty()) details += fmt::format("; path {}", v.path());
  if (v.policy_commit) details += fmt::format("; policy of {}", v.policy_commit->short_hex());
  // The subject is the commit author's choice: escape sequences in it are
  // shown, never sent to the terminal that reads the refusal.
  return fmt::format("{} \"{}\": {} [{}]", v.commit.short_hex(), printable(v.summary), v.reason(), details);
}

std::string refusal_reason(const VerifyReport& report) {
  if (report.refusal) return report.refusal->reason;
  for (const auto& v : report.verdicts)
    if (!v.ok()) return refusal_line(v);
  return report.authenticated ? "" : "not every commit was checked";
}

std::string refusal_rule(const VerifyReport& report) {
  if (report.refusal) return std::string(name_of(report.refusal->check));
  for (const auto& v : report.verdicts)
    if (!v.ok()) return std::string(v.rule_name());
  return "";
}

}  // namespace warden
