// The clean merge of a merge commit's parents, as libgit2 computes it with
// its default options. The merge's "own changes" are measured against it.
#include <fmt/format.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "git/commit_graph.hpp"
#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {

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

bool is_regular_file(const git_index_entry* e) {
  return e != nullptr && (e->mode == GIT_FILEMODE_BLOB || e->mode == GIT_FILEMODE_BLOB_EXECUTABLE);
}

// A virtual base keeps a file both bases changed differently as libgit2's
// recursive merge keeps it: the file merged, conflict markers and all
// (git_merge_file's output, labelled with the path). False where a
// conflict is of another kind (a deletion, a rename, a mode or a type):
// that is left to libgit2's recursive merge.
Result<bool> conflicts_as_markers(git_repository* repo, git_index* index) {
  struct Conflict {
    std::string path;
    std::optional<git_index_entry> ancestor;
    git_index_entry ours, theirs;
  };
  std::vector<Conflict> conflicts;
  {
    git_index_conflict_iterator* raw_it = nullptr;
    if (git_index_conflict_iterator_new(&raw_it, index) != 0)
      return make_error(git_error_text("cannot list merge conflicts"));
    git::ConflictIteratorHandle it(raw_it);
    const git_index_entry *ancestor, *ours, *theirs;
    int rc;
    while ((rc = git_index_conflict_next(&ancestor, &ours, &theirs, raw_it)) == 0) {
      if (!is_regular_file(ours) || !is_regular_file(theirs) || std::string(ours->path) != theirs->path ||
          (ancestor != nullptr && (!is_regular_file(ancestor) || std::string(ancestor->path) != ours->path)))
        return false;
      Conflict c{ours->path, std::nullopt, *ours, *theirs};
      if (ancestor != nullptr) c.ancestor = *ancestor;
      conflicts.push_back(std::move(c));
    }
    if (rc != GIT_ITEROVER) return make_error(git_error_text("cannot list merge conflicts"));
  }
  for (auto& c : conflicts) {
    git_merge_file_input inputs[3];
    git::BlobHandle blobs[3];
    const git_index_entry* entries[3] = {c.ancestor ? &*c.ancestor : nullptr, &c.ours, &c.theirs};
    for (int i = 0; i < 3; ++i) {
      git_merge_file_input_init(&inputs[i], GIT_MERGE_FILE_INPUT_VERSION);
      if (entries[i] == nullptr) continue;
      git_blob* raw_blob = nullptr;
      if (int rc = git_blob_lookup(&raw_blob, repo, &entries[i]->id); rc != 0)
        return object_error(rc, "blob", ObjectId::from(&entries[i]->id));
      blobs[i].reset(raw_blob);
      inputs[i].ptr = static_cast<const char*>(git_blob_rawcontent(raw_blob));
      inputs[i].size = static_cast<size_t>(git_blob_rawsize(raw_blob));
      inputs[i].path = c.path.c_str();
      inputs[i].mode = entries[i]->mode;
    }
    git_merge_file_result result{};
    if (git_merge_file(&result, &inputs[0], &inputs[1], &inputs[2], nullptr) != 0)
      return make_error(git_error_text(fmt::format("cannot merge {}", c.path)));
    struct Free {
      git_merge_file_result* r;
      ~Free() { git_merge_file_result_free(r); }
    } free_result{&result};
    if (result.mode == 0) return false;
    git_oid blob;
    if (git_blob_create_from_buffer(&blob, repo, result.ptr, result.len) != 0)
      return make_error(git_error_text(fmt::format("cannot write the virtual base's {}", c.path)));
    git_index_entry entry = c.ours;
    entry.id = blob;
    entry.mode = result.mode;
    entry.path = c.path.c_str();
    entry.flags = 0;
    entry.flags_extended = 0;
    if (git_index_conflict_remove(index, c.path.c_str()) != 0 || git_index_add(index, &entry) != 0)
      return make_error(git_error_text(fmt::format("cannot resolve the virtual base's {}", c.path)));
  }
  return true;
}

}  // namespace

Result<MergeBaseTree> Repository::merge_base_tree(const ObjectId& a, const ObjectId& b) const {
  auto bases = merge_bases(a, b);
  if (!bases) return bases.error();
  return merge_base_tree(*bases);
}

Result<MergeBaseTree> Repository::merge_base_tree(const std::vector<ObjectId>& bases) const {
  return virtual_base(bases, 0);
}

Result<MergeBaseTree> Repository::virtual_base(const std::vector<ObjectId>& bases, int depth) const {
  if (bases.empty()) return MergeBaseTree{MergeBaseTree::none, {}};
  if (bases.size() == 1) {
    auto t = tree_of(raw(), bases.front());
    if (!t) return t.error();
    return MergeBaseTree{MergeBaseTree::tree, *t};
  }
  // Several bases: libgit2's virtual base merges them one by one, oldest
  // first, each over the merge bases of the next one and those merged so
  // far (made the same way). Where one of those merges has a conflict,
  // libgit2 writes conflict markers into the virtual base: that is left to
  // its recursive merge, as are deep recursions.
  if (depth >= 3 || bases.size() > 8) return MergeBaseTree{MergeBaseTree::recursive, {}};
  std::vector<ObjectId> oldest_first(bases.rbegin(), bases.rend());
  auto first = tree_of(raw(), oldest_first[0]);
  if (!first) return first.error();
  ObjectId merged = *first;
  for (size_t i = 1; i < oldest_first.size(); ++i) {
    std::vector<ObjectId> so_far(oldest_first.begin(), oldest_first.begin() + static_cast<long>(i));
    auto below = graph().merge_bases(oldest_first[i], so_far);
    if (!below) return below.error();
    auto inner = virtual_base(*below, depth + 1);
    if (!inner) return inner.error();
    if (inner->kind == MergeBaseTree::recursive) return *inner;
    git::TreeHandle ancestor;
    if (inner->kind == MergeBaseTree::tree) {
      auto t = git::lookup_tree(raw(), inner->id, "");
      if (!t) return t.error();
      ancestor = std::move(*t);
    }
    auto two_id = tree_of(raw(), oldest_first[i]);
    if (!two_id) return two_id.error();
    auto one = git::lookup_tree(raw(), merged, "");
    if (!one) return one.error();
    auto two = git::lookup_tree(raw(), *two_id, "");
    if (!two) return two.error();
    git_index* raw_index = nullptr;
    if (git_merge_trees(&raw_index, raw(), ancestor.get(), one->get(), two->get(), nullptr) != 0)
      return MergeBaseTree{MergeBaseTree::recursive, {}};
    git::IndexHandle index(raw_index);
    if (git_index_has_conflicts(raw_index)) {
      auto resolved = conflicts_as_markers(raw(), raw_index);
      if (!resolved) return resolved.error();
      if (!*resolved) return MergeBaseTree{MergeBaseTree::recursive, {}};
    }
    git_oid tree;
    // Written into the in-memory object store (see repository.cpp).
    if (git_index_write_tree_to(&tree, raw_index, raw()) != 0)
      return make_error(git_error_text("cannot build the virtual merge base"));
    merged = ObjectId::from(&tree);
  }
  return MergeBaseTree{MergeBaseTree::tree, merged};
}

}  // namespace warden
