// The merge walk (merge_walk.cpp) against its oracle, libgit2's clean
// merge: over 600 random merges (modifications that merge cleanly and that
// conflict, additions, deletions, renames with and without changes, mode
// changes, files turned into directories, symbolic links, submodules, and
// the merge's own extra changes), wherever the walk decides, it must give
// exactly the own changes (and the first path git would refuse) that the
// clean merge gives.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "support/sandbox.hpp"
#include <git2.h>

#include "warden/repository.hpp"

namespace {

struct File {
  std::string mode = "100644";
  std::string content;  // for a gitlink: the commit id
  bool operator==(const File&) const = default;
};
using Tree = std::map<std::string, File>;

// Writes fast-import commands for random histories and keeps their trees.
class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  std::string stream;

  // A commit with `tree` on top of `from` (and `merge`), returning its mark.
  int commit(const Tree& before, const Tree& tree, int from, int merge = 0) {
    int mark = ++marks_;
    // A message of its own: two sides with the same tree stay two commits.
    std::string message = fmt::format("c{}", mark);
    stream += fmt::format("commit refs/heads/c{}\nmark :{}\ncommitter T <t@example.org> 0 +0000\ndata {}\n{}\n", mark,
                          mark, message.size(), message);
    if (from) stream += fmt::format("from :{}\n", from);
    if (merge) stream += fmt::format("merge :{}\n", merge);
    if (!from) stream += "deleteall\n";
    // Deletions first (a file may become a directory), then every entry
    // that differs from `before`.
    for (const auto& [path, f] : before)
      if (!tree.count(path)) stream += fmt::format("D {}\n", path);
    for (const auto& [path, f] : tree) {
      auto it = before.find(path);
      if (from && it != before.end() && it->second.mode == f.mode && it->second.content == f.content) continue;
      if (f.mode == "160000") {
        stream += fmt::format("M 160000 {} {}\n", f.content, path);
      } else {
        stream += fmt::format("M {} inline {}\ndata {}\n{}\n", f.mode, path, f.content.size(), f.content);
      }
    }
    return mark;
  }

  // A starting tree: a few directories of small files.
  Tree start() {
    Tree t;
    for (int d = 0; d < 4; ++d)
      for (int f = 0; f < 5; ++f) t[fmt::format("d{}/f{}", d, f)] = File{"100644", lines(3)};
    t["top"] = File{"100644", lines(3)};
    t["d0/deep/x"] = File{"100644", lines(2)};
    return t;
  }

  // `t` with a few random changes.
  Tree change(Tree t, int ops) {
    for (int i = 0; i < ops; ++i) one(t);
    return t;
  }

  int pick(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }

 private:
  std::string lines(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += fmt::format("line {} {}\n", i, pick(1000));
    return s;
  }
  std::string any_file(const Tree& t) {
    auto it = t.begin();
    std::advance(it, pick(static_cast<int>(t.size())));
    return it->first;
  }
  std::string hex40() {
    std::string s;
    for (int i = 0; i < 40; ++i) s += "0123456789abcdef"[pick(16)];
    return s;
  }
  bool free_path(const Tree& t, const std::string& p) {
    // Neither an existing file nor a prefix of one, nor under a file.
    for (const auto& [path, f] : t)
      if (path == p || path.starts_with(p + "/") || p.starts_with(path + "/")) return false;
    return true;
  }

  void one(Tree& t) {
    if (t.empty()) {
      t["top"] = File{"100644", lines(2)};
      return;
    }
    std::string p = any_file(t);
    File& f = t[p];
    switch (pick(10)) {
      case 0:  // append a line: merges cleanly with a change of the first line
        if (f.mode != "160000") f.content += fmt::format("added {}\n", pick(1000));
        break;
      case 1:  // change the first line
        if (f.mode != "160000") f.content = fmt::format("changed {}\n", pick(1000)) + f.content.substr(f.content.find('\n') + 1);
        break;
      case 2: {  // a new file, perhaps in a new directory
        std::string n = pick(2) ? fmt::format("d{}/n{}", pick(5), pick(20)) : fmt::format("new{}/f", pick(5));
        if (free_path(t, n)) t[n] = File{"100644", lines(2)};
        break;
      }
      case 3:  // delete
        t.erase(p);
        break;
      case 4: {  // rename, the content kept or changed a little
        File moved = f;
        if (pick(2) && moved.mode != "160000") moved.content += "after the move\n";
        t.erase(p);
        std::string n = fmt::format("d{}/r{}", pick(4), pick(20));
        if (free_path(t, n)) t[n] = moved;
        break;
      }
      case 5:  // the executable bit
        if (f.mode == "100644") f.mode = "100755";
        else if (f.mode == "100755") f.mode = "100644";
        break;
      case 6: {  // a file becomes a directory
        File old = f;
        t.erase(p);
        t[p + "/inner"] = old;
        break;
      }
      case 7: {  // a submodule
        std::string n = fmt::format("d{}/sub{}", pick(4), pick(3));
        if (free_path(t, n) || (t.count(n) && t[n].mode == "160000")) t[n] = File{"160000", hex40()};
        break;
      }
      case 8: {  // a symbolic link
        std::string n = fmt::format("d{}/link{}", pick(4), pick(3));
        if (free_path(t, n)) t[n] = File{"120000", "f0"};
        break;
      }
      default:  // a small change of its own
        if (f.mode != "160000") f.content += "x\n";
        break;
    }
  }

