// The policy each commit carries, read from its tree and parsed once per
// distinct policy file (by blob id), with keys shared across policies.
#pragma once

#include <memory>
#include <unordered_map>

#include "verify/commit_facts.hpp"
#include "warden/policy.hpp"

namespace warden::verify {

struct PolicyAt {
  std::shared_ptr<const Policy> policy;  // null if absent or invalid
  std::string problem;                   // why it is invalid ("" if absent or valid)
};

class PolicyStore {
 public:
  PolicyStore(const Repository& repo, CommitFacts& facts) : repo_(repo), facts_(facts) {}

  // The policy that `commit` carries. An Error is a repository problem.
  Result<const PolicyAt*> at(const ObjectId& commit);

 private:
  const Repository& repo_;
  CommitFacts& facts_;
  KeyCache keys_;
  std::unordered_map<ObjectId, PolicyAt, ObjectIdHash> by_blob_;
  std::unordered_map<ObjectId, PolicyAt, ObjectIdHash> unreadable_;  // by commit
  std::unordered_map<ObjectId, const PolicyAt*, ObjectIdHash> by_commit_;
  PolicyAt absent_;
};

}  // namespace warden::verify
