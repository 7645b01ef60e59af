// A merge's own changes without computing its clean merge, where the
// outcome of the clean merge is decided by object ids alone.
//
// The base, both parents and the merge are walked together, entry by
// entry. Where both parents agree, or one parent left an entry as the base
// had it, the clean merge takes the other parent's entry: no content merge
// is needed, whole subtrees are decided without being read, and the merge's
// own changes there are what it changed against that entry (a tree diff,
// pruned by ids). Only where both parents changed the same entry differently
// is a content merge needed; then this walk gives up and the caller
// computes the clean merge with libgit2 (clean_merge.cpp), which is also
// the test oracle (tests/merge_walk_test.cpp).
//
// To agree with libgit2's rename detection, the walk also gives up where a
// path was deleted by both parents, even inside a directory both sides left
// alike (a rename on each side to different names, or a rename on one side
// and a deletion on the other, is a conflict for libgit2). A rename on one side that the other
// side did not touch merges the same with or without rename detection; one
// that the other side modified shows up here as modified-against-deleted
// and gives up.
#include <fmt/format.h>

#include "git/tree_diff.hpp"

namespace warden {
namespace {

struct Side {
  const git_tree_entry* entry = nullptr;  // null: absent
};

bool same(const git_tree_entry* a, const git_tree_entry* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) &&
         git_tree_entry_filemode_raw(a) == git_tree_entry_filemode_raw(b);
}

bool is_tree(const git_tree_entry* e) { return e != nullptr && git_tree_entry_type(e) == GIT_OBJECT_TREE; }

class MergeWalk {
 public:
  explicit MergeWalk(git_repository* repo) : repo_(repo), diff_(repo) {}

  // False: a content merge is needed somewhere (give up).
  Result<bool> walk(const git_tree* base, const git_tree* ours, const git_tree* theirs, const git_tree* merge,
                    const std::string& prefix) {
    auto eb = git::entries_of(base), eo = git::entries_of(ours), et = git::entries_of(theirs), em = git::entries_of(merge);
    size_t ib = 0, io = 0, it = 0, im = 0;
    for (;;) {
      // The smallest key among the four lists (git's tree order, with '/'
      // after tree names, so a file and a directory of one name differ).
      const std::string* key = nullptr;
      for (auto [list, i] : {std::pair{&eb, ib}, std::pair{&eo, io}, std::pair{&et, it}, std::pair{&em, im}})
        if (i < list->size() && (key == nullptr || (*list)[i].key < *key)) key = &(*list)[i].key;
      if (key == nullptr) break;
      std::string k = *key;
      auto take = [&](std::vector<git::Entry>& list, size_t& i) -> const git_tree_entry* {
        if (i < list.size() && list[i].key == k) return list[i++].entry;
        return nullptr;
      };
      const git_tree_entry* b = take(eb, ib);
      const git_tree_entry* o = take(eo, io);
      const git_tree_entry* t = take(et, it);
      const git_tree_entry* m = take(em, im);
      auto decided = entry(b, o, t, m, prefix);
      if (!decided) return decided.error();
      if (!*decided) return false;
    }
    return true;
  }

  TreeChanges& changes() { return diff_.changes; }

 private:
  Result<git::TreeHandle> subtree(const git_tree_entry* e, const std::string& path) {
    if (e == nullptr) return git::TreeHandle();
    return git::lookup_tree(repo_, ObjectId::from(git_tree_entry_id(e)), path);
  }

  // Whether some path of `before` is absent from `after` (pruned by ids).
  Result<bool> deletes_something(const git_tree* before, const git_tree* after, const std::string& prefix) {
    auto eb = git::entries_of(before), ea = git::entries_of(after);
    size_t j = 0;
    for (const auto& e : eb) {
      while (j < ea.size() && ea[j].key < e.key) ++j;
      if (j == ea.size() || ea[j].key != e.key) return true;
      if (!is_tree(e.entry) || same(e.entry, ea[j].entry)) continue;
      std::string path = prefix + git_tree_entry_name(e.entry);
      auto bt = subtree(e.entry, path);
      if (!bt) return bt.error();
      auto at = subtree(ea[j].entry, path);
      if (!at) return at.error();
      auto deeper = deletes_something(bt->get(), at->get(), path + "/");
      if (!deeper || *deeper) return deeper;
    }
    return false;
  }

