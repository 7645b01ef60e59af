// Replays a real repository's history for bench/replay-history: every
// commit reachable from REV in SOURCE, parents before children, is written
// again into DEST with the same parents (replayed), the same tree plus
// .warden/policy.yml, the same author, committer and message, signed
// (ed25519 SSH, as `git commit -S` with gpg.format=ssh) by one of N
// synthetic people chosen by the original author's email. Every root of
// the original gets one parent: a new anchor commit that holds only the
// policy, so that git/git's several roots (gitk, git-gui, ...) are one
// history under one anchor. Headers other than author, committer and
// encoding (gpgsig, mergetag) are not carried over.
//
//   warden_replay_history SOURCE REV DEST [--people N] [--merges FILE]
//
// DEST must be an empty repository whose objects/info/alternates names
// SOURCE's objects, so that trees and blobs are shared, not copied. After
// the replay, every replayed commit is read back and compared with its
// original (parents, tree without .warden, author, committer, message);
// any difference is an error. Prints "anchor <id>:<fingerprint>" and
// writes FILE (default DEST/../merges): "<merge> <first parent> <how far behind the
// first parent the other parents are, in generations>" for every merge,
// the farthest first.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_git.hpp"

namespace {

using bench::check;
using bench::PackWriter;
using bench::SshKey;

struct OidHash {
  size_t operator()(const git_oid& id) const {
    size_t h;
    std::memcpy(&h, id.id, sizeof h);
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b) != 0; }
};
using OidMap = std::unordered_map<git_oid, git_oid, OidHash, OidEq>;

struct CommitFree {
  void operator()(git_commit* c) const { git_commit_free(c); }
};
using Commit = std::unique_ptr<git_commit, CommitFree>;
struct TreeFree {
  void operator()(git_tree* t) const { git_tree_free(t); }
};
using Tree = std::unique_ptr<git_tree, TreeFree>;

Commit lookup(git_repository* repo, const git_oid& id) {
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, repo, &id), "commit lookup");
  return Commit(c);
}

// The header line of `commit` that starts with `name ` (without it), or "".
std::string header(git_commit* commit, const std::string& name) {
  std::string raw = git_commit_raw_header(commit);
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t end = raw.find('\n', pos);
    if (end == std::string::npos) end = raw.size();
    if (raw.compare(pos, name.size() + 1, name + " ") == 0) return raw.substr(pos + name.size() + 1, end - pos - name.size() - 1);
    pos = end + 1;
  }
  return "";
}

size_t person_of(const std::string& email, size_t people) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (char c : email) {
    h ^= static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(c)));
    h *= 1099511628211ULL;
  }
  return static_cast<size_t>(h % people);
}

// `tree` with `.warden` set to `warden` (a tree id), written to DEST.
git_oid with_policy(git_repository* dest, const git_oid& tree_id, const git_oid& warden) {
  Tree tree;
  git_tree* t = nullptr;
  check(git_tree_lookup(&t, dest, &tree_id), "tree lookup");
  tree.reset(t);
  git_treebuilder* b = nullptr;
  check(git_treebuilder_new(&b, dest, t), "treebuilder");
  std::unique_ptr<git_treebuilder, bench::BuilderDeleter> builder(b);
  check(git_treebuilder_insert(nullptr, b, ".warden", &warden, GIT_FILEMODE_TREE), "tree insert");
  git_oid id;
  check(git_treebuilder_write(&id, b), "tree write");
  return id;
}

// `tree` without `.warden`.
git_oid without_policy(git_repository* dest, const git_oid& tree_id) {
  git_tree* t = nullptr;
  check(git_tree_lookup(&t, dest, &tree_id), "tree lookup");
  Tree tree(t);
  git_treebuilder* b = nullptr;
  check(git_treebuilder_new(&b, dest, t), "treebuilder");
  std::unique_ptr<git_treebuilder, bench::BuilderDeleter> builder(b);
  check(git_treebuilder_remove(b, ".warden"), "tree remove");
  git_oid id;
  check(git_treebuilder_write(&id, b), "tree write");
  return id;
}

