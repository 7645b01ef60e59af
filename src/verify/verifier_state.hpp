// What a Verifier keeps across its runs and queries: the facts read about
// commits (signatures checked once) and the policies parsed once.
#pragma once

#include "verify/commit_facts.hpp"
#include "verify/policy_store.hpp"
#include "warden/verifier.hpp"

namespace warden {

struct Verifier::State {
  explicit State(const GitReads& r) : repo(r), facts(r), policies(r, facts) {}
  const GitReads& repo;
  verify::CommitFacts facts;
  verify::PolicyStore policies;
};

}  // namespace warden
