// Changed paths between two trees.
//
// A path is changed when its entry differs: blob id, mode (so a mode-only
// change or a file turned into a symlink counts), type, or submodule
// commit. Additions and deletions count; a rename is a deletion plus an
// addition. Subtrees with equal ids are pruned without being read, so the
// cost follows the size of the change, not of the tree.
//
// Every entry the new tree adds or changes is also held to git's checkout
// rules (checkout_path.hpp): the first one git would refuse is reported.
#include <fmt/format.h>

#include "git/tree_diff.hpp"

namespace warden {

using git::TreeDiff;

Result<TreeChanges> Repository::changed_paths(const std::optional<ObjectId>& from, const ObjectId& to) const {
  git::TreeHandle a;
  if (from) {
    auto t = git::lookup_tree(raw(), *from, "");
    if (!t) return t.error();
    a = std::move(*t);
  }
  auto b = git::lookup_tree(raw(), to, "");
  if (!b) return b.error();
  TreeDiff d(raw());
  WARDEN_TRY_STATUS(d.diff(a.get(), b->get(), ""));
  return std::move(d.changes);
}

}  // namespace warden