  std::mt19937 rng_;
  int marks_ = 0;
};

// The generator's history in a new repository "repo" (git fast-import).
warden::Repository import(test::Sandbox& sb, const Generator& g) {
  sb.run("git init -q -b main repo");
  sb.write_file(sb.dir() + "/stream", g.stream + "done\n");
  sb.sh("git -C repo fast-import --quiet --done < stream");
  auto repo = warden::Repository::open(sb.dir() + "/repo");
  REQUIRE(repo);
  return std::move(*repo);
}

warden::CommitData commit_at(const warden::Repository& repo, int mark) {
  auto id = repo.resolve_commit(fmt::format("refs/heads/c{}", mark));
  REQUIRE(id);
  auto c = repo.read_commit(*id);
  REQUIRE(c);
  return *c;
}

}  // namespace

TEST_CASE("the merge walk gives exactly the own changes libgit2's clean merge gives", "[merge][differential]") {
  constexpr int kMerges = 600;
  test::Sandbox sb;
  // A fixed seed in CI; scripts/fuzz-merge-walk tries others.
  const char* seed_env = std::getenv("WARDEN_MERGE_WALK_SEED");
  unsigned seed = seed_env != nullptr ? static_cast<unsigned>(std::strtoul(seed_env, nullptr, 10)) : 20261122u;
  INFO("seed " << seed);
  Generator g(seed);
  struct Case {
    int base, ours, theirs, merge;
  };
  std::vector<Case> cases;
  Tree root = g.start();
  int root_mark = g.commit({}, root, 0);
  for (int i = 0; i < kMerges; ++i) {
    Tree base = g.change(root, g.pick(4));
    int b = g.commit(root, base, root_mark);
    // Small sides, as real branches are: often disjoint, sometimes not.
    Tree ours = g.change(base, 1 + g.pick(3)), theirs = g.change(base, 1 + g.pick(3));
    int o = g.commit(base, ours, b), t = g.commit(base, theirs, b);
    // The merge: one side's tree, with the other side's changes or not,
    // and sometimes changes of its own.
    Tree merged = g.pick(2) ? ours : theirs;
    if (g.pick(2))
      for (const auto& [path, f] : (merged == ours ? theirs : ours))
        if (!base.count(path) || !(base.at(path).content == f.content && base.at(path).mode == f.mode)) merged[path] = f;
    if (g.pick(3) == 0) merged = g.change(merged, 1 + g.pick(2));
    int m = g.commit(ours, merged, o, t);
    cases.push_back({b, o, t, m});
  }
  auto repo = import(sb, g);
  auto commit_of = [&](int mark) { return commit_at(repo, mark); };

  int walked = 0, gave_up = 0, with_changes = 0, conflicts = 0;
  for (const auto& k : cases) {
    auto b = commit_of(k.base), o = commit_of(k.ours), t = commit_of(k.theirs), m = commit_of(k.merge);
    INFO("merge c" << k.merge << " " << m.id.hex());
    auto bases = repo.merge_bases(o.id, t.id);
    REQUIRE(bases);
    REQUIRE(bases->size() == 1);
    CHECK(bases->front() == b.id);
    auto fast = repo.merge_changes_by_ids(b.tree, o.tree, t.tree, m.tree);
    REQUIRE(fast);
    if (!*fast) {
      ++gave_up;
      continue;
    }
    ++walked;
    // The oracle: the clean merge, then a tree diff, plus conflicts.
    auto clean = repo.clean_merge({o.id, t.id});
    REQUIRE(clean);
    REQUIRE(clean->tree);
    // A conflicted file is the merge's own change (as own_changes_in
    // counts it), whatever the merge made of it.
    auto expected = repo.changed_paths(*clean->tree, m.tree);
    REQUIRE(expected);
    std::set<std::string> want(expected->paths.begin(), expected->paths.end());
    want.insert(clean->conflicted.begin(), clean->conflicted.end());
    conflicts += !clean->conflicted.empty();
    std::set<std::string> got((*fast)->paths.begin(), (*fast)->paths.end());
    CHECK(got == want);
    CHECK((*fast)->refused_path == expected->refused_path);
    with_changes += !want.empty();
  }
  WARN("merge walk decided " << walked << " of " << kMerges << " merges (" << with_changes
                             << " with own changes, " << conflicts << " with a conflicted file); gave up on "
                             << gave_up);
  // Both paths are exercised: the walk decides most merges, and gives up
  // where a content merge is needed.
  CHECK(walked >= kMerges / 3);
  CHECK(gave_up >= kMerges / 20);
  CHECK(with_changes >= walked / 4);
}

