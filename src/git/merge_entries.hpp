// What the merge walk (merge_walk.cpp) and the merge of a virtual base by
// ids (tree_merge.cpp) share: comparing tree entries, telling what one
// tree deleted or added of another (pruned by ids), and the three-way
// merge of one file as libgit2's merge of whole trees runs it; and, with
// libgit2's merges of trees (clean_merge.cpp), the index they leave
// made fit to write as a tree.
//
// Both give up (and leave the merge to libgit2) wherever libgit2's rename
// detection could decide differently from a merge of entries by name:
// a path deleted on both sides; a path one side deleted and the other
// changed; and a path both sides added alike while a side deleted
// something (the deleted file may be renamed there: a rename/add conflict
// for libgit2, although the two sides agree).
#pragma once

#include <git2.h>

#include <set>
#include <string>

#include "git/handles.hpp"
#include "warden/result.hpp"

namespace warden::git {

// Leaves out of a merged index every file that has a directory of the
// same name beside it (libgit2's merge of trees leaves some such pairs
// unconflicted), adding both paths to `clashing_paths` if given: the tree
// libgit2 writes of such an index holds the directory alone (and leaks
// the file's entry).
Status drop_file_directory_clashes(git_index* index, std::set<std::string>* clashing_paths);

inline bool same_entry(const git_tree_entry* a, const git_tree_entry* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) &&
         git_tree_entry_filemode_raw(a) == git_tree_entry_filemode_raw(b);
}

inline bool is_tree_entry(const git_tree_entry* e) {
  return e != nullptr && git_tree_entry_type(e) == GIT_OBJECT_TREE;
}

inline bool is_regular_file(const git_tree_entry* e) {
  if (e == nullptr) return false;
  auto mode = git_tree_entry_filemode_raw(e);
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

// Regular files of one mode on all three sides: what the walks merge
// with git_merge_file.
inline bool mergeable_files(const git_tree_entry* b, const git_tree_entry* o, const git_tree_entry* t) {
  return is_regular_file(b) && is_regular_file(o) && is_regular_file(t) &&
         git_tree_entry_filemode_raw(b) == git_tree_entry_filemode_raw(o) &&
         git_tree_entry_filemode_raw(b) == git_tree_entry_filemode_raw(t);
}

// An entry all three sides hold as something other than a directory or
// a submodule, changed differently by both, a symbolic link on some side:
// libgit2's merge of trees leaves it in conflict (it never merges a
// link's target), except in a virtual base, where it merges the targets of
// three links as text, markers and all.
inline bool link_conflict(const git_tree_entry* b, const git_tree_entry* o, const git_tree_entry* t) {
  bool link = false;
  for (const git_tree_entry* e : {b, o, t}) {
    if (e == nullptr || is_tree_entry(e) || git_tree_entry_filemode_raw(e) == GIT_FILEMODE_COMMIT) return false;
    link = link || git_tree_entry_filemode_raw(e) == GIT_FILEMODE_LINK;
  }
  return link && !same_entry(b, o) && !same_entry(b, t) && !same_entry(o, t);
}

inline bool all_links(const git_tree_entry* b, const git_tree_entry* o, const git_tree_entry* t) {
  for (const git_tree_entry* e : {b, o, t})
    if (e == nullptr || git_tree_entry_filemode_raw(e) != GIT_FILEMODE_LINK) return false;
  return true;
}

// The directory of tree entry `e` at `path` (null for a null entry).
Result<TreeHandle> subtree(git_repository* repo, const git_tree_entry* e, const std::string& path);

// What `after` changed of `before`, pruned by ids.
struct Reshape {
  bool deletes = false;  // some path of `before` is absent from `after`
  bool adds = false;     // some path of `after` is absent from `before`
};
Result<Reshape> reshape_of(git_repository* repo, const git_tree* before, const git_tree* after,
                           const std::string& prefix);
// The same for two directory entries at `path`.
Result<Reshape> reshape_of(git_repository* repo, const git_tree_entry* before, const git_tree_entry* after,
                           const std::string& path);

// Both sides hold the same entry `o` where the base holds `b` (null:
// absent), in the directory at `prefix`: false where libgit2's rename
// detection could decide otherwise (deleted on both sides, or a path
// deleted on both inside a directory both left alike); `added_alike` set
// where both added something alike (see the top of this file).
Result<bool> alike_on_both_sides(git_repository* repo, const git_tree_entry* b, const git_tree_entry* o,
                                 const std::string& prefix, bool& added_alike);
// Whether `ours` or `theirs` deletes something of `base`: where both
// sides added a path alike, a rename/add conflict for libgit2.
Result<bool> a_side_deletes(git_repository* repo, const git_tree* base, const git_tree* ours, const git_tree* theirs);

// git_merge_file of three blobs, as libgit2's tree merge runs it for a
// file both sides changed: labelled with `path`, or for a virtual base with
// the labels and the longer markers libgit2 gives conflicts kept there.
struct FileMerge {
  bool automergeable = false;
  unsigned mode = 0;  // 0: no result at all (binary content)
  std::string content;  // with conflict markers where not automergeable
};
Result<FileMerge> merge_file(git_repository* repo, const git_tree_entry* base, const git_tree_entry* ours,
                             const git_tree_entry* theirs, const std::string& path, bool virtual_base = false);

// The merge of `ours` and `theirs` over `base` (null: none) that libgit2
// makes for a virtual merge base (conflicting file contents kept with
// their markers), decided by ids where no rename detection can matter;
// nullopt where libgit2 must decide. The trees it makes are written to
// the repository's object store (in memory: see repository.cpp).
Result<std::optional<ObjectId>> virtual_merge_by_ids(git_repository* repo, const ObjectId* base, const ObjectId& ours,
                                                     const ObjectId& theirs);

}  // namespace warden::git
