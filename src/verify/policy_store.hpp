// The policy each commit carries, read from its tree and parsed once per
// distinct policy directory, with keys and certificates shared.
//
// REQUIRES of every caller: at(C) only for a commit C already known to be
// authenticated (the anchor, a known-good commit, or one the rules
// accepted), so that an attacker's policy file is never even parsed.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "verify/commit_facts.hpp"
#include "warden/policy_loader.hpp"

namespace warden::verify {

using PolicyAt = LoadedPolicy;

class PolicyStore {
 public:
  PolicyStore(const GitReads& repo, CommitFacts& facts) : facts_(facts), loader_(repo) {}

  // The policy that `commit` carries (the fixed one, while there is one).
  // An Error is a repository problem.
  Result<const PolicyAt*> at(const ObjectId& commit);
  // From now on every commit is taken to carry `policy` (an auditor's,
  // verify --policy); null: each its own again.
  void fix(std::shared_ptr<const Policy> policy) {
    fixed_.reset();
    if (policy) fixed_ = PolicyAt{std::move(policy), "", false};
  }
  // The certificate .warden/keys/<FPR>.asc in `commit`'s tree, or null.
  Result<std::shared_ptr<const OpenPgpCert>> certificate(const ObjectId& commit, const std::string& fingerprint);
  // How many distinct policy files were parsed so far.
  size_t files_parsed() const { return loader_.files_parsed(); }

 private:
  CommitFacts& facts_;
  PolicyLoader loader_;
  std::unordered_map<ObjectId, const PolicyAt*, ObjectIdHash> by_commit_;
  std::optional<PolicyAt> fixed_;
};

// Why `at`, which `who` carries ("parent 1a2b3c4d5e", "anchor commit ..."),
// is not a valid policy: "<who> carries no policy (.warden/policy.yml)" or
// "<who> carries an invalid policy: <problem>". REQUIRES: !at.policy.
std::string no_valid_policy(const PolicyAt& at, std::string_view who);

}  // namespace warden::verify
