// A merge's own changes without computing its clean merge, where the
// outcome of the clean merge is decided by object ids alone.
//
// The base, both parents and the merge are walked together, entry by
// entry. Where both parents agree, or one parent left an entry as the base
// had it, the clean merge takes the other parent's entry: no content merge
// is needed, whole subtrees are decided without being read, and the merge's
// own changes there are what it changed against that entry (a tree diff,
// pruned by ids). Only where both parents changed the same entry differently
// is a content merge needed: for a file (same mode in the base and both
// parents), the walk merges that file alone with libgit2's git_merge_file,
// as libgit2's merge of the trees does; anywhere else it gives up and the
// caller computes the clean merge with libgit2 (clean_merge.cpp), which is
// also the test oracle (tests/merge_walk_test.cpp). Merge drivers that
// .gitattributes files of the local work tree or of info/attributes would
// choose are not consulted: what the merge brings is judged the same on
// every machine.
//
// To agree with libgit2's rename detection, the walk also gives up where a
// path was deleted by both parents, even inside a directory both sides left
// alike (a rename on each side to different names, or a rename on one side
// and a deletion on the other, is a conflict for libgit2), and where both
// parents added a path alike while one of them deleted something (what it
// deleted may be renamed there: a rename/add conflict for libgit2). A
// rename on one side that the other side did not touch merges the same with
// or without rename detection; one that the other side modified shows up
// here as modified-against-deleted and gives up. So does a clean merge that
// would hold a file and a directory of one name (a conflict for libgit2).
#include <fmt/format.h>

#include <set>

#include "git/merge_entries.hpp"
#include "git/tree_diff.hpp"

namespace warden {
namespace {

using git::is_tree_entry;
using git::same_entry;

class MergeWalk {
 public:
  explicit MergeWalk(git_repository* repo) : repo_(repo), diff_(repo) {}

  // False: a content merge is needed somewhere (give up). `bases`: the
  // trees of the merge bases (several for a criss-cross merge; null where
  // a base has no such directory).
  Result<bool> walk(const std::vector<const git_tree*>& bases, const git_tree* ours, const git_tree* theirs,
                    const git_tree* merge, const std::string& prefix) {
    std::vector<std::vector<git::Entry>> lists;
    for (const git_tree* b : bases) lists.push_back(git::entries_of(b));
    lists.push_back(git::entries_of(ours));
    lists.push_back(git::entries_of(theirs));
    lists.push_back(git::entries_of(merge));
    std::vector<size_t> at(lists.size(), 0);
    std::vector<const git_tree_entry*> now(lists.size());
    std::set<std::string> files, trees;  // the names the clean merge holds, by kind
    for (;;) {
      // The smallest key among the lists (git's tree order, with '/'
      // after tree names, so a file and a directory of one name differ).
      const std::string* key = nullptr;
      for (size_t l = 0; l < lists.size(); ++l)
        if (at[l] < lists[l].size() && (key == nullptr || lists[l][at[l]].key < *key)) key = &lists[l][at[l]].key;
      if (key == nullptr) break;
      std::string k = *key;
      for (size_t l = 0; l < lists.size(); ++l)
        now[l] = at[l] < lists[l].size() && lists[l][at[l]].key == k ? lists[l][at[l]++].entry : nullptr;
      const size_t n = bases.size();
      std::vector<const git_tree_entry*> b(now.begin(), now.begin() + static_cast<long>(n));
      result_ = Result_::absent;
      auto decided = entry(b, now[n], now[n + 1], now[n + 2], prefix);
      if (!decided) return decided.error();
      if (!*decided) return false;
      if (result_ != Result_::absent) {
        std::string name = k.back() == '/' ? k.substr(0, k.size() - 1) : k;
        (result_ == Result_::tree ? trees : files).insert(std::move(name));
      }
    }
    // A file and a directory of one name: a conflict for libgit2.
    for (const auto& t : trees)
      if (files.count(t)) return false;
    return true;
  }

  TreeChanges& changes() { return diff_.changes; }

  // Whether both parents added some path alike (see the top of this file).
  bool both_added_alike = false;

 private:
  Result<git::TreeHandle> subtree(const git_tree_entry* e, const std::string& path) {
    return git::subtree(repo_, e, path);
  }

