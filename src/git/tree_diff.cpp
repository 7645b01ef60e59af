// Changed paths between two trees.
//
// A path is changed when its entry differs: blob id, mode (so a mode-only
// change or a file turned into a symlink counts), type, or submodule
// commit. Additions and deletions count; a rename is a deletion plus an
// addition. Subtrees with equal ids are pruned without being read, so the
// cost follows the size of the change, not of the tree.
#include <fmt/format.h>

#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {
namespace {

struct Entry {
  std::string key;  // name, plus '/' for trees: git's sort key
  const git_tree_entry* entry;
};

std::vector<Entry> entries_of(const git_tree* tree) {
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
        WARDEN_TRY_STATUS(one_side(ea[i++], prefix));
      } else if (cmp > 0) {
        WARDEN_TRY_STATUS(one_side(eb[j++], prefix));
      } else {
        WARDEN_TRY_STATUS(both_sides(ea[i++], eb[j++], prefix));
      }
    }
    return Status::success();
  }

  std::vector<std::string> paths;

 private:
  Result<git::TreeHandle> subtree(const git_tree_entry* e, const std::string& path) {
    git_tree* t = nullptr;
    if (git_tree_lookup(&t, repo_, git_tree_entry_id(e)) != 0)
      return make_error(git_error_text(fmt::format("missing tree object for {}", path)));
    return git::TreeHandle(t);
  }

  Status one_side(const Entry& e, const std::string& prefix) {
    std::string path = prefix + git_tree_entry_name(e.entry);
    if (git_tree_entry_type(e.entry) != GIT_OBJECT_TREE) {
      paths.push_back(std::move(path));
      return Status::success();
    }
    auto t = subtree(e.entry, path);
    if (!t) return t.error();
    return diff(nullptr, t->get(), path + "/");
  }

  Status both_sides(const Entry& a, const Entry& b, const std::string& prefix) {
    if (git_oid_equal(git_tree_entry_id(a.entry), git_tree_entry_id(b.entry)) &&
        git_tree_entry_filemode_raw(a.entry) == git_tree_entry_filemode_raw(b.entry))
      return Status::success();
    std::string path = prefix + git_tree_entry_name(a.entry);
    if (git_tree_entry_type(a.entry) != GIT_OBJECT_TREE) {
      paths.push_back(std::move(path));
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

}  // namespace

Result<std::vector<std::string>> Repository::changed_paths(const std::optional<ObjectId>& from,
                                                           const ObjectId& to) const {
  git::TreeHandle a, b;
  git_tree* raw_tree = nullptr;
  if (from) {
    if (git_tree_lookup(&raw_tree, raw(), &from->raw) != 0)
      return make_error(git_error_text(fmt::format("missing tree {}", from->hex())));
    a.reset(raw_tree);
  }
  if (git_tree_lookup(&raw_tree, raw(), &to.raw) != 0)
    return make_error(git_error_text(fmt::format("missing tree {}", to.hex())));
  b.reset(raw_tree);
  TreeDiff d(raw());
  WARDEN_TRY_STATUS(d.diff(a.get(), b.get(), ""));
  return std::move(d.paths);
}

}  // namespace warden