// libgit2's recursive merge of two commits (git_merge_commits, which
// makes its own virtual base of several merge bases): the merge's own
// changes against it, conflicted paths included.
static std::set<std::string> recursive_own_changes(const warden::Repository& repo, const warden::CommitData& o,
                                            const warden::CommitData& t, const warden::CommitData& m) {
  git_commit *a = nullptr, *b = nullptr;
  REQUIRE(git_commit_lookup(&a, repo.raw(), &o.id.raw) == 0);
  REQUIRE(git_commit_lookup(&b, repo.raw(), &t.id.raw) == 0);
  git_index* index = nullptr;
  REQUIRE(git_merge_commits(&index, repo.raw(), a, b, nullptr) == 0);
  git_commit_free(a);
  git_commit_free(b);
  std::set<std::string> out;
  if (git_index_has_conflicts(index)) {
    git_index_conflict_iterator* it = nullptr;
    REQUIRE(git_index_conflict_iterator_new(&it, index) == 0);
    const git_index_entry *anc, *ours, *theirs;
    while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0)
      for (const git_index_entry* e : {anc, ours, theirs})
        if (e != nullptr) out.insert(e->path);
    git_index_conflict_iterator_free(it);
    REQUIRE(git_index_conflict_cleanup(index) == 0);
  }
  git_oid tree;
  REQUIRE(git_index_write_tree_to(&tree, index, repo.raw()) == 0);
  git_index_free(index);
  auto diff = repo.changed_paths(warden::ObjectId::from(&tree), m.tree);
  REQUIRE(diff);
  out.insert(diff->paths.begin(), diff->paths.end());
  return out;
}

