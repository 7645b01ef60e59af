// Reads commits' parents for the commit graph (commit_graph.hpp) straight
// from the object database's backends, as libgit2's git_odb_read does,
// leaving the check that each commit hashes to its name to
// deferred_hash_check.hpp (past the first thousand, on a second thread):
// the graph settles that check before
// it answers any question or hands out what it read. An object no backend
// has (a pack written since they were opened) is read by git_odb_read,
// which looks again and checks the hash itself.
#pragma once

#include <git2.h>

#include <vector>

#include "git/deferred_hash_check.hpp"
#include "warden/object_id.hpp"
#include "warden/result.hpp"

namespace warden::git {

class CommitParentReader {
 public:
  // `repo` must outlive the reader.
  explicit CommitParentReader(git_repository* repo) : repo_(repo) {}

  // The parents `commit` names, in order; an Error if it is missing or is not a commit.
  Result<std::vector<ObjectId>> parents(const ObjectId& commit);
  // Every commit read so far hashes to its name (or the first that did not).
  Status settle() { return hashes_.settle(); }

 private:
  git_repository* repo_;
  DeferredHashCheck hashes_;
};

}  // namespace warden::git