void run(int argc, char** argv) {
  const std::string source_path = argv[1], rev = argv[2], dest_path = argv[3];
  size_t people = 64;
  std::string merges_path = dest_path + "/../merges";
  for (int i = 4; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--people") people = static_cast<size_t>(std::max(1, std::atoi(argv[i + 1])));
    else if (a == "--merges") merges_path = argv[i + 1];
    else throw std::runtime_error("unknown option " + a);
  }
  git_repository* raw_source = nullptr;
  check(git_repository_open_bare(&raw_source, source_path.c_str()), "open source");
  std::unique_ptr<git_repository, bench::RepoDeleter> source(raw_source);
  PackWriter w(dest_path);
  git_repository* dest = w.repo();

  // The commits, parents first.
  git_object* tip_object = nullptr;
  check(git_revparse_single(&tip_object, raw_source, (rev + "^{commit}").c_str()), "resolve revision");
  git_oid tip = *git_object_id(tip_object);
  git_object_free(tip_object);
  git_revwalk* raw_walk = nullptr;
  check(git_revwalk_new(&raw_walk, raw_source), "revwalk");
  std::unique_ptr<git_revwalk, void (*)(git_revwalk*)> walk(raw_walk, git_revwalk_free);
  git_revwalk_sorting(raw_walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  check(git_revwalk_push(raw_walk, &tip), "revwalk push");
  std::vector<git_oid> order;
  git_oid id;
  while (git_revwalk_next(&id, raw_walk) == 0) order.push_back(id);
  if (order.empty()) throw std::runtime_error("nothing to replay");

  std::vector<SshKey> keys;
  std::string policy = "version: 1\npeople:\n";
  for (size_t p = 0; p < people; ++p) {
    keys.emplace_back("warden-replay-person-" + std::to_string(p));
    policy += "  p" + std::to_string(p) + ":\n    keys: [\"" + keys.back().public_line("p" + std::to_string(p)) + "\"]\n";
  }
  policy += "grants:\n  - paths: [\"/\"]\n    who: [";
  for (size_t p = 0; p < people; ++p) policy += (p ? ", p" : "p") + std::to_string(p);
  policy += "]\npolicy:\n  who: [p0]\n";
  git_oid policy_blob = w.blob(policy);
  git_oid warden = w.tree({{"policy.yml", {policy_blob, GIT_FILEMODE_BLOB}}});

  Commit first = lookup(raw_source, order.front());
  const std::string first_committer = header(first.get(), "committer");
  git_oid anchor_tree = w.tree({{".warden", {warden, GIT_FILEMODE_TREE}}});
  std::string text = "tree " + PackWriter::hex(anchor_tree) + "\nauthor " + first_committer + "\ncommitter " +
                     first_committer + "\n\nwarden replay: the anchor (the policy, before the first commit)\n";
  git_oid anchor = w.signed_commit(text, keys[0].sign(text));

  OidMap replayed;
  std::unordered_map<git_oid, uint32_t, OidHash, OidEq> generation;  // of the original commits
  std::vector<std::pair<uint32_t, std::string>> merges;                // how far behind, line
  size_t count = 0, merge_count = 0, roots = 0;
  for (const git_oid& c : order) {
    Commit commit = lookup(raw_source, c);
    unsigned n = git_commit_parentcount(commit.get());
    std::string out = "tree " + PackWriter::hex(with_policy(dest, *git_commit_tree_id(commit.get()), warden)) + "\n";
    uint32_t highest = 0, lowest = UINT32_MAX;
    if (n == 0) {
      out += "parent " + PackWriter::hex(anchor) + "\n";
      ++roots;
    }
    for (unsigned i = 0; i < n; ++i) {
      const git_oid* p = git_commit_parent_id(commit.get(), i);
      auto it = replayed.find(*p);
      if (it == replayed.end()) throw std::runtime_error("a parent comes after its child in the walk");
      out += "parent " + PackWriter::hex(it->second) + "\n";
      uint32_t g = generation.at(*p);
      highest = std::max(highest, g);
      if (i > 0) lowest = std::min(lowest, g);
    }
    out += "author " + header(commit.get(), "author") + "\ncommitter " + header(commit.get(), "committer") + "\n";
    if (const char* enc = git_commit_message_encoding(commit.get())) out += std::string("encoding ") + enc + "\n";
    out += "\n";
    out += git_commit_message_raw(commit.get());
    const git_signature* author = git_commit_author(commit.get());
    const SshKey& key = keys[person_of(author->email ? author->email : "", people)];
    git_oid made = w.signed_commit(out, key.sign(out));
    replayed.emplace(c, made);
    generation.emplace(c, highest + 1);
    if (n > 1) {
      ++merge_count;
      uint32_t first_gen = generation.at(*git_commit_parent_id(commit.get(), 0));
      uint32_t behind = first_gen > lowest ? first_gen - lowest : 0;
      const git_oid* p1 = git_commit_parent_id(commit.get(), 0);
      merges.emplace_back(behind, PackWriter::hex(made) + " " + PackWriter::hex(replayed.at(*p1)) + " " +
                                      std::to_string(behind));
    }
    if (++count % 5000 == 0) w.flush();
  }
  w.flush();
  w.set_ref("refs/heads/main", replayed.at(tip));

  // Faithful: read back, compare with the original.
  size_t wrong = 0;
  for (const git_oid& c : order) {
    Commit original = lookup(raw_source, c);
    Commit copy = lookup(dest, replayed.at(c));
    bool same = std::string(git_commit_message_raw(original.get())) == git_commit_message_raw(copy.get()) &&
                header(original.get(), "author") == header(copy.get(), "author") &&
                header(original.get(), "committer") == header(copy.get(), "committer");
    git_oid bare = without_policy(dest, *git_commit_tree_id(copy.get()));
    same = same && git_oid_equal(&bare, git_commit_tree_id(original.get()));
    unsigned n = git_commit_parentcount(original.get());
    if (n == 0) {
      same = same && git_commit_parentcount(copy.get()) == 1 && git_oid_equal(git_commit_parent_id(copy.get(), 0), &anchor);
    } else {
      same = same && git_commit_parentcount(copy.get()) == n;
      for (unsigned i = 0; same && i < n; ++i)
        same = git_oid_equal(git_commit_parent_id(copy.get(), i), &replayed.at(*git_commit_parent_id(original.get(), i)));
    }
    if (!same && ++wrong <= 5) std::fprintf(stderr, "replay differs: %s\n", PackWriter::hex(c).c_str());
  }
  if (wrong > 0) throw std::runtime_error(std::to_string(wrong) + " replayed commits differ from their originals");

  std::sort(merges.begin(), merges.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::ofstream list(merges_path);
  for (const auto& m : merges) list << m.second << "\n";
  std::fprintf(stderr, "replayed %zu commits (%zu merges, %zu roots), %zu people, faithful\n", count, merge_count,
               roots, people);
  std::printf("anchor %s:%s\n", PackWriter::hex(anchor).c_str(), keys[0].fingerprint().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  return bench::tool_main("warden_replay_history", "SOURCE REV DEST [--people N] [--merges FILE]", 4, argc, argv, run);
}
