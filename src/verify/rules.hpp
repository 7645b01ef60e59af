// The per-commit rules of DESIGN section 3, policy mode, and nothing else:
// a reader checks rules.cpp against the contract side by side. What the
// rules lean on lives in the file of its concept: the policy each commit
// carries (policy_store), who signed (signer), what a person may change
// (authorization), approvals and tree approvals (approvals,
// tree_approvals), a merge's mainline parent (mainline). The whole-run
// checks (history, anchor, descent) and revocation are the run's
// (verifier.cpp, run_checks, revocations).
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "verify/approvals.hpp"
#include "verify/commit_facts.hpp"
#include "verify/mainline.hpp"
#include "verify/policy_store.hpp"
#include "verify/refusal.hpp"
#include "verify/signer.hpp"
#include "warden/verdict.hpp"

namespace warden::verify {

// Whether rule 1 and the check of refused paths would pass a merge signed
// with `sig` on `bound` (CommitFacts::changes_at_most) under `policy`,
// counting no approval: the work ahead's guess (CommitFacts::BoundEnough)
// of where a merge's own changes need not be computed.
bool bound_would_pass(const Policy& policy, const CommitSignature& sig, const TreeChanges& bound, CommitFacts& facts);

class PolicyRules {
 public:
  // `known_good` holds the anchor and the commits authenticated before the
  // run; all the references must outlive this object.
  // `audit`: an auditor's policy judges every commit (PolicyStore::fix),
  // there is no anchor, and a root commit is judged like any other.
  PolicyRules(const GitReads& repo, CommitFacts& facts, PolicyStore& policies, ApprovalBook& approvals,
              Mainline& mainline, const ObjectId& anchor, const std::unordered_set<ObjectId, ObjectIdHash>& known_good,
              bool audit = false)
      : repo_(repo), facts_(facts), policies_(policies), approvals_(approvals), mainline_(mainline), anchor_(anchor),
        known_good_(known_good), audit_(audit) {}

  // Rules 3 to 5 for commit `c`, whose parents in the run are recorded.
  // An Error is a repository problem.
  Result<Verdict> check(const ObjectId& c);
  // The final verdict on `c` (after revocation): what later commits'
  // parents and merges' brought-in commits are judged against. Marks a
  // refusal a signed merge may vouch for as such (Verdict::vouchable):
  // never one a revoked key signed (check_revocations_with).
  void record(const ObjectId& c, Verdict& v);
  // Whether a revoked key signed `commit` (fingerprint as the judging
  // policy resolves it): a merge never vouches for such a commit. Set by
  // the run (the revocations it loaded, or an audit policy's); until set,
  // every signed commit counts as revoked (fail closed).
  using RevokedCheck = std::function<bool(const std::string& fingerprint, const ObjectId& commit)>;
  void check_revocations_with(RevokedCheck revoked) { revoked_ = std::move(revoked); }
  // Whether a merge is judged on the bound of its own changes first
  // (CommitFacts::changes_at_most; the default), or on its own changes.
  void judge_merges_on_bounds(bool on) { bounds_ = on; }
  // The commits the merge just accepted vouched for (merges.vouch), each
  // once, with the fingerprint of the key that signed it as the judging
  // policy resolves it ("" unsigned); cleared by the call.
  struct Vouched {
    ObjectId commit;
    std::string fingerprint;
  };
  std::vector<Vouched> take_vouched() { return std::exchange(vouched_, {}); }

 private:
  // vouchable: refused, but only for not authenticating on its own (see
  // record), so a signed merge may vouch for it.
  enum class ParentState { authenticated, failed, vouchable, pre_anchor };
  Result<ParentState> parent_state(const ObjectId& p);
  // CommitFacts::changes_at_most, or the own changes without bounds.
  Result<CommitFacts::ChangesAtMost> changes_at_most(const ObjectId& c);
  Result<Verdict> check_single(Verdict& v, const CommitData& data);
  Result<Verdict> check_merge(Verdict& v, const CommitData& data, const CommitSignature& sig,
                              const std::vector<ParentState>& states);
  // Rule 1 of a merge on `paths` (its own changes, or their bound):
  // the refusal (a copy of `v`), and whether `paths` decided it; else the
  // policies that authorized them and the approvers counted for them.
  struct OwnJudgement {
    std::optional<Verdict> refused;
    bool refused_by_paths = false;
    std::vector<const Policy*> ok_under;
    std::vector<std::string> approved_by;
  };
  Result<OwnJudgement> own_changes_rule(const Verdict& v, const CommitData& data, const CommitSignature& sig,
                                        const std::vector<ParentState>& states, const Policy& pol1,
                                        const Signer& merge_signer, const std::vector<std::string>& paths);
  // Why the merge `data` (signer `merge_signer` under pol1, which it
  // judges by) may not vouch for `b`, a brought-in commit refused in this
  // run; nothing if it may, and then `fingerprint` is b's signing key.
  Result<MaybeRefusal> vouch_refusal(const ObjectId& b, const CommitData& data, const Policy& pol1,
                                     const Signer& merge_signer, std::string& fingerprint);

  const GitReads& repo_;
  CommitFacts& facts_;
  PolicyStore& policies_;
  ApprovalBook& approvals_;
  Mainline& mainline_;
  const ObjectId& anchor_;
  const std::unordered_set<ObjectId, ObjectIdHash>& known_good_;
  bool audit_ = false;
  bool bounds_ = true;
  std::unordered_map<ObjectId, bool, ObjectIdHash> status_;  // verdicts of this run
  // Refused commits of this run a signed merge may vouch for, and those
  // the last accepted merge vouched for.
  std::unordered_set<ObjectId, ObjectIdHash> vouchable_;
  std::vector<Vouched> vouched_;
  RevokedCheck revoked_ = [](const std::string&, const ObjectId&) { return true; };
  // Refused commits whose refusal was only inherited, from which parent.
  std::unordered_map<ObjectId, ObjectId, ObjectIdHash> inherited_from_;
  // Accepted commits of this run, and the policies under which their own
  // check authorized their own changes by their own signer (rule 2 of a
  // merge reuses it).
  std::unordered_map<ObjectId, std::vector<const Policy*>, ObjectIdHash> own_ok_under_;
};

}  // namespace warden::verify
