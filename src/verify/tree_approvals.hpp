// A commit's own authorization (the per-path rules of DESIGN section 3
// with its approvals, section 6), and the tree approval that may stand in
// for its signer: an approval of (parent, tree) by someone the policy
// allows to make the change, as the forge's squash or rebase button
// leaves a commit signed by the forge, not by the person who approved.
#pragma once

#include <string>
#include <vector>

#include "verify/approvals.hpp"
#include "verify/authorization.hpp"
#include "verify/refusal.hpp"
#include "verify/signer.hpp"
#include "warden/policy.hpp"
#include "warden/verdict.hpp"

namespace warden::verify {

// What thresholds and review rules count for commit `c` under `policy`:
// its approvals and reviews, read only if a rule asks.
ApprovalContext approvals_of(ApprovalBook& book, const ObjectId& c, const Policy& policy);

// Whether commit `data`, signed by `signer` (as `policy` knows it), may
// make `paths` under `policy`, counting its approvals; or, for a
// single-parent commit, whether a tree approval of its parent and tree
// stands in for its signer. Notes on `v` (if given) who approved.
MaybeRefusal authorize_commit(ApprovalBook& book, const Policy& policy, const Signer& signer, const CommitData& data,
                              const std::vector<std::string>& paths, Verdict* v);

}  // namespace warden::verify
