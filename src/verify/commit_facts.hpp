// Facts about commits that do not depend on any policy, computed at most
// once per run: the commit itself, its signature, and its own changes.
#pragma once

#include <optional>
#include <unordered_map>

#include "warden/commit_signature.hpp"
#include "warden/repository.hpp"

namespace warden::verify {

class CommitFacts {
 public:
  explicit CommitFacts(const Repository& repo) : repo_(repo) {}

  Result<const CommitData*> commit(const ObjectId& id);
  Result<const CommitSignature*> signature(const ObjectId& id);
  // The paths this commit itself changes: against its parent; for a merge,
  // against the clean merge of its parents plus every conflicted path (or
  // the union against each parent when no clean merge exists); for a root,
  // every path.
  Result<const std::vector<std::string>*> own_changes(const ObjectId& id);

  // Reads `ids` and checks their signatures ahead of the rules, spreading
  // the cryptography over `threads` threads. The results are the same as
  // signature() would give one by one.
  Status prefetch_signatures(const std::vector<ObjectId>& ids, unsigned threads);

  size_t verifications() const { return checker_.verifications(); }

 private:
  struct Entry {
    CommitData data;
    std::optional<CommitSignature> signature;
    std::optional<std::vector<std::string>> own_changes;
  };
  Result<Entry*> entry(const ObjectId& id);
  Result<std::vector<std::string>> compute_own_changes(const CommitData& c);

  const Repository& repo_;
  SignatureChecker checker_;
  std::unordered_map<ObjectId, Entry, ObjectIdHash> entries_;
};

}  // namespace warden::verify
