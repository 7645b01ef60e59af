// Generates the benchmark histories of bench/verify-merges: a wide tree
// (two-level directories), every commit changing one file and signed with
// a real SSH signature (ed25519, SSHSIG, namespace "git", as `git commit -S`
// with gpg.format=ssh makes it), per-directory grants, and a signed merge
// of a 2-4-commit side branch every K commits.
//
//   warden_history_gen DIR COMMITS [--files N] [--merge-every K] [--late-merge L]
//                      [--dates same|reversed|random|increasing]
//
// With --late-merge, the history ends with a merge of a 3-commit side
// branch that forked from main L commits before the end (a push that a
// server must check quickly); refs/heads/before is main before that merge.
// DIR must be an empty git repository (`git init`). Objects are written to
// memory and packed every few thousand commits, so that a 100,000-commit
// history is made in seconds rather than with 100,000 `git commit` runs.
// Prints "anchor <id>:<fingerprint>" and writes DIR/../allowed_signers for
// `git verify-commit`.
//
// A benchmark tool, not part of warden: it writes what git itself would.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_git.hpp"

namespace {

using bench::check;
using bench::SshKey;
using Writer = bench::PackWriter;

// The tree as arrays of blob ids: dirs x subdirs x files, plus .warden.
struct Shape {
  int dirs, subdirs, files;
};

// One state of the tree, rebuilt incrementally: a change to one file
// rewrites its leaf tree, its directory and the root.
class TreeState {
 public:
  TreeState(Writer& w, Shape s, const git_oid& warden_tree) : w_(w), s_(s), warden_(warden_tree) {
    blobs_.resize(static_cast<size_t>(s.dirs * s.subdirs * s.files));
    for (int i = 0; i < s.dirs * s.subdirs * s.files; ++i)
      blobs_[static_cast<size_t>(i)] = w.blob("file " + std::to_string(i) + "\n");
    leaves_.resize(static_cast<size_t>(s.dirs * s.subdirs));
    mids_.resize(static_cast<size_t>(s.dirs));
    for (int d = 0; d < s.dirs; ++d) {
      for (int sd = 0; sd < s.subdirs; ++sd) rebuild_leaf(d, sd);
      rebuild_mid(d);
    }
    rebuild_root();
  }

  void set(int d, int sd, int f, const git_oid& blob) {
    blobs_[index(d, sd, f)] = blob;
    rebuild_leaf(d, sd);
    rebuild_mid(d);
    rebuild_root();
  }
  const git_oid& root() const { return root_; }

 private:
  size_t index(int d, int sd, int f) const { return static_cast<size_t>((d * s_.subdirs + sd) * s_.files + f); }
  void rebuild_leaf(int d, int sd) {
    std::vector<std::pair<std::string, std::pair<git_oid, git_filemode_t>>> e;
    for (int f = 0; f < s_.files; ++f) e.push_back({"f" + std::to_string(f), {blobs_[index(d, sd, f)], GIT_FILEMODE_BLOB}});
    leaves_[static_cast<size_t>(d * s_.subdirs + sd)] = w_.tree(e);
  }
  void rebuild_mid(int d) {
    std::vector<std::pair<std::string, std::pair<git_oid, git_filemode_t>>> e;
    for (int sd = 0; sd < s_.subdirs; ++sd)
      e.push_back({"s" + std::to_string(sd), {leaves_[static_cast<size_t>(d * s_.subdirs + sd)], GIT_FILEMODE_TREE}});
    mids_[static_cast<size_t>(d)] = w_.tree(e);
  }
  void rebuild_root() {
    std::vector<std::pair<std::string, std::pair<git_oid, git_filemode_t>>> e;
    for (int d = 0; d < s_.dirs; ++d) e.push_back({"d" + std::to_string(d), {mids_[static_cast<size_t>(d)], GIT_FILEMODE_TREE}});
    e.push_back({".warden", {warden_, GIT_FILEMODE_TREE}});
    root_ = w_.tree(e);
  }

