// sequoia-git authentication (`sq-git log --trust-root R T`), in process:
// a commit is authenticated if it is the trust root, or if some parent of
// it is authenticated and that parent's openpgp-policy.toml authorizes it
// (its signer's certificate holds sign_commit there, and whatever the
// commit changes in the policy, the capability that change needs); the
// target is authenticated if some such path leads to it from the trust
// root. Hard revocations found in any policy of the range void every
// signature of the key; commits goodlisted by a policy on an authenticated
// path to the target count as authorized. See docs/sequoia.md.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "warden/git_reads.hpp"
#include "warden/verifier.hpp"

namespace warden {

struct SequoiaRequest {
  ObjectId trust_root;
  ObjectId target;
  // A..B: the path from the trust root must go through A (sq-git's
  // "start of the range").
  std::optional<ObjectId> via;
  // Report every commit of the range; otherwise, when the target is not
  // authenticated, the report ends at the first refused commit.
  bool keep_going = false;
  std::function<void(size_t done, size_t total)> progress;
};

// Authenticates request.target from request.trust_root. The report holds
// one verdict per commit of the range (descendants of the trust root that
// are ancestors of the target, the trust root itself excepted), parents
// first, each with its result against every parent's policy; it is
// authenticated when the target is, even if commits on a side branch are
// not (a warning names them). An Error is a setup problem.
Result<VerifyReport> authenticate_sequoia(const GitReads& repo, const SequoiaRequest& request);

}  // namespace warden
