// The walks of history the engine asks for, answered by the handle's
// commit graph (generation numbers, never commit dates): the commits to
// check, ancestry, merge bases.
#include <fmt/format.h>

#include "git/commit_graph.hpp"
#include "git/commit_parents.hpp"
#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {

git::CommitGraph& Repository::graph() const {
  if (!graph_) {
    // The libgit2 handle, not `this`: it stays where it is when the
    // Repository is moved (the graph moves with it).
    git_repository* repo = raw();
    graph_ = std::make_unique<git::CommitGraph>([repo](const ObjectId& id) -> Result<std::vector<ObjectId>> {
      // The object itself, not a parsed commit: a walk over a long history
      // reads each commit once, and libgit2's parsed-object cache (bounded,
      // see handles.hpp) would only churn.
      git_odb* raw_odb = nullptr;
      if (git_repository_odb(&raw_odb, repo) != 0) return make_error(git_error_text("cannot open object database"));
      git::OdbHandle odb(raw_odb);
      git_odb_object* raw_obj = nullptr;
      if (int rc = git_odb_read(&raw_obj, raw_odb, &id.raw); rc != 0) return object_error(rc, "commit", id);
      git::OdbObjectHandle obj(raw_obj);
      if (git_odb_object_type(raw_obj) != GIT_OBJECT_COMMIT)
        return make_error(fmt::format("{} is a {}, not a commit", id.hex(), git_object_type2string(git_odb_object_type(raw_obj))));
      return git::commit_parents(
          std::string_view(static_cast<const char*>(git_odb_object_data(raw_obj)), git_odb_object_size(raw_obj)), id);
    }, [repo]() -> std::optional<git::CommitGraphFile> {
      const char* common = git_repository_commondir(repo);
      if (common == nullptr) return std::nullopt;
      return git::CommitGraphFile::open(std::string(common) + "objects");
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
