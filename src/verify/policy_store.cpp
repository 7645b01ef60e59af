#include "verify/policy_store.hpp"

#include <fmt/format.h>

namespace warden::verify {

Result<const PolicyAt*> PolicyStore::at(const ObjectId& commit) {
  if (auto it = by_commit_.find(commit); it != by_commit_.end()) return it->second;
  auto data = facts_.commit(commit);
  if (!data) return data.error();
  // One byte over the limit is enough for the parser to report the size.
  auto file = repo_.read_file((*data)->tree, kPolicyPath, kMaxPolicyBytes + 1);
  const PolicyAt* result = &absent_;
  if (!file) {
    // A policy file that cannot be read (too large, missing object) is an
    // invalid policy: the commit carrying it cannot be built upon.
    auto [it, _] = unreadable_.emplace(
        commit, PolicyAt{nullptr, fmt::format("{}:{}: {}", commit.short_hex(), kPolicyPath, file.error().message)});
    result = &it->second;
  } else if (file->has_value()) {
    const Blob& blob = **file;
    auto it = by_blob_.find(blob.id);
    if (it == by_blob_.end()) {
      auto parsed = parse_policy(blob.content, fmt::format("{}:{}", commit.short_hex(), kPolicyPath), &keys_);
      PolicyAt at;
      at.policy = parsed.policy;
      if (!parsed.problems.empty()) at.problem = parsed.problems.front();
      it = by_blob_.emplace(blob.id, std::move(at)).first;
    }
    result = &it->second;
  }
  by_commit_.emplace(commit, result);
  return result;
}

}  // namespace warden::verify
