// The merge of two trees over a base that libgit2 makes for a virtual
// merge base, decided by ids (see merge_entries.hpp).
//
// The three trees are walked together, entry by entry, and only where
// both sides changed an entry differently is anything read: a file both
// changed is merged alone with git_merge_file, its conflicts kept with
// their markers (what libgit2's recursive merge keeps in a virtual base),
// and a directory both changed is merged the same way, one level down,
// into a new tree. Everything else is a side's entry taken whole, so the
// cost is what the two sides changed, not the size of the tree (libgit2's
// merge of trees reads and compares every entry, with rename detection).
// The rules for giving up are the merge walk's (merge_walk.cpp); where it
// gives up, the caller merges the trees with libgit2 (clean_merge.cpp).
#include <fmt/format.h>

#include <set>

#include "git/merge_entries.hpp"
#include "git/tree_diff.hpp"

namespace warden::git {

namespace {

using TreeBuilderHandle = Handle<git_treebuilder, git_treebuilder_free>;

// What the merge holds at one name: nothing, a side's entry, or a
// merged file or directory.
struct Pick {
  bool present = false;
  git_oid id{};
  git_filemode_t mode = GIT_FILEMODE_UNREADABLE;
  static Pick of(const git_tree_entry* e) {
    Pick p;
    if (e == nullptr) return p;
    p.present = true;
    git_oid_cpy(&p.id, git_tree_entry_id(e));
    p.mode = git_tree_entry_filemode(e);
    return p;
  }
};

class VirtualMerge {
 public:
  explicit VirtualMerge(git_repository* repo) : repo_(repo) {}

  // The merged directory (nullopt: libgit2 must decide; an absent Pick
  // where nothing is left in it).
  Result<std::optional<Pick>> directory(const git_tree* base, const git_tree* ours, const git_tree* theirs,
                                        const std::string& prefix) {
    std::vector<Entry> lists[3] = {entries_of(base), entries_of(ours), entries_of(theirs)};
    size_t at[3] = {0, 0, 0};
    struct Change {
      std::string name;
      Pick pick;
    };
    std::vector<Change> changes;  // against `ours`
    std::set<std::string> files;  // names the merge holds as files or links
    std::vector<std::string> trees;  // and as directories
    for (;;) {
      const std::string* key = nullptr;
      for (int l = 0; l < 3; ++l)
        if (at[l] < lists[l].size() && (key == nullptr || lists[l][at[l]].key < *key)) key = &lists[l][at[l]].key;
      if (key == nullptr) break;
      std::string k = *key;
      const git_tree_entry* now[3];
      for (int l = 0; l < 3; ++l) now[l] = at[l] < lists[l].size() && lists[l][at[l]].key == k ? lists[l][at[l]++].entry : nullptr;
      auto pick = entry(now[0], now[1], now[2], prefix);
      if (!pick) return pick.error();
      if (!*pick) return std::optional<Pick>();
      const Pick& p = **pick;
      const char* name = git_tree_entry_name(now[0] ? now[0] : now[1] ? now[1] : now[2]);
      if (p.present) {
        if (p.mode == GIT_FILEMODE_TREE) {
          trees.emplace_back(name);
        } else {
          files.insert(name);
        }
      }
      bool unchanged = now[1] != nullptr ? p.present && git_oid_equal(&p.id, git_tree_entry_id(now[1])) &&
                                               p.mode == git_tree_entry_filemode(now[1])
                                         : !p.present;
      if (!unchanged) changes.push_back({name, p});
    }
    // A file on one side and a directory of that name on the other: a
    // conflict for libgit2.
    for (const auto& t : trees)
      if (files.count(t)) return std::optional<Pick>();
    if (files.empty() && trees.empty()) return std::optional<Pick>(Pick{});  // nothing left: the directory goes
    if (changes.empty() && ours != nullptr) {
      Pick p;
      p.present = true;
      git_oid_cpy(&p.id, git_tree_id(ours));
      p.mode = GIT_FILEMODE_TREE;
      return std::optional<Pick>(p);
    }
    git_treebuilder* raw_builder = nullptr;
    if (git_treebuilder_new(&raw_builder, repo_, ours) != 0)
      return make_error(git_error_text(fmt::format("cannot merge the virtual base's {}", prefix)));
    TreeBuilderHandle builder(raw_builder);
    // Removals first: a file may become a directory of the same name.
    for (const auto& c : changes)
      if (!c.pick.present && git_treebuilder_get(raw_builder, c.name.c_str()) != nullptr &&
          git_treebuilder_remove(raw_builder, c.name.c_str()) != 0)
        return make_error(git_error_text(fmt::format("cannot merge the virtual base's {}{}", prefix, c.name)));
    for (const auto& c : changes)
      if (c.pick.present && git_treebuilder_insert(nullptr, raw_builder, c.name.c_str(), &c.pick.id, c.pick.mode) != 0)
        return make_error(git_error_text(fmt::format("cannot merge the virtual base's {}{}", prefix, c.name)));
    Pick p;
    p.present = true;
    p.mode = GIT_FILEMODE_TREE;
    // Written into the in-memory object store (see repository.cpp).
    if (git_treebuilder_write(&p.id, raw_builder) != 0)
      return make_error(git_error_text(fmt::format("cannot write the virtual base's {}", prefix)));
    return std::optional<Pick>(p);
  }