  // The merge's own changes where the clean merge has `result`.
  Status against(const git_tree_entry* result, const git_tree_entry* m, const std::string& prefix) {
    if (same(result, m)) return Status::success();
    // One name, one kind (entries share a key): diff the pair as a tree
    // diff of their parents would.
    std::string path = prefix + git_tree_entry_name(result != nullptr ? result : m);
    if (!is_tree(result) && !is_tree(m)) {
      if (m != nullptr) diff_.note_new(m, path);
      diff_.changes.paths.push_back(std::move(path));
      return Status::success();
    }
    auto rt = subtree(result, path);
    if (!rt) return rt.error();
    auto mt = subtree(m, path);
    if (!mt) return mt.error();
    if (m != nullptr) diff_.note_new(m, path);
    return diff_.diff(rt->get(), mt->get(), path + "/");
  }

  // False: a content merge is needed for this entry.
  Result<bool> entry(const git_tree_entry* b, const git_tree_entry* o, const git_tree_entry* t,
                     const git_tree_entry* m, const std::string& prefix) {
    if (same(o, t)) {
      if (o == nullptr && b != nullptr) return false;  // deleted on both sides: a rename on each?
      // The same directory on both sides may still hide a path both deleted
      // (one side renamed it elsewhere, the other deleted it: a conflict
      // for libgit2).
      if (is_tree(b) && is_tree(o) && !same(b, o)) {
        std::string path = prefix + git_tree_entry_name(o);
        auto bt = subtree(b, path);
        if (!bt) return bt.error();
        auto ot = subtree(o, path);
        if (!ot) return ot.error();
        auto deletes = deletes_something(bt->get(), ot->get(), path + "/");
        if (!deletes) return deletes.error();
        if (*deletes) return false;
      }
      WARDEN_TRY_STATUS(against(o, m, prefix));
      return true;
    }
    if (same(b, o)) {
      WARDEN_TRY_STATUS(against(t, m, prefix));
      return true;
    }
    if (same(b, t)) {
      WARDEN_TRY_STATUS(against(o, m, prefix));
      return true;
    }
    // Both sides changed it, differently: only directories can be walked
    // further without a content merge.
    if (!is_tree(o) || !is_tree(t) || (b != nullptr && !is_tree(b))) return false;
    std::string path = prefix + git_tree_entry_name(o);
    auto bt = subtree(b, path), ot = subtree(o, path), tt = subtree(t, path), mt = subtree(is_tree(m) ? m : nullptr, path);
    for (auto* r : {&bt, &ot, &tt, &mt})
      if (!*r) return r->error();
    if (m == nullptr || !is_tree(m)) return false;  // the merge removed it or made it a file: let libgit2 say
    // As a tree diff against the clean merge would: the directory's own
    // name is checked (first) only if the merge changed something in it.
    size_t before = diff_.changes.paths.size();
    bool had_refusal = diff_.changes.refused_path.has_value();
    auto decided = walk(bt->get(), ot->get(), tt->get(), mt->get(), path + "/");
    if (!decided || !*decided) return decided;
    if (diff_.changes.paths.size() > before && !had_refusal) {
      if (auto why = git::refused_entry_name(git_tree_entry_name(m))) {
        diff_.changes.refused_path = path;
        diff_.changes.refused_why = *why;
      }
    }
    return true;
  }

  git_repository* repo_;
  git::TreeDiff diff_;
};

}  // namespace

Result<std::optional<TreeChanges>> Repository::merge_changes_by_ids(const ObjectId& base, const ObjectId& ours,
                                                                    const ObjectId& theirs,
                                                                    const ObjectId& merge) const {
  auto b = git::lookup_tree(raw(), base, "");
  if (!b) return b.error();
  auto o = git::lookup_tree(raw(), ours, "");
  if (!o) return o.error();
  auto t = git::lookup_tree(raw(), theirs, "");
  if (!t) return t.error();
  auto m = git::lookup_tree(raw(), merge, "");
  if (!m) return m.error();
  MergeWalk w(raw());
  auto decided = w.walk(b->get(), o->get(), t->get(), m->get(), "");
  if (!decided) return decided.error();
  if (!*decided) return std::optional<TreeChanges>();
  return std::optional<TreeChanges>(std::move(w.changes()));
}

}  // namespace warden