  // The merge's own changes where the clean merge has `result`.
  Status against(const git_tree_entry* result, const git_tree_entry* m, const std::string& prefix) {
    if (result != nullptr) result_ = is_tree_entry(result) ? Result_::tree : Result_::file;
    if (same_entry(result, m)) return Status::success();
    // One name, one kind (entries share a key): diff the pair as a tree
    // diff of their parents would.
    std::string path = prefix + git_tree_entry_name(result != nullptr ? result : m);
    if (!is_tree_entry(result) && !is_tree_entry(m)) {
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

  // False: a content merge is needed for this entry. `bs`: the entry in
  // each merge base. Where they all agree, the virtual base of a
  // criss-cross merge has that entry too (merging equal entries gives that
  // entry), and the entry is decided as with one base; where they do not,
  // only what needs no base is decided: both sides alike (a file), or
  // directories on every side, walked further.
  Result<bool> entry(const std::vector<const git_tree_entry*>& bs, const git_tree_entry* o, const git_tree_entry* t,
                     const git_tree_entry* m, const std::string& prefix) {
    bool agreed = true;
    for (const git_tree_entry* x : bs) agreed = agreed && same_entry(x, bs.front());
    if (!agreed) {
      if (same_entry(o, t) && o != nullptr && !is_tree_entry(o)) {
        both_added_alike = true;  // perhaps, against the virtual base
        WARDEN_TRY_STATUS(against(o, m, prefix));
        return true;
      }
      // Directories (or nothing) in every base, directories on both sides
      // and in the merge: the bases may agree further down.
      bool all_trees = is_tree_entry(o) && is_tree_entry(t) && is_tree_entry(m);
      for (const git_tree_entry* x : bs) all_trees = all_trees && (x == nullptr || is_tree_entry(x));
      if (!all_trees) return false;  // what the virtual base holds decides: let libgit2 say
      return walk_directory(bs, o, t, m, prefix);
    }
    const git_tree_entry* b = bs.empty() ? nullptr : bs.front();
    if (same_entry(o, t)) {
      auto alike = git::alike_on_both_sides(repo_, b, o, prefix, both_added_alike);
      if (!alike || !*alike) return alike;
      WARDEN_TRY_STATUS(against(o, m, prefix));
      return true;
    }
    if (same_entry(b, o)) {
      WARDEN_TRY_STATUS(against(t, m, prefix));
      return true;
    }
    if (same_entry(b, t)) {
      WARDEN_TRY_STATUS(against(o, m, prefix));
      return true;
    }
    // Both sides changed a file, differently: the three-way merge of that
    // file alone, as libgit2's merge of the whole trees would make it.
    if (git::mergeable_files(b, o, t) && !is_tree_entry(m)) return merge_file(b, o, t, m, prefix);
    if (git::link_conflict(b, o, t)) {  // a conflict: the merge's own change, whatever it made of it
      result_ = Result_::file;
      std::string path = prefix + git_tree_entry_name(o);
      if (m != nullptr) diff_.note_new(m, path);
      if (is_tree_entry(m)) {
        // The merge made a directory of it: each of its paths too.
        auto mt = subtree(m, path);
        if (!mt) return mt.error();
        WARDEN_TRY_STATUS(diff_.diff(nullptr, mt->get(), path + "/"));
      }
      diff_.changes.paths.push_back(std::move(path));
      return true;
    }
    // Otherwise only directories can be walked further without a content
    // merge.
    if (!is_tree_entry(o) || !is_tree_entry(t) || (b != nullptr && !is_tree_entry(b))) return false;
    if (m == nullptr || !is_tree_entry(m)) return false;  // the merge removed it or made it a file: let libgit2 say
    return walk_directory(bs, o, t, m, prefix);
  }

  // A directory both parents changed, differently (and the merge kept as
  // a directory): walked further.
  Result<bool> walk_directory(const std::vector<const git_tree_entry*>& bs, const git_tree_entry* o,
                              const git_tree_entry* t, const git_tree_entry* m, const std::string& prefix) {
    std::string path = prefix + git_tree_entry_name(o);
    std::vector<git::TreeHandle> base_trees;
    std::vector<const git_tree*> bases;
    for (const git_tree_entry* x : bs) {
      auto bt = subtree(x, path);
      if (!bt) return bt.error();
      bases.push_back(bt->get());
      base_trees.push_back(std::move(*bt));
    }
    auto ot = subtree(o, path), tt = subtree(t, path), mt = subtree(m, path);
    for (auto* r : {&ot, &tt, &mt})
      if (!*r) return r->error();
    // As a tree diff against the clean merge would: the directory's own
    // name is checked (first) only if the merge changed something in it.
    size_t before = diff_.changes.paths.size();
    bool had_refusal = diff_.changes.refused_path.has_value();
    auto decided = walk(bases, ot->get(), tt->get(), mt->get(), path + "/");
    if (!decided || !*decided) return decided;
    result_ = Result_::tree;
    if (diff_.changes.paths.size() > before && !had_refusal) {
      if (auto why = git::refused_entry_name(git_tree_entry_name(m))) {
        diff_.changes.refused_path = path;
        diff_.changes.refused_why = *why;
      }
    }
    return true;
  }

  // The merge's own change at a file both parents changed: none if the
  // file merges cleanly to what the merge has; the path otherwise (a
  // conflict is always the merge's own change, as a conflicted path of the
  // clean merge is). libgit2's git_merge_file is what its tree merge runs
  // for each such file (binary content: a conflict).
  Result<bool> merge_file(const git_tree_entry* b, const git_tree_entry* o, const git_tree_entry* t,
                          const git_tree_entry* m, const std::string& prefix) {
    result_ = Result_::file;
    std::string path = prefix + git_tree_entry_name(o);
    auto merged = git::merge_file(repo_, b, o, t, path);
    if (!merged) return merged.error();
    bool unchanged = false;
    if (merged->automergeable && m != nullptr) {
      git_oid id;
      if (git_odb_hash(&id, merged->content.data(), merged->content.size(), GIT_OBJECT_BLOB) != 0)
        return make_error(git_error_text(fmt::format("cannot hash the merge of {}", path)));
      unchanged = git_oid_equal(&id, git_tree_entry_id(m)) && git_tree_entry_filemode_raw(m) == merged->mode;
    }
    if (unchanged) return true;
    if (m != nullptr) diff_.note_new(m, path);
    diff_.changes.paths.push_back(std::move(path));
    return true;
  }

  enum class Result_ { absent, file, tree };
  Result_ result_ = Result_::absent;  // what the clean merge holds at the entry just decided
  git_repository* repo_;
  git::TreeDiff diff_;
};

}  // namespace

Result<std::optional<TreeChanges>> Repository::merge_changes_by_ids(const ObjectId& base, const ObjectId& ours,
                                                                    const ObjectId& theirs,
                                                                    const ObjectId& merge) const {
  return merge_changes_by_ids(std::vector<ObjectId>{base}, ours, theirs, merge);
}

Result<std::optional<TreeChanges>> Repository::merge_changes_by_ids(const std::vector<ObjectId>& bases,
                                                                    const ObjectId& ours, const ObjectId& theirs,
                                                                    const ObjectId& merge) const {
  std::vector<git::TreeHandle> base_trees;
  std::vector<const git_tree*> raw_bases;
  for (const ObjectId& base : bases) {
    auto b = git::lookup_tree(raw(), base, "");
    if (!b) return b.error();
    raw_bases.push_back(b->get());
    base_trees.push_back(std::move(*b));
  }
  auto o = git::lookup_tree(raw(), ours, "");
  if (!o) return o.error();
  auto t = git::lookup_tree(raw(), theirs, "");
  if (!t) return t.error();
  auto m = git::lookup_tree(raw(), merge, "");
  if (!m) return m.error();
  MergeWalk w(raw());
  auto decided = w.walk(raw_bases, o->get(), t->get(), m->get(), "");
  if (!decided) return decided.error();
  if (!*decided) return std::optional<TreeChanges>();
  if (w.both_added_alike) {
    // Against several bases, the virtual base decides what was added.
    if (raw_bases.size() != 1) return std::optional<TreeChanges>();
    auto deletes = git::a_side_deletes(raw(), raw_bases.front(), o->get(), t->get());
    if (!deletes) return deletes.error();
    if (*deletes) return std::optional<TreeChanges>();
  }
  return std::optional<TreeChanges>(std::move(w.changes()));
}

}  // namespace warden
