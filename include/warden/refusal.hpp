// Why something was refused, as a value: the rule that refused one commit
// (enum class Rule) or the kind of refusal of a whole run (enum class
// RunCheck), with the sentence that says why. "Accepted" is std::nullopt,
// never an empty string. The names these print as come from one table
// (rule_table(), run_check_table()); the human output, the JSON of
// `verify --json` and the README's schema all use it, and a test fails when
// the README and the table differ.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace warden {

// The rule that refused a commit, in the order DESIGN section 3 applies
// them; then revocation (section 6a) and Guix mode's rules.
enum class Rule {
  ancestry,          // a parent is not the anchor, not authenticated, or predates the anchor
  signature,         // a bad, unsupported or (Guix) missing-key signature
  path,              // a path git refuses to check out
  policy,            // the policy to judge by is missing or invalid, or .warden/ changed without policy.who
  unsigned_change,   // unsigned (or unknown key) change to a protected path
  grant,             // the signer has no grant covering a path
  threshold,         // fewer distinct people than a threshold needs
  review,            // fewer approving reviews than a review rule needs
  merge,             // a merge's own rule: unsigned where not allowed, or brings in what is not allowed
  revocation,        // signed by a revoked key after the revocation landed
  guix_authorization,   // Guix: signer not in every parent's .guix-authorizations
  guix_unreadable,      // Guix: a parent's .guix-authorizations cannot be read
  guix_removal,         // Guix: a parent removed .guix-authorizations
  sequoia_capability,   // sequoia-git: the signer holds no certificate, or lacks a capability, in the parent's policy
  sequoia_policy_file,  // sequoia-git: an openpgp-policy.toml cannot be read
};

// The checks on a whole run, before and around the per-commit rules.
enum class RunCheck {
  history_altered,   // replace refs, grafts, a shallow clone
  anchor_signature,  // the anchor (Guix: introduction) is not signed by the anchor key
  anchor_policy,     // the anchor carries no or an invalid policy
  not_descendant,    // the target or a known-good commit does not descend from the anchor
};

struct RuleName {
  Rule rule;
  std::string_view name;     // as printed: "rule grant", JSON "rule": "grant"
  std::string_view mode;     // "policy", "guix", "sequoia" or "all"
  std::string_view meaning;  // one line, for the documented schema
};
struct RunCheckName {
  RunCheck check;
  std::string_view name;  // JSON "refusal_kind"
  std::string_view meaning;
};

std::span<const RuleName> rule_table();
std::span<const RunCheckName> run_check_table();
std::string_view name_of(Rule rule);
std::string_view name_of(RunCheck check);
std::optional<Rule> rule_named(std::string_view name);

// A commit's refusal: which rule, why in one sentence, and the first
// offending path if a path is to blame ("" otherwise).
struct Refusal {
  Rule rule = Rule::ancestry;
  std::string reason;
  std::string path;
};

// A refusal of a whole run, not of one commit.
struct RunRefusal {
  RunCheck check = RunCheck::not_descendant;
  std::string reason;
};

}  // namespace warden