TEST_CASE("the merge walk over several merge bases gives the own changes of libgit2's recursive merge",
          "[merge][differential]") {
  // Criss-cross: X and Y fork from a base; X1 merges Y into X and Y1 merges
  // X into Y; ours and theirs go on from X1 and Y1, so their merge bases
  // are X and Y, and libgit2 merges those into a virtual base first.
  constexpr int kMerges = 300;
  test::Sandbox sb;
  const char* seed_env = std::getenv("WARDEN_MERGE_WALK_SEED");
  unsigned seed = seed_env != nullptr ? static_cast<unsigned>(std::strtoul(seed_env, nullptr, 10)) : 20261203u;
  INFO("seed " << seed);
  Generator g(seed);
  // `a` with what `b` changed against `base` (b wins where both did).
  auto combine = [](const Tree& base, const Tree& a, const Tree& b) {
    Tree out = a;
    for (const auto& [path, f] : b)
      if (!base.count(path) || !(base.at(path) == f)) out[path] = f;
    for (const auto& [path, f] : base)
      if (!b.count(path)) out.erase(path);
    return out;
  };
  struct Case {
    int ours, theirs, merge;
  };
  std::vector<Case> cases;
  int three_bases = 0;
  Tree root = g.start();
  int root_mark = g.commit({}, root, 0);
  for (int i = 0; i < kMerges; ++i) {
    Tree base = g.change(root, g.pick(3));
    int b = g.commit(root, base, root_mark);
    Tree x = g.change(base, 1 + g.pick(3)), y = g.change(base, 1 + g.pick(3));
    int xm = g.commit(base, x, b), ym = g.commit(base, y, b);
    // The cross merges resolve alike or not (a virtual base with or
    // without differences between its bases' trees).
    Tree x1 = combine(base, x, y), y1 = g.pick(2) ? combine(base, y, x) : combine(base, x, y);
    int x1m = g.commit(x, x1, xm, ym), y1m = g.commit(y, y1, ym, xm);
    if (g.pick(2)) {  // a third branch merged into both: three merge bases
      Tree z = g.change(base, 1 + g.pick(3));
      int zm = g.commit(base, z, b);
      Tree x2 = combine(base, x1, z), y2 = combine(base, y1, z);
      x1m = g.commit(x1, x2, x1m, zm);
      y1m = g.commit(y1, y2, y1m, zm);
      x1 = x2;
      y1 = y2;
      ++three_bases;
    }
    Tree ours = g.pick(4) ? g.change(x1, 1 + g.pick(2)) : x1, theirs = g.pick(4) ? g.change(y1, 1 + g.pick(2)) : y1;
    int o = g.commit(x1, ours, x1m), t = g.commit(y1, theirs, y1m);
    Tree merged = g.pick(2) ? combine(x1, ours, theirs) : combine(y1, theirs, ours);
    if (g.pick(3) == 0) merged = g.change(merged, 1 + g.pick(2));
    int m = g.commit(ours, merged, o, t);
    cases.push_back({o, t, m});
  }
  auto repo = import(sb, g);
  auto commit_of = [&](int mark) { return commit_at(repo, mark); };
  int walked = 0, gave_up = 0, criss_cross = 0, with_changes = 0, virtual_bases = 0, walked_virtual = 0, several = 0;
  for (const auto& k : cases) {
    auto o = commit_of(k.ours), t = commit_of(k.theirs), m = commit_of(k.merge);
    INFO("merge c" << k.merge << " " << m.id.hex());
    auto bases = repo.merge_bases(o.id, t.id);
    REQUIRE(bases);
    REQUIRE(!bases->empty());
    criss_cross += bases->size() > 1;
    several += bases->size() > 2;
    std::vector<warden::ObjectId> base_trees;
    for (const auto& b : *bases) base_trees.push_back(repo.read_commit(b)->tree);
    std::set<std::string> want = recursive_own_changes(repo, o, t, m);
    // The clean merge against warden's virtual base, where it makes one.
    auto virtual_base = repo.merge_base_tree(o.id, t.id);
    REQUIRE(virtual_base);
    if (virtual_base->kind == warden::MergeBaseTree::tree) {
      ++virtual_bases;
      auto clean = repo.clean_merge({o.id, t.id});
      REQUIRE(clean);
      REQUIRE(clean->tree);
      auto diff = repo.changed_paths(*clean->tree, m.tree);
      REQUIRE(diff);
      std::set<std::string> got(diff->paths.begin(), diff->paths.end());
      got.insert(clean->conflicted.begin(), clean->conflicted.end());
      CHECK(got == want);
    }
    // The walk: over all the bases where they agree, else over the
    // virtual base.
    auto fast = repo.merge_changes_by_ids(base_trees, o.tree, t.tree, m.tree);
    REQUIRE(fast);
    if (!*fast && virtual_base->kind == warden::MergeBaseTree::tree) {
      fast = repo.merge_changes_by_ids(virtual_base->id, o.tree, t.tree, m.tree);
      REQUIRE(fast);
      walked_virtual += fast->has_value();
    }
    if (!*fast) {
      ++gave_up;
      continue;
    }
    ++walked;
    std::set<std::string> got((*fast)->paths.begin(), (*fast)->paths.end());
    CHECK(got == want);
    with_changes += !want.empty();
  }
  WARN("criss-cross: " << criss_cross << " of " << kMerges << " merges with several bases (" << several
                       << " with three), " << virtual_bases
                       << " with a virtual base warden made; the walk decided " << walked << " (" << walked_virtual
                       << " over the virtual base; " << with_changes << " with own changes), gave up on " << gave_up);
  CHECK(criss_cross >= kMerges / 2);
  CHECK(several >= three_bases / 2);
  CHECK(virtual_bases >= kMerges / 3);
  CHECK(walked >= kMerges / 2);
  CHECK(walked_virtual >= 1);
  CHECK(gave_up >= 1);
}
