// Whether a person (or nobody, for an unsigned commit) may make a set of
// changes under one policy: the per-path part of DESIGN section 3, with
// the thresholds of section 2 counted over approvals (section 6).
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "verify/approvals.hpp"
#include "verify/refusal.hpp"
#include "warden/policy.hpp"

namespace warden::verify {

// The approvals a threshold may count, asked for only when a threshold
// above one applies; and who counted, for the verdict.
struct ApprovalContext {
  std::function<const FoundApprovals&()> approvals;
  std::set<std::string> counted;  // approvers (not the signer) that counted toward a threshold
  // The people whose approving reviews of the commit verify, asked for
  // only when a review rule applies.
  std::function<const FoundApprovals&()> reviews;
};

// `signer` is the person who signed, or nullptr for an unsigned commit,
// one signed by a key the policy does not list or one whose signature
// cannot be verified; `nobody` then says which, as refusals begin
// ("unsigned change", "change not signed by any key the policy lists").
// Returns the refusal for the first path that is not allowed, or nullopt
// if all are.
//   - .warden/ paths: the signer is in policy.who and `policy.threshold`
//     distinct people of policy.who agree (the signer and approvers);
//   - unprotected paths: always allowed;
//   - other paths: the signer has a grant covering them, and every grant
//     with a threshold covering them has that many distinct people of its
//     `who` among the signer and approvers;
//   - then every review rule covering a changed path (not .warden/, not
//     unprotected) has `count` approving reviewers of its `who` other than
//     the signer.
// Without `approvals`, nobody approved or reviewed.
MaybeRefusal may_change(const Policy& policy, const std::string* signer, const std::vector<std::string>& paths,
                        std::string_view nobody = "unsigned change", ApprovalContext* approvals = nullptr);

}  // namespace warden::verify
