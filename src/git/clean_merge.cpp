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

  // The merge base from the commit graph (generation numbers, not
  // dates); libgit2's own recursive merge only for a criss-cross merge.
  auto bases = merge_bases(parents[0], parents[1]);
  if (!bases) return bases.error();
  git_index* raw_index = nullptr;
  int rc = 0;
  if (bases->size() > 1) {
    rc = git_merge_commits(&raw_index, raw(), raw_a, raw_b, nullptr);
  } else {
    git::TreeHandle base_tree, ours, theirs;
    git_tree* raw_tree = nullptr;
    if (bases->size() == 1) {
      git_commit* raw_base = nullptr;
      if (git_commit_lookup(&raw_base, raw(), &bases->front().raw) != 0)
        return make_error(git_error_text(fmt::format("missing commit {}", bases->front().hex())));
      git::CommitHandle base(raw_base);
      if (git_commit_tree(&raw_tree, raw_base) != 0) return make_error(git_error_text("cannot read the merge base's tree"));
      base_tree.reset(raw_tree);
    }
    if (git_commit_tree(&raw_tree, raw_a) != 0) return make_error(git_error_text("cannot read a parent's tree"));
    ours.reset(raw_tree);
    if (git_commit_tree(&raw_tree, raw_b) != 0) return make_error(git_error_text("cannot read a parent's tree"));
    theirs.reset(raw_tree);
    rc = git_merge_trees(&raw_index, raw(), base_tree.get(), ours.get(), theirs.get(), nullptr);
  }
  if (rc != 0) {
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

}  // namespace warden
