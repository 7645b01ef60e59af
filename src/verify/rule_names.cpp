// The one table of rule names (see warden/refusal.hpp): what the human
// output, the JSON and the README's schema call each rule and run check.
#include <array>

#include "warden/refusal.hpp"

namespace warden {

namespace {

constexpr std::array kRules{
    RuleName{Rule::ancestry, "ancestry", "all",
             "a parent is not authenticated (it descends from a refused commit), predates the anchor, or the commit is "
             "an unrelated root"},
    RuleName{Rule::signature, "signature", "all",
             "a bad or unsupported signature; in Guix and sequoia-git modes also a missing key, a weak hash, a key that "
             "could not sign then, or a signature that is not OpenPGP"},
    RuleName{Rule::path, "path", "policy", "a path git refuses to check out (`.git`, `..`, `.gitmodules` tricks)"},
    RuleName{Rule::policy, "policy", "policy",
             "the parent's policy is missing or invalid, or `.warden/` is changed by someone not in `policy.who`"},
    RuleName{Rule::unsigned_change, "unsigned", "all",
             "an unsigned change (or one by a key the policy does not list) to a protected path; in Guix and "
             "sequoia-git modes an unsigned commit"},
    RuleName{Rule::grant, "grant", "policy", "the signer has no grant covering a changed path"},
    RuleName{Rule::threshold, "threshold", "policy", "fewer distinct people (signer and approvers) than a threshold needs"},
    RuleName{Rule::review, "review", "policy", "fewer approving reviews than a `reviews` rule needs"},
    RuleName{Rule::merge, "merge", "policy",
             "an unsigned merge where the policy allows none or with changes of its own, a merge signer outside a "
             "parent's policy, or a merge that brings in what the mainline parent's policy does not allow"},
    RuleName{Rule::revocation, "revocation", "policy", "signed by a revoked key after the revocation landed"},
    RuleName{Rule::guix_authorization, "authorization", "guix",
             "the signer is not in the `.guix-authorizations` of every parent"},
    RuleName{Rule::guix_unreadable, "authorizations-file", "guix", "a parent's `.guix-authorizations` cannot be read"},
    RuleName{Rule::guix_removal, "removal", "guix", "a parent removed `.guix-authorizations`"},
    RuleName{Rule::sequoia_capability, "capability", "sequoia",
             "no authenticated parent's `openpgp-policy.toml` gives the signer's certificate the capabilities the "
             "commit needs (`sign_commit`, and `add_user`, `retire_user` or `audit` for the policy changes it makes)"},
    RuleName{Rule::sequoia_policy_file, "policy-file", "sequoia", "an `openpgp-policy.toml` cannot be read"},
};

constexpr std::array kRunChecks{
    RunCheckName{RunCheck::history_altered, "history-altered",
                 "a replace ref, a graft or a shallow clone makes git show other history than is verified"},
    RunCheckName{RunCheck::anchor_signature, "anchor-signature",
                 "the anchor (Guix: the introduction) is not signed by the anchor key"},
    RunCheckName{RunCheck::anchor_policy, "anchor-policy", "the anchor carries no policy, or an invalid one"},
    RunCheckName{RunCheck::not_descendant, "not-descendant",
                 "the target or a known-good commit does not descend from the anchor"},
};

}  // namespace

std::span<const RuleName> rule_table() { return kRules; }
std::span<const RunCheckName> run_check_table() { return kRunChecks; }

std::string_view name_of(Rule rule) {
  for (const auto& r : kRules)
    if (r.rule == rule) return r.name;
  return "unknown";
}

std::string_view name_of(RunCheck check) {
  for (const auto& c : kRunChecks)
    if (c.check == check) return c.name;
  return "unknown";
}

std::optional<Rule> rule_named(std::string_view name) {
  for (const auto& r : kRules)
    if (r.name == name) return r.rule;
  return std::nullopt;
}

}  // namespace warden
