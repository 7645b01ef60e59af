// The clean merge of a merge commit's parents, as libgit2 computes it with
// its default options. The merge's "own changes" are measured against it.
#include <fmt/format.h>

#include <set>

#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {

Result<CleanMerge> Repository::clean_merge(const std::vector<ObjectId>& parents) const {
  CleanMerge out;
  if (parents.size() != 2) {
    out.why_not = fmt::format("no clean merge for {} parents", parents.size());
    return out;
  }
  git_commit* raw_a = nullptr;
  git_commit* raw_b = nullptr;
  if (git_commit_lookup(&raw_a, raw(), &parents[0].raw) != 0)
    return make_error(git_error_text(fmt::format("missing commit {}", parents[0].hex())));
  git::CommitHandle a(raw_a);
  if (git_commit_lookup(&raw_b, raw(), &parents[1].raw) != 0)
    return make_error(git_error_text(fmt::format("missing commit {}", parents[1].hex())));
  git::CommitHandle b(raw_b);

  git_index* raw_index = nullptr;
  if (git_merge_commits(&raw_index, raw(), raw_a, raw_b, nullptr) != 0) {
    out.why_not = git_error_text("libgit2 could not merge the parents");
    return out;
  }
  git::IndexHandle index(raw_index);

  std::set<std::string> conflicted;
  if (git_index_has_conflicts(raw_index)) {
    git_index_conflict_iterator* raw_it = nullptr;
    if (git_index_conflict_iterator_new(&raw_it, raw_index) != 0)
      return make_error(git_error_text("cannot list merge conflicts"));
    git::ConflictIteratorHandle it(raw_it);
    const git_index_entry *ancestor, *ours, *theirs;
    int rc;
    while ((rc = git_index_conflict_next(&ancestor, &ours, &theirs, raw_it)) == 0) {
      for (const git_index_entry* e : {ancestor, ours, theirs})
        if (e != nullptr) conflicted.insert(e->path);
    }
    if (rc != GIT_ITEROVER) return make_error(git_error_text("cannot list merge conflicts"));
    if (git_index_conflict_cleanup(raw_index) != 0) return make_error(git_error_text("cannot resolve merge index"));
  }
  git_oid tree;
  // Written into the in-memory object store (see repository.cpp).
  if (git_index_write_tree_to(&tree, raw_index, raw()) != 0)
    return make_error(git_error_text("cannot build the clean merge tree"));
  out.tree = ObjectId::from(&tree);
  out.conflicted.assign(conflicted.begin(), conflicted.end());
  return out;
}

Result<std::vector<ObjectId>> Repository::merge_bases(const ObjectId& a, const ObjectId& b) const {
  struct Bases {  // owns the array libgit2 fills
    git_oidarray ids{};
    ~Bases() { git_oidarray_dispose(&ids); }
  } bases;
  int rc = git_merge_bases(&bases.ids, raw(), &a.raw, &b.raw);
  std::vector<ObjectId> out;
  if (rc == GIT_ENOTFOUND) return out;
  if (rc != 0) return make_error(git_error_text("cannot compute merge bases"));
  for (size_t i = 0; i < bases.ids.count; ++i) out.push_back(ObjectId::from(&bases.ids.ids[i]));
  return out;
}

}  // namespace warden
