// Whether a person (or nobody, for an unsigned commit) may make a set of
// changes under one policy: the per-path part of DESIGN section 3.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "verify/refusal.hpp"
#include "warden/policy.hpp"

namespace warden::verify {


// `signer` is the person who signed, or nullptr for an unsigned commit or
// one signed by a key the policy does not list (`unknown_key`). Returns the refusal for
// the first path that is not allowed, or nullopt if all are.
//   - .warden/ paths: the signer is in policy.who and `threshold` distinct
//     people approve (the signer counts as one; `approvals` more);
//   - unprotected paths: always allowed;
//   - other paths: the signer has a grant covering them.
MaybeRefusal may_change(const Policy& policy, const std::string* signer,
                                             const std::vector<std::string>& paths, bool unknown_key = false,
                                             int approvals = 0);

}  // namespace warden::verify
