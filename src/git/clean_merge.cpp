// The clean merge of a merge commit's parents, as libgit2 computes it with
// its default options. The merge's "own changes" are measured against it.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "git/commit_graph.hpp"
#include "git/handles.hpp"
#include "git/merge_entries.hpp"
#include "warden/repository.hpp"

namespace warden {

namespace git {
// The virtual bases made for one merge, by their merge bases: a virtual
// base of many bases merges the same older ones again and again.
struct VirtualBases {
  std::map<std::vector<ObjectId>, MergeBaseTree> made;
};
}  // namespace git

Result<CleanMerge> Repository::clean_merge(const std::vector<ObjectId>& parents) const {
  if (parents.size() != 2) return clean_merge(parents, MergeBaseTree{});
  // The merge base from the commit graph (generation numbers, not
  // dates); libgit2's own recursive merge only where warden cannot make
  // the virtual base of a criss-cross merge itself.
  auto base = merge_base_tree(parents[0], parents[1]);
  if (!base) return base.error();
  return clean_merge(parents, *base);
}

Result<CleanMerge> Repository::clean_merge(const std::vector<ObjectId>& parents, const MergeBaseTree& base) const {
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
  int rc = 0;
  if (base.kind == MergeBaseTree::recursive) {
    rc = git_merge_commits(&raw_index, raw(), raw_a, raw_b, nullptr);
  } else {
    git::TreeHandle base_tree, ours, theirs;
    git_tree* raw_tree = nullptr;
    if (base.kind == MergeBaseTree::tree) {
      auto t = git::lookup_tree(raw(), base.id, "");
      if (!t) return t.error();
      base_tree = std::move(*t);
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
  // A file and a directory of one name left in the merged index: a
  // conflict, both of them the merge's own changes.
  WARDEN_TRY_STATUS(git::drop_file_directory_clashes(raw_index, &conflicted));
  git_oid tree;
  // Written into the in-memory object store (see repository.cpp).
  if (git_index_write_tree_to(&tree, raw_index, raw()) != 0)
    return make_error(git_error_text("cannot build the clean merge tree"));
  out.tree = ObjectId::from(&tree);
  out.conflicted.assign(conflicted.begin(), conflicted.end());
  return out;
}

namespace {

Result<ObjectId> tree_of(git_repository* repo, const ObjectId& commit) {
  git_commit* raw_commit = nullptr;
  if (int rc = git_commit_lookup(&raw_commit, repo, &commit.raw); rc != 0) return object_error(rc, "commit", commit);
  git::CommitHandle c(raw_commit);
  return ObjectId::from(git_commit_tree_id(raw_commit));
}

}  // namespace

Result<MergeBaseTree> Repository::merge_base_tree(const ObjectId& a, const ObjectId& b) const {
  auto bases = merge_bases(a, b);
  if (!bases) return bases.error();
  return merge_base_tree(*bases);
}

Result<MergeBaseTree> Repository::merge_base_tree(const std::vector<ObjectId>& bases) const {
  git::VirtualBases made;
  return virtual_base(bases, made);
}

// At most this many merge bases are merged into a virtual base (git/git's
// history has merges with 20); beyond, libgit2's recursive merge decides.
constexpr size_t kMaxVirtualBases = 64;

Result<MergeBaseTree> Repository::virtual_base(const std::vector<ObjectId>& bases, git::VirtualBases& made) const {
  if (bases.empty()) return MergeBaseTree{MergeBaseTree::none, {}};
  if (bases.size() == 1) {
    auto t = tree_of(raw(), bases.front());
    if (!t) return t.error();
    return MergeBaseTree{MergeBaseTree::tree, *t};
  }
  std::vector<ObjectId> key = bases;
  std::sort(key.begin(), key.end());
  if (auto it = made.made.find(key); it != made.made.end()) return it->second;
  // Several bases: libgit2's virtual base merges them one by one, oldest
  // first, each over the merge bases of the next one and those merged so
  // far (made the same way). Each merge is decided by ids where it can be
  // (tree_merge.cpp), else by libgit2's merge of the trees as its
  // recursive merge makes a virtual base.
  auto recursive = [&]() -> Result<MergeBaseTree> {
    MergeBaseTree out{MergeBaseTree::recursive, {}};
    made.made.emplace(key, out);
    return out;
  };
  if (bases.size() > kMaxVirtualBases) return recursive();
  std::vector<ObjectId> oldest_first(bases.rbegin(), bases.rend());
  auto first = tree_of(raw(), oldest_first[0]);
  if (!first) return first.error();
  ObjectId merged = *first;
  for (size_t i = 1; i < oldest_first.size(); ++i) {
    std::vector<ObjectId> so_far(oldest_first.begin(), oldest_first.begin() + static_cast<long>(i));
    auto below = graph().merge_bases(oldest_first[i], so_far);
    if (!below) return below.error();
    auto inner = virtual_base(*below, made);
    if (!inner) return inner.error();
    if (inner->kind == MergeBaseTree::recursive) return recursive();
    auto two_id = tree_of(raw(), oldest_first[i]);
    if (!two_id) return two_id.error();
    auto by_ids = git::virtual_merge_by_ids(raw(), inner->kind == MergeBaseTree::tree ? &inner->id : nullptr, merged,
                                            *two_id);
    if (!by_ids) return by_ids.error();
    if (*by_ids) {
      merged = **by_ids;
      continue;
    }
    git::TreeHandle ancestor;
    if (inner->kind == MergeBaseTree::tree) {
      auto t = git::lookup_tree(raw(), inner->id, "");
      if (!t) return t.error();
      ancestor = std::move(*t);
    }
    auto one = git::lookup_tree(raw(), merged, "");
    if (!one) return one.error();
    auto two = git::lookup_tree(raw(), *two_id, "");
    if (!two) return two.error();
    // libgit2's own merge for a virtual base: conflicting file contents
    // kept with their markers; the paths left in conflict are not in the
    // virtual base (libgit2 reads it through an index iterator, which
    // leaves conflicts out).
    git_merge_options options = GIT_MERGE_OPTIONS_INIT;
    options.flags |= GIT_MERGE_VIRTUAL_BASE;
    git_index* raw_index = nullptr;
    if (git_merge_trees(&raw_index, raw(), ancestor.get(), one->get(), two->get(), &options) != 0) return recursive();
    git::IndexHandle index(raw_index);
    if (git_index_has_conflicts(raw_index) && git_index_conflict_cleanup(raw_index) != 0)
      return make_error(git_error_text("cannot build the virtual merge base"));
    WARDEN_TRY_STATUS(git::drop_file_directory_clashes(raw_index, nullptr));  // the tree libgit2 writes
    git_oid tree;
    // Written into the in-memory object store (see repository.cpp).
    if (git_index_write_tree_to(&tree, raw_index, raw()) != 0)
      return make_error(git_error_text("cannot build the virtual merge base"));
    merged = ObjectId::from(&tree);
  }
  MergeBaseTree out{MergeBaseTree::tree, merged};
  made.made.emplace(key, out);
  return out;
}

}  // namespace warden