  Writer& w_;
  Shape s_;
  git_oid warden_;
  std::vector<git_oid> blobs_, leaves_, mids_;
  git_oid root_{};
};

struct Change {
  int d, sd, f;
  git_oid blob;
};

}  // namespace

void run(int argc, char** argv) {
  std::string dir = argv[1];
  long total = std::atol(argv[2]);
  int files = 20000, merge_every = 25;
  long late = 0;
  std::string dates = "increasing";
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--files") files = std::atoi(argv[i + 1]);
    else if (a == "--dates") dates = argv[i + 1];
    else if (a == "--merge-every") merge_every = std::atoi(argv[i + 1]);
    else if (a == "--late-merge") late = std::atol(argv[i + 1]);
    else throw std::runtime_error("unknown option " + a);
  }
  // Two levels of directories, 50 files in each leaf.
  int leaves = std::max(1, files / 50);
  int dirs = 1;
  while (dirs * dirs < leaves) ++dirs;
  Shape shape{dirs, (leaves + dirs - 1) / dirs, 50};

  Writer w(dir);
  // alice may change anything and the policy; bob and carol own half the
  // top-level directories each.
  SshKey alice, bob, carol;
  std::string half;
  for (int d = 0; d < dirs / 2; ++d) half += std::string(half.empty() ? "" : ", ") + "\"d" + std::to_string(d) + "/\"";
  std::string other;
  for (int d = dirs / 2; d < dirs; ++d) other += std::string(other.empty() ? "" : ", ") + "\"d" + std::to_string(d) + "/\"";
  std::string policy = "version: 1\npeople:\n  alice:\n    keys: [\"" + alice.public_line("alice") + "\"]\n" +
                       "  bob:\n    keys: [\"" + bob.public_line("bob") + "\"]\n" + "  carol:\n    keys: [\"" +
                       carol.public_line("carol") + "\"]\n" + "grants:\n  - paths: [\"/\"]\n    who: [alice]\n" +
                       "  - paths: [" + half + "]\n    who: [bob]\n" + "  - paths: [" + other +
                       "]\n    who: [carol]\npolicy:\n  who: [alice]\n";
  git_oid policy_blob = w.blob(policy);
  git_oid warden = w.tree({{"policy.yml", {policy_blob, GIT_FILEMODE_BLOB}}});
  TreeState main_tree(w, shape, warden);

  std::mt19937 rng(42);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  long made = 0, flushed = 0;
  // Committer dates, which must not change the cost (DESIGN section 3):
  // one a minute, all one second (git am, rebase, filter-repo), reversed,
  // or random.
  if (dates != "increasing" && dates != "same" && dates != "reversed" && dates != "random")
    throw std::runtime_error("--dates must be same, reversed, random or increasing");
  std::mt19937 date_rng(7);
  auto next_time = [&, n = 0L]() mutable {
    const long base = 1700000000, i = n++;
    if (dates == "same") return base;
    if (dates == "reversed") return base + 60 * (total - i);
    if (dates == "random") return base + static_cast<long>(date_rng() % 100000000);
    return base + 60 * i;
  };
  int version = 0;
  git_oid anchor = w.commit(main_tree.root(), {}, "anchor", next_time(), alice);
  git_oid tip = anchor;
  ++made;
  // A change to a random file of directory range [lo, hi), signed by its
  // owner or by alice.
  auto change = [&](int lo, int hi) {
    Change c{lo + pick(hi - lo), pick(shape.subdirs), pick(shape.files), {}};
    c.blob = w.blob("version " + std::to_string(++version) + "\n");
    return c;
  };
  auto signer = [&](const Change& c) -> const SshKey& {
    if (pick(2) == 0) return alice;
    return c.d < dirs / 2 ? bob : carol;
  };
  // The side branch's fork point and its tree, kept while main moves on.
  std::unique_ptr<TreeState> side;
  git_oid fork{};
  long in_cycle = 0;
  int side_len = 2 + pick(3);
  // The late side branch: its fork point, its tree, and which files main
  // changed since (the side leaves those alone, so the merge is clean).
  std::unique_ptr<TreeState> late_side;
  git_oid late_fork{};
  std::vector<bool> touched_since_fork;
  auto touch = [&](const Change& c) {
    if (late_side) touched_since_fork[static_cast<size_t>((c.d * shape.subdirs + c.sd) * shape.files + c.f)] = true;
  };
  const long late_commits = late > 0 ? 4 : 0;  // three on the side, the merge
  while (made < total - late_commits) {
    if (late > 0 && !late_side && made >= total - late_commits - late) {
      late_side = std::make_unique<TreeState>(main_tree);
      late_fork = tip;
      touched_since_fork.assign(static_cast<size_t>(shape.dirs * shape.subdirs * shape.files), false);
    }
    ++in_cycle;
    // Per cycle of `merge_every` commits: main commits, the side branch
    // (forked 8 commits before the merge), the merge.
    if (merge_every > 0 && in_cycle == merge_every - side_len - 8) {
      side = std::make_unique<TreeState>(main_tree);
      fork = tip;
    }
    if (merge_every > 0 && in_cycle == merge_every - side_len && side) {
      // The side branch (changes in the upper half of the directories,
      // main's in the lower half: the merge is clean), then the merge.
      git_oid side_tip = fork;
      std::vector<Change> changes;
      for (int i = 0; i < side_len && made < total - 1; ++i) {
        Change c = change(dirs / 2, dirs);
        side->set(c.d, c.sd, c.f, c.blob);
        side_tip = w.commit(side->root(), {side_tip}, "side " + std::to_string(made), next_time(), signer(c));
        changes.push_back(c);
        ++made;
      }
      for (const auto& c : changes) {
        main_tree.set(c.d, c.sd, c.f, c.blob);
        touch(c);
      }
      tip = w.commit(main_tree.root(), {tip, side_tip}, "Merge side branch", next_time(), alice);
      ++made;
      side.reset();
      in_cycle = 0;
      side_len = 2 + pick(3);
    } else {
      Change c = change(0, merge_every > 0 ? std::max(1, dirs / 2) : dirs);
      main_tree.set(c.d, c.sd, c.f, c.blob);
      touch(c);
      tip = w.commit(main_tree.root(), {tip}, "commit " + std::to_string(made), next_time(), signer(c));
      ++made;
    }
    if (made - flushed >= 5000) {
      w.flush();
      flushed = made;
    }
  }
  if (late_side) {
    w.set_ref("refs/heads/before", tip);
    git_oid side_tip = late_fork;
    std::vector<Change> changes;
    while (changes.size() < 3) {
      Change c = change(0, dirs);
      if (touched_since_fork[static_cast<size_t>((c.d * shape.subdirs + c.sd) * shape.files + c.f)]) continue;
      late_side->set(c.d, c.sd, c.f, c.blob);
      side_tip = w.commit(late_side->root(), {side_tip}, "late side " + std::to_string(made++), next_time(), alice);
      changes.push_back(c);
    }
    for (const auto& c : changes) main_tree.set(c.d, c.sd, c.f, c.blob);
    tip = w.commit(main_tree.root(), {tip, side_tip}, "Merge a branch forked long ago", next_time(), alice);
    ++made;
  }
  w.flush();
  w.set_ref("refs/heads/main", tip);
  std::ofstream(dir + "/../allowed_signers") << "alice " << alice.public_line("alice") << "\nbob "
                                             << bob.public_line("bob") << "\ncarol " << carol.public_line("carol")
                                             << "\n";
  std::printf("anchor %s:%s\n", Writer::hex(anchor).c_str(), alice.fingerprint().c_str());
}

int main(int argc, char** argv) {
  return bench::tool_main("warden_history_gen",
                          "DIR COMMITS [--files N] [--merge-every K] [--late-merge L] "
                          "[--dates same|reversed|random|increasing]",
                          3, argc, argv, run);
}