  bool both_added_alike = false;

 private:
  // The merge at one name; nullopt: give up.
  Result<std::optional<Pick>> entry(const git_tree_entry* b, const git_tree_entry* o, const git_tree_entry* t,
                                    const std::string& prefix) {
    if (same_entry(o, t)) {
      auto alike = alike_on_both_sides(repo_, b, o, prefix, both_added_alike);
      if (!alike) return alike.error();
      if (!*alike) return std::optional<Pick>();
      return std::optional<Pick>(Pick::of(o));
    }
    if (same_entry(b, o)) return std::optional<Pick>(Pick::of(t));
    if (same_entry(b, t)) return std::optional<Pick>(Pick::of(o));
    std::string path = prefix + git_tree_entry_name(o != nullptr ? o : t);
    if (mergeable_files(b, o, t) || all_links(b, o, t)) {
      auto merged = merge_file(repo_, b, o, t, path, /*virtual_base=*/true);
      if (!merged) return merged.error();
      if (merged->mode == 0) return std::optional<Pick>();  // binary: libgit2 says what the virtual base holds
      Pick p;
      p.present = true;
      p.mode = static_cast<git_filemode_t>(merged->mode);
      // Written into the in-memory object store (see repository.cpp).
      if (git_blob_create_from_buffer(&p.id, repo_, merged->content.data(), merged->content.size()) != 0)
        return make_error(git_error_text(fmt::format("cannot write the virtual base's {}", path)));
      return std::optional<Pick>(p);
    }
    if (!is_tree_entry(o) || !is_tree_entry(t) || (b != nullptr && !is_tree_entry(b))) return std::optional<Pick>();
    auto bt = subtree(repo_, b, path), ot = subtree(repo_, o, path), tt = subtree(repo_, t, path);
    for (auto* r : {&bt, &ot, &tt})
      if (!*r) return r->error();
    return directory(bt->get(), ot->get(), tt->get(), path + "/");
  }

  git_repository* repo_;
};

}  // namespace

Result<std::optional<ObjectId>> virtual_merge_by_ids(git_repository* repo, const ObjectId* base, const ObjectId& ours,
                                                     const ObjectId& theirs) {
  TreeHandle b;
  if (base != nullptr) {
    auto t = lookup_tree(repo, *base, "");
    if (!t) return t.error();
    b = std::move(*t);
  }
  auto o = lookup_tree(repo, ours, "");
  if (!o) return o.error();
  auto t = lookup_tree(repo, theirs, "");
  if (!t) return t.error();
  VirtualMerge merge(repo);
  auto merged = merge.directory(b.get(), o->get(), t->get(), "");
  if (!merged) return merged.error();
  if (!*merged) return std::optional<ObjectId>();
  // Paths both sides added alike: a rename/add conflict for libgit2 if a
  // side deleted something (what it deleted may have moved there).
  if (merge.both_added_alike) {
    auto deletes = a_side_deletes(repo, b.get(), o->get(), t->get());
    if (!deletes) return deletes.error();
    if (*deletes) return std::optional<ObjectId>();
  }
  if (!(*merged)->present) {
    // Everything deleted: the empty tree.
    git_treebuilder* raw_builder = nullptr;
    git_oid empty;
    if (git_treebuilder_new(&raw_builder, repo, nullptr) != 0) return make_error(git_error_text("cannot write an empty tree"));
    TreeBuilderHandle builder(raw_builder);
    if (git_treebuilder_write(&empty, raw_builder) != 0) return make_error(git_error_text("cannot write an empty tree"));
    return std::optional<ObjectId>(ObjectId::from(&empty));
  }
  return std::optional<ObjectId>(ObjectId::from(&(*merged)->id));
}

}  // namespace warden::git
