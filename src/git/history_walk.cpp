// The walks of history the engine asks for, answered by the handle's
// commit graph (generation numbers, never commit dates): the commits to
// check, ancestry, merge bases.
#include <fmt/format.h>

#include "git/commit_graph.hpp"
#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {

git::CommitGraph& Repository::graph() const {
  if (!graph_) {
    // The libgit2 handle, not `this`: it stays where it is when the
    // Repository is moved (the graph moves with it).
    git_repository* repo = raw();
    graph_ = std::make_unique<git::CommitGraph>([repo](const ObjectId& id) -> Result<std::vector<ObjectId>> {
      git_commit* raw_commit = nullptr;
      if (int rc = git_commit_lookup(&raw_commit, repo, &id.raw); rc != 0) return object_error(rc, "commit", id);
      git::CommitHandle commit(raw_commit);
      std::vector<ObjectId> parents;
      unsigned n = git_commit_parentcount(raw_commit);
      parents.reserve(n);
      for (unsigned i = 0; i < n; ++i) parents.push_back(ObjectId::from(git_commit_parent_id(raw_commit, i)));
      return parents;
    });
  }
  return *graph_;
}

Result<std::vector<ObjectId>> Repository::walk(const std::vector<ObjectId>& tips,
                                               const std::vector<ObjectId>& hidden) const {
  return graph().range(tips, hidden);
}

Result<bool> Repository::descendant_of(const ObjectId& commit, const ObjectId& ancestor) const {
  return graph().descendant_of(commit, ancestor);
}

Result<std::vector<ObjectId>> Repository::merge_bases(const ObjectId& a, const ObjectId& b) const {
  return graph().merge_bases(a, b);
}

}  // namespace warden
