// Changed paths between two trees (see tree_diff.cpp): shared by
// changed_paths and the merge walk (merge_walk.cpp).
#pragma once

#include <string>
#include <vector>

#include "git/checkout_path.hpp"
#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden::git {

struct Entry {
  std::string key;  // name, plus '/' for trees: git's sort key
  const git_tree_entry* entry;
};

inline std::vector<Entry> entries_of(const git_tree* tree) {
  std::vector<Entry> out;
  if (tree == nullptr) return out;
  size_t n = git_tree_entrycount(tree);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree, i);
    std::string key = git_tree_entry_name(e);
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) key += '/';
    out.push_back({std::move(key), e});
  }
  return out;
}

class TreeDiff {
 public:
  explicit TreeDiff(git_repository* repo) : repo_(repo) {}

  Status diff(const git_tree* a, const git_tree* b, const std::string& prefix) {
    auto ea = entries_of(a), eb = entries_of(b);
    size_t i = 0, j = 0;
    while (i < ea.size() || j < eb.size()) {
      int cmp = i == ea.size() ? 1 : j == eb.size() ? -1 : ea[i].key.compare(eb[j].key);
      if (cmp < 0) {
        WARDEN_TRY_STATUS(one_side(ea[i++], prefix, false));
      } else if (cmp > 0) {
        WARDEN_TRY_STATUS(one_side(eb[j++], prefix, true));
      } else {
        WARDEN_TRY_STATUS(both_sides(ea[i++], eb[j++], prefix));
      }
    }
    return Status::success();
  }

  TreeChanges changes;

  // Holds `e`, an entry the new tree adds or changes at `path`, to git's
  // checkout rules (the first refused one is kept).
  void note_new(const git_tree_entry* e, const std::string& path) { check_new(e, path); }

 private:
  Result<TreeHandle> subtree(const git_tree_entry* e, const std::string& path) {
    return lookup_tree(repo_, ObjectId::from(git_tree_entry_id(e)), path);
  }

  // An entry of the new tree: its name, and a file's whole path, as git
  // would check them out.
  void check_new(const git_tree_entry* e, const std::string& path) {
    if (changes.refused_path) return;
    auto why = refused_entry_name(git_tree_entry_name(e));
    if (!why && git_tree_entry_type(e) != GIT_OBJECT_TREE)
      why = refused_path(path, static_cast<uint32_t>(git_tree_entry_filemode_raw(e)));
    if (!why) return;
    changes.refused_path = path;
    changes.refused_why = *why;
  }

  Status one_side(const Entry& e, const std::string& prefix, bool is_new) {
    std::string path = prefix + git_tree_entry_name(e.entry);
    if (is_new) check_new(e.entry, path);
    if (git_tree_entry_type(e.entry) != GIT_OBJECT_TREE) {
      changes.paths.push_back(std::move(path));
      return Status::success();
    }
    auto t = subtree(e.entry, path);
    if (!t) return t.error();
    return is_new ? diff(nullptr, t->get(), path + "/") : diff(t->get(), nullptr, path + "/");
  }

  Status both_sides(const Entry& a, const Entry& b, const std::string& prefix) {
    if (git_oid_equal(git_tree_entry_id(a.entry), git_tree_entry_id(b.entry)) &&
        git_tree_entry_filemode_raw(a.entry) == git_tree_entry_filemode_raw(b.entry))
      return Status::success();
    std::string path = prefix + git_tree_entry_name(a.entry);
    check_new(b.entry, path);
    if (git_tree_entry_type(a.entry) != GIT_OBJECT_TREE) {
      changes.paths.push_back(std::move(path));
      return Status::success();
    }
    auto ta = subtree(a.entry, path);
    if (!ta) return ta.error();
    auto tb = subtree(b.entry, path);
    if (!tb) return tb.error();
    return diff(ta->get(), tb->get(), path + "/");
  }

  git_repository* repo_;
};


}  // namespace warden::git
