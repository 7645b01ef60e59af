// What an update of refs/notes/warden may add on a guarded server (DESIGN
// section 6): statements signed by keys of the server's policy, nothing
// else, so that junk pushed by anyone is never stored and served; and no
// rejecting review of a commit that has already landed on the policy
// branch (a verdict on history is not rewritten by a statement signed
// later).
#pragma once

#include <optional>
#include <string>

#include "warden/policy.hpp"
#include "warden/push_check.hpp"
#include "warden/repository.hpp"

namespace warden::server {

// Why the notes `u` adds (lines in its new notes that its old notes do not
// hold) are refused, or nothing. `policy` judges who signed them (the
// policy branch's, before the push); `landed_on` is the policy branch's
// tip before the push, if any. An Error: the notes cannot be read.
Result<std::optional<std::string>> added_statements_problem(const Repository& repo, const RefUpdate& u,
                                                            const Policy& policy,
                                                            const std::optional<ObjectId>& landed_on);

}  // namespace warden::server
