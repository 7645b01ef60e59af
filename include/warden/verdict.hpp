// What a run of the rules says: one verdict per checked commit (accepted,
// or refused with a typed Refusal), and a report over the run (which may
// itself be refused as a whole: a RunRefusal). Every rule set (policy
// mode, Guix mode) reports in these terms.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warden/object_id.hpp"
#include "warden/refusal.hpp"
#include "warden/signature_kind.hpp"

namespace warden {

// The outcome for one checked commit.
struct Verdict {
  ObjectId commit;
  std::string summary;
  // Why it was refused; nullopt when it was accepted.
  std::optional<Refusal> refusal;
  std::string signer;           // person, "unsigned", or what the signature was
  std::string key_fingerprint;  // of the signing key, when there is one
  std::vector<std::string> key_aliases;  // x509: the certificate's other names a revocation could give
  SignatureKind signature = SignatureKind::none;
  std::optional<ObjectId> policy_commit;  // whose policy was consulted
  size_t mainline = 0;          // a merge's mainline parent (index into its parents)
  // Refused only because a parent is not authenticated (it descends from
  // a refused commit), not on its own account.
  bool inherited = false;
  // Refused for a reason a later signed merge may vouch for (merges.vouch:
  // the commit does not authenticate on its own), so the run goes on
  // past it; vouched_by is set if one did, and the refusal cleared.
  bool vouchable = false;
  std::optional<ObjectId> vouched_by;
  // People whose approvals (DESIGN section 6) counted toward a threshold
  // for this commit, and the approver of a tree approval that stood in for
  // its signer ("" if none).
  std::vector<std::string> approved_by;
  std::string tree_approved_by;
  // sequoia-git mode: the commit judged against each parent's policy
  // (sq-git needs one authenticated parent that authorizes it); "" reason
  // when that parent authorizes it.
  struct ParentResult {
    ObjectId parent;
    bool ok = false;
    std::string reason;
  };
  std::vector<ParentResult> parent_results;
  // Accepted, but with something the user should know (Guix mode: what
  // Guix ignores and warden's stricter view would refuse).
  std::vector<std::string> warnings;

  bool ok() const { return !refusal.has_value(); }
  // The refusal's parts for output ("" when accepted).
  std::string_view rule_name() const { return refusal ? name_of(refusal->rule) : std::string_view(); }
  const std::string& reason() const { return refusal ? refusal->reason : kNone; }
  const std::string& path() const { return refusal ? refusal->path : kNone; }

 private:
  static inline const std::string kNone;
};

struct VerifyReport {
  bool authenticated = false;
  // A refusal that is not about one checked commit (the anchor's
  // signature, a target that does not descend from the anchor, altered
  // history); nullopt otherwise.
  std::optional<RunRefusal> refusal;
  std::vector<Verdict> verdicts;  // checked commits, parents first
  size_t total = 0;               // commits that were to be checked
  size_t signatures_verified = 0;
  size_t policies_parsed = 0;     // distinct policy files parsed in this run
  std::vector<std::string> warnings;  // about the run, not one commit (Guix mode: the introduction's key)
};

// "1a2b3c4d5e "subject": reason [rule R; signer S; path P; policy of C]"
std::string refusal_line(const Verdict& v);
// Why a report is not authenticated, in one line: the run's refusal, or
// the first refused commit's refusal_line. "" if it is authenticated.
std::string refusal_reason(const VerifyReport& report);
// The name of the rule or run check behind refusal_reason ("" if none):
// for logs that must not parse it back out of a line that quotes commit
// subjects and paths.
std::string refusal_rule(const VerifyReport& report);

}  // namespace warden
