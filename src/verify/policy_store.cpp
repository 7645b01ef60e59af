#include "verify/policy_store.hpp"

#include <fmt/format.h>

namespace warden::verify {

Result<const PolicyAt*> PolicyStore::at(const ObjectId& commit) {
  if (fixed_) return &*fixed_;
  if (auto it = by_commit_.find(commit); it != by_commit_.end()) return it->second;
  auto data = facts_.commit(commit);
  if (!data) return data.error();
  auto loaded = loader_.load((*data)->tree, commit.short_hex());
  if (!loaded) return loaded.error();
  by_commit_.emplace(commit, *loaded);
  return *loaded;
}

Result<std::shared_ptr<const OpenPgpCert>> PolicyStore::certificate(const ObjectId& commit,
                                                                    const std::string& fingerprint) {
  auto data = facts_.commit(commit);
  if (!data) return data.error();
  return loader_.certificate((*data)->tree, fingerprint, commit.short_hex());
}

std::string no_valid_policy(const PolicyAt& at, std::string_view who) {
  if (at.problem.empty()) return fmt::format("{} carries no policy ({})", who, kPolicyPath);
  return fmt::format("{} carries an invalid policy: {}", who, at.problem);
}

}  // namespace warden::verify
