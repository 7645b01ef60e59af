// Counting build attestations (DESIGN section 6): for each output, the
// distinct builders of the policy who signed each digest. A statement about
// another commit, with a bad signature, by a key the policy does not list
// or revokes, or by someone outside builders.who counts for nothing; a
// builder who signed two digests for one output counts for neither.
#pragma once

#include "verify/statements.hpp"
#include "warden/build_report.hpp"
#include "warden/policy.hpp"

namespace warden::verify {

// REQUIRES: policy.builders is set. `revoked(fingerprint)`: keys revoked
// by a policy the run knows besides `policy` (a build statement has no
// trusted time: a revoked builder's never counts).
BuildReport agree_on_builds(const StatementList& read, const ObjectId& commit, const Policy& policy, CommitFacts& facts,
                            const BuildQuery& query, const std::function<bool(const std::string&)>& revoked);

}  // namespace warden::verify
