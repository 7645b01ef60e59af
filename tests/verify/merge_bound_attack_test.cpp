// Merges judged on the bound of their own changes (VerifyRequest::merge_bounds):
// every crafted merge below is verified with the bound on and off, one
// by one and with facts prepared ahead (where the bound hint runs on worker
// threads), stopping at the first refusal and going on; all the runs must
// give the same verdicts, field by field. Each case also checks the verdict
// the contract (DESIGN section 3) asks for.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <map>
#include <tuple>

#include "support/world.hpp"
#include "warden/policy.hpp"

using test::World;

namespace {

using Entries = std::vector<std::tuple<std::string, std::string, std::string>>;  // mode, name, id

// Trees and merge commits made with git's plumbing (or written raw, for
// names git refuses), and the main branch moved to them.
struct Forge {
  World& w;

  std::string sh(const std::string& cmd) const { return w.sb.sh(cmd, w.repo.path()); }
  std::string blob(const std::string& content) const {
    w.sb.write_file(w.sb.dir() + "/.blob", content);
    return w.repo.git("hash-object -w " + test::quote(w.sb.dir() + "/.blob"));
  }
  // `base`'s tree with `edits` (mode, id, path; mode "0" removes the path).
  std::string tree(const std::string& base, const Entries& edits) const {
    std::string index = test::quote(w.sb.dir() + "/.forge-index");
    sh("rm -f " + index + " && GIT_INDEX_FILE=" + index + " git read-tree " + base);
    std::string lines;
    for (const auto& [mode, id, path] : edits)
      lines += mode == "0" ? "0 0000000000000000000000000000000000000000\t" + path + "\n"
                           : mode + " " + id + "\t" + path + "\n";
    w.sb.write_file(w.sb.dir() + "/.forge-lines", lines);
    sh("GIT_INDEX_FILE=" + index + " git update-index --index-info < " + test::quote(w.sb.dir() + "/.forge-lines"));
    return sh("GIT_INDEX_FILE=" + index + " git write-tree");
  }
  // A tree object from entries, written as given (sorted by the caller).
  std::string raw_tree(const Entries& entries) const { return w.repo.write_tree_object(entries); }
  // `rev`'s tree with some of its top directories replaced.
  std::string with_dirs(const std::string& rev, const std::map<std::string, std::string>& dirs) const {
    Entries root;
    for (std::string dir : {".warden", "docs", "drafts", "pkgs", "src"}) {
      auto it = dirs.find(dir);
      root.push_back({"40000", dir, it != dirs.end() ? it->second : w.repo.git("rev-parse " + rev + ":" + dir)});
    }
    return raw_tree(root);
  }
  // A raw commit object (duplicate parents kept), signed by `signer` or
  // not; main is moved to it.
  std::string raw_commit(const std::string& tree, const std::vector<std::string>& parents, const test::Key* signer) const {
    std::string raw = "tree " + tree + "\n";
    for (const auto& p : parents) raw += "parent " + p + "\n";
    raw += "author T <t@example.org> 1700000000 +0000\ncommitter T <t@example.org> 1700000000 +0000\n\nraw merge\n";
    std::string c = w.repo.write_commit_object(raw);
    if (signer) c = w.repo.resign(c, *signer);
    w.repo.git("update-ref refs/heads/main " + c);
    return c;
  }
  // A commit of `tree` with `parents`, signed by `signer` (or not); main
  // is moved to it and checked out.
  std::string commit(const std::string& tree, const std::vector<std::string>& parents, const test::Key* signer,
                     const std::string& message = "forged merge") const {
    std::string sign = signer ? "-c user.signingkey=" + test::quote(signer->private_path) + " " : "";
    std::string ps;
    for (const auto& p : parents) ps += " -p " + p;
    std::string c = w.repo.git(sign + "commit-tree " + (signer ? "-S " : "") + tree + ps + " -m " + test::quote(message));
    w.repo.git("update-ref refs/heads/main " + c);
    return c;
  }
};

void same_reports(const warden::VerifyReport& a, const warden::VerifyReport& b) {
  CHECK(a.authenticated == b.authenticated);
  test::check_same_verdicts(a, b);
  for (size_t i = 0; i < std::min(a.verdicts.size(), b.verdicts.size()); ++i) {
    const auto& x = a.verdicts[i];
    const auto& y = b.verdicts[i];
    INFO("commit " << i << " " << x.summary);
    CHECK(x.approved_by == y.approved_by);
    CHECK(x.policy_commit == y.policy_commit);
    CHECK(x.key_fingerprint == y.key_fingerprint);
    CHECK(x.vouchable == y.vouchable);
    CHECK(x.vouched_by == y.vouched_by);
    CHECK(x.tree_approved_by == y.tree_approved_by);
  }
}

// Verifies anchor..HEAD with the bound off, one by one, going on past
// refusals, and checks that other ways (bound on or off, one by one or
// ahead in small batches, stopping or going on) agree; returns the first
// report.
warden::VerifyReport agree(const test::Repo& repo, const std::string& anchor, const test::Key& key,
                           const std::function<void(warden::VerifyRequest&)>& extra = {}) {
  auto run = [&](bool bounds, bool ahead, bool keep_going) {
    return repo.verify_tuned(anchor, key, "HEAD", [&](warden::VerifyRequest& r) {
      if (extra) extra(r);
      r.merge_bounds = bounds;
      r.keep_going = keep_going;
      if (ahead) {
        r.parallel_from = 1;
        r.ahead_batch = 2;
        r.keep_behind = 1;
      } else {
        r.parallel_from = SIZE_MAX;
      }
    });
  };
  auto reference = run(false, false, true);
  // Bounds on: one by one and ahead, going on; ahead, stopping. Bounds
  // off, ahead: where the hint never runs.
  const std::tuple<bool, bool, bool> others[] = {
      {true, false, true}, {true, true, true}, {true, true, false}, {false, true, false}};
  for (const auto& [bounds, ahead, keep_going] : others) {
    INFO("bounds " << bounds << " ahead " << ahead << " keep_going " << keep_going);
    auto other = run(bounds, ahead, keep_going);
    if (keep_going) {
      same_reports(reference, other);
    } else {
      // Stopping at the first refusal: the same verdicts up to it.
      CHECK(reference.authenticated == other.authenticated);
      REQUIRE(other.verdicts.size() <= reference.verdicts.size());
      warden::VerifyReport prefix = reference;
      prefix.verdicts.resize(other.verdicts.size());
      same_reports(prefix, other);
    }
  }
  return reference;
}

warden::VerifyReport agree(World& w) { return agree(w.repo, w.anchor, w.alice); }

// The verdict of commit `c` in `report`.
const warden::Verdict& verdict_of(const warden::VerifyReport& report, const std::string& c) {
  for (const auto& v : report.verdicts)
    if (v.commit.hex() == c) return v;
  FAIL("no verdict for " << c);
  return report.verdicts.front();
}

void on(World& w, const std::string& branch, const std::string& from) { w.repo.git("checkout -q -B " + branch + " " + from); }

std::string change(World& w, const std::string& file, const std::string& text, const test::Key* who) {
  w.repo.write(file, text + "\n");
  return w.repo.commit(text, who);
}

// Branch "side" from main with `side` (file, text, by whom), and main
// on with `ours`; main checked out. Returns (main, side).
struct Change {
  std::string file, text;
  const test::Key* who;
};
std::pair<std::string, std::string> two_sides(World& w, const Change& side, const Change& ours) {
  on(w, "side", "main");
  change(w, side.file, side.text, side.who);
  on(w, "main", "main");
  change(w, ours.file, ours.text, ours.who);
  return {w.repo.git("rev-parse main"), w.repo.git("rev-parse side")};
}

int start_merge(World& w, const std::string& branch) {
  return w.repo.git_run("merge -q --no-ff --no-commit " + test::quote(branch)).status;
}

}  // namespace

TEST_CASE("bound attack: a narrow merger's clean merge of maintainers' work is accepted either way",
          "[verify][merge][bound]") {
  World w;
  std::string fork = w.repo.git("rev-parse HEAD");
  on(w, "side", fork);
  change(w, "src/side.c", "bob's side work", &w.bob);
  on(w, "main", "main");
  change(w, "src/main.c", "alice on main", &w.alice);
  SECTION("signed by carol (docs only): the bound holds src/, the own changes nothing") {
    std::string m = w.repo.merge("side", &w.carol, "carol merges");
    auto r = agree(w);
    CHECK(r.authenticated);
    CHECK(verdict_of(r, m).ok());
  }
  SECTION("unsigned, merges.unsigned allow") {
    std::string m = w.repo.merge("side", nullptr, "merge button");
    auto r = agree(w);
    CHECK(r.authenticated);
    CHECK(verdict_of(r, m).ok());
  }
  SECTION("by mallory, whom no policy lists: an unsigned merge") {
    std::string m = w.repo.merge("side", &w.mallory, "mallory merges");
    auto r = agree(w);
    CHECK(r.authenticated);
  }
}

TEST_CASE("bound attack: an own change a narrow merger slips into a merge is charged either way",
          "[verify][merge][bound]") {
  World w;
  const auto sides = two_sides(w, {"docs/side.md", "carol's docs", &w.carol}, {"src/main.c", "alice on main", &w.alice});
  std::string p1 = sides.first, p2 = sides.second;
  Forge f{w};
  REQUIRE(start_merge(w, "side") == 0);
  std::string clean = w.repo.git("write-tree");
  w.repo.git("merge --abort");
  std::string evil_blob = f.blob("evil\n");
  struct Case {
    std::string name;
    Entries edits;
    std::string path;
  };
  std::string main_blob = w.repo.git("rev-parse main:src/main.c");
  const std::vector<Case> cases = {
      {"a new file in src/", {{"100644", evil_blob, "src/evil.c"}}, "src/evil.c"},
      {"a mode-only change", {{"100755", main_blob, "src/main.c"}}, "src/main.c"},
      {"a file turned into a symlink", {{"120000", main_blob, "src/main.c"}}, "src/main.c"},
      {"a file turned into a directory", {{"0", "", "src/main.c"}, {"100644", evil_blob, "src/main.c/x"}}, "src/main.c"},
      {"a directory turned into a file", {{"0", "", "pkgs/foobar/default.nix"}, {"100644", evil_blob, "pkgs/foobar"}},
       "pkgs/foobar"},
      {"a submodule", {{"160000", p1, "src/sub"}}, "src/sub"},
      {"a deletion", {{"0", "", "src/main.c"}}, "src/main.c"},
      {"a policy change", {{"100644", evil_blob, ".warden/policy.yml"}}, ".warden/policy.yml"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    std::string tree = f.tree(clean, c.edits);
    SECTION("signed by carol: " + c.name) {
      std::string m = f.commit(tree, {p1, p2}, &w.carol);
      auto r = agree(w);
      CHECK_FALSE(r.authenticated);
      const auto& v = verdict_of(r, m);
      CHECK_FALSE(v.ok());
      CHECK_FALSE(v.inherited);
      CHECK(v.path() == c.path);
    }
    SECTION("unsigned: " + c.name) {
      std::string m = f.commit(tree, {p1, p2}, nullptr);
      auto r = agree(w);
      CHECK_FALSE(r.authenticated);
      CHECK(verdict_of(r, m).path() == c.path);
    }
    SECTION("parents in the other order, signed by carol: " + c.name) {
      std::string m = f.commit(tree, {p2, p1}, &w.carol);
      auto r = agree(w);
      CHECK_FALSE(r.authenticated);
      CHECK(verdict_of(r, m).path() == c.path);
    }
    SECTION("the same parent twice, signed by carol: " + c.name) {
      std::string m = f.raw_commit(f.tree(p1, c.edits), {p1, p1}, &w.carol);
      REQUIRE(w.repo.git("rev-list --parents -n1 " + m).size() > 3 * 40);
      auto r = agree(w);
      CHECK_FALSE(r.authenticated);
      CHECK(verdict_of(r, m).path() == c.path);
    }
  }
}

TEST_CASE("bound attack: taking one side wholesale is an own change either way", "[verify][merge][bound]") {
  World w;
  const auto sides = two_sides(w, {"src/side.c", "bob on side", &w.bob}, {"src/main.c", "alice on main", &w.alice});
  std::string p1 = sides.first, p2 = sides.second;
  Forge f{w};
  SECTION("carol keeps main's tree (-s ours): drops bob's src/side.c") {
    std::string m = f.commit(w.repo.git("rev-parse main^{tree}"), {p1, p2}, &w.carol);
    auto r = agree(w);
    CHECK(verdict_of(r, m).path() == "src/side.c");
  }
  SECTION("carol takes side's tree: reverts alice's src/main.c") {
    std::string m = f.commit(w.repo.git("rev-parse side^{tree}"), {p1, p2}, &w.carol);
    auto r = agree(w);
    CHECK(verdict_of(r, m).path() == "src/main.c");
  }
  SECTION("alice may") {
    f.commit(w.repo.git("rev-parse side^{tree}"), {p1, p2}, &w.alice);
    CHECK(agree(w).authenticated);
  }
}

TEST_CASE("bound attack: conflicts, renames and file-directory clashes", "[verify][merge][bound]") {
  World w;
  SECTION("a conflict resolved to one side is charged, unsigned or by carol") {
    on(w, "side", "main");
    change(w, "src/main.c", "side version", &w.bob);
    on(w, "main", "main");
    change(w, "src/main.c", "main version", &w.alice);
    REQUIRE(start_merge(w, "side") != 0);
    w.repo.write("src/main.c", "main version\n");
    std::string m = w.repo.commit("resolved to ours", nullptr);
    auto r = agree(w);
    CHECK(verdict_of(r, m).path() == "src/main.c");
  }
  // A file on `side` and a directory of that name on main, in `dir`;
  // carol merges, keeping main's tree.
  auto clash = [&](const std::string& dir) {
    const auto sides = two_sides(w, {dir + "/clash", "file on side", &w.bob}, {dir + "/clash/inner", "directory on main", &w.alice});
    std::string p1 = sides.first, p2 = sides.second;
    Forge f{w};
    return f.commit(w.repo.git("rev-parse main^{tree}"), {p1, p2}, &w.carol, "carol resolves a clash");
  };
  SECTION("a file on one side and a directory on the other, resolved by carol to main's side") {
    std::string m = clash("src");
    CHECK(verdict_of(agree(w), m).path() == "src/clash");
  }
  SECTION("the same clash in docs/, resolved by carol: her grant covers it") {
    std::string m = clash("docs");
    CHECK(verdict_of(agree(w), m).ok());
  }
  auto rename_on_side_edit_on_main = [&] {
    on(w, "side", "main");
    w.repo.git("mv src/main.c src/renamed.c");
    w.repo.commit("bob renames", &w.bob);
    on(w, "main", "main");
    w.repo.write("src/main.c", "int main(void) { return 0; }\n/* more */\n");
    w.repo.commit("alice edits", &w.alice);
  };
  SECTION("a rename on one side, modified on the other: followed, and carol's clean merge accepted") {
    rename_on_side_edit_on_main();
    std::string m = w.repo.merge("side", &w.carol, "carol merges the rename");
    auto r = agree(w);
    INFO(r.verdicts.back().reason());
    CHECK(verdict_of(r, m).ok());
  }
  SECTION("the same rename, carol keeps the edit at the old name too") {
    rename_on_side_edit_on_main();
    REQUIRE(start_merge(w, "side") == 0);
    w.repo.write("src/main.c", "int main(void) { return 0; }\n/* more */\n");
    std::string m = w.repo.commit("carol keeps both", &w.carol);
    auto r = agree(w);
    CHECK(verdict_of(r, m).path() == "src/main.c");
  }
  SECTION("a rename to two names (rename/rename), unsigned, keeping both") {
    // The conflicted paths are src/main.c (absent from the merge and both
    // parents) and the two new names (unprotected drafts/).
    on(w, "side", "main");
    w.repo.git("mv src/main.c drafts/b.c");
    w.repo.commit("bob renames to b", &w.bob);
    on(w, "main", "main");
    w.repo.git("mv src/main.c drafts/a.c");
    w.repo.commit("alice renames to a", &w.alice);
    CHECK(start_merge(w, "side") != 0);
    w.repo.git("add -A");
    std::string m = w.repo.commit("unsigned merge keeps both names", nullptr);
    CHECK(w.repo.git("ls-tree -r --name-only HEAD drafts/") == "drafts/a.c\ndrafts/b.c\ndrafts/notes.txt");
    auto r = agree(w);
    // Contract text: "plus every conflicted path": src/main.c is one; with
    // the change, it is not charged (the merge and both parents lack it).
    UNSCOPED_INFO("rename/rename unsigned merge verdict: " << (verdict_of(r, m).ok() ? "accepted" : verdict_of(r, m).reason()));
    CHECK(verdict_of(r, m).ok());
  }
}

TEST_CASE("bound attack: octopus and criss-cross merges", "[verify][merge][bound]") {
  World w;
  Forge f{w};
  for (const char* b : {"one", "two"}) {
    on(w, b, "main");
    change(w, std::string("docs/") + b + ".md", b, &w.carol);
  }
  on(w, "three", "main");
  change(w, "src/three.c", "three", &w.bob);
  on(w, "main", "main");
  SECTION("carol's clean octopus of docs branches") {
    w.repo.git("-c user.signingkey=" + test::quote(w.carol.private_path) + " merge -q --no-ff -S -m octopus one two");
    CHECK(agree(w).authenticated);
  }
  SECTION("carol's octopus with an own change in src/") {
    w.repo.git("-c user.signingkey=" + test::quote(w.carol.private_path) + " merge -q --no-ff -S -m octopus one two");
    std::string tree = f.tree("HEAD", {{"100644", f.blob("evil\n"), "src/evil.c"}});
    std::string m = f.commit(tree, {w.repo.git("rev-parse HEAD^1"), w.repo.git("rev-parse one"), w.repo.git("rev-parse two")},
                             &w.carol);
    auto r = agree(w);
    CHECK(verdict_of(r, m).path() == "src/evil.c");
  }
  SECTION("carol's octopus bringing in bob's src/ (no clean merge: the union is charged)") {
    w.repo.git("-c user.signingkey=" + test::quote(w.carol.private_path) + " merge -q --no-ff -S -m octopus one three");
    auto r = agree(w);
    CHECK_FALSE(r.authenticated);
  }
  SECTION("a criss-cross, closed by carol with an own change in src/") {
    on(w, "x", "main");
    change(w, "docs/x.md", "x", &w.carol);
    on(w, "y", "main");
    change(w, "src/y.c", "y", &w.bob);
    on(w, "x", "x");
    w.repo.merge("y", &w.bob, "x takes y");
    on(w, "y", "y");
    w.repo.merge("x~1", &w.alice, "y takes x");
    on(w, "y", "y");
    change(w, "src/y.c", "y again", &w.bob);
    on(w, "main", "main");
    w.repo.merge("x", &w.alice, "main takes x");
    SECTION("clean: accepted") {
      w.repo.merge("y", &w.carol, "carol: main takes y (criss-cross)");
      CHECK(agree(w).authenticated);
    }
    SECTION("with src/evil.c: refused") {
      REQUIRE(start_merge(w, "y") == 0);
      w.repo.write("src/evil.c", "evil\n");
      std::string m = w.repo.commit("carol's criss-cross with an own change", &w.carol);
      CHECK(verdict_of(agree(w), m).path() == "src/evil.c");
    }
    SECTION("reverting bob's second src/y.c: refused") {
      REQUIRE(start_merge(w, "y") == 0);
      w.repo.write("src/y.c", "y\n");
      std::string m = w.repo.commit("carol's criss-cross reverts y", &w.carol);
      CHECK(verdict_of(agree(w), m).path() == "src/y.c");
    }
  }
}

TEST_CASE("bound attack: paths git refuses to check out, in merges", "[verify][merge][bound][path]") {
  World w;
  Forge f{w};
  const auto sides = two_sides(w, {"docs/side.md", "carol's docs", &w.carol}, {"src/main.c", "alice on main", &w.alice});
  std::string p1 = sides.first, p2 = sides.second;
  REQUIRE(start_merge(w, "side") == 0);
  std::string clean = w.repo.git("write-tree");
  w.repo.git("merge --abort");
  std::string notes = w.repo.git("rev-parse main:drafts/notes.txt");
  std::string blob = f.blob("#!/bin/sh\necho owned\n");
  auto clean_with_drafts = [&](const Entries& extra) {
    Entries drafts = extra;
    drafts.push_back({"100644", "notes.txt", notes});
    Entries root;
    for (std::string dir : {".warden", "docs", "drafts", "pkgs", "src"})
      root.push_back({"40000", dir, dir == "drafts" ? f.raw_tree(drafts) : w.repo.git("rev-parse " + clean + ":" + dir)});
    return f.raw_tree(root);
  };
  std::string hooks = f.raw_tree({{"40000", "hooks", f.raw_tree({{"100755", "post-checkout", blob}})}});
  struct Case {
    std::string name;
    Entries drafts;
  };
  const std::vector<Case> cases = {
      {".git directory", {{"40000", ".git", hooks}}},
      {".GIT directory", {{"40000", ".GIT", hooks}}},
      {".git file", {{"100644", ".git", blob}}},
      {"git~1 file", {{"100644", "git~1", blob}}},
      {".gitmodules symlink", {{"120000", ".gitmodules", blob}}},
      {".git submodule", {{"160000", ".git", p1}}},
  };
  for (const auto& c : cases) {
    SECTION(c.name + ", signed by alice") {
      std::string m = f.commit(clean_with_drafts(c.drafts), {p1, p2}, &w.alice);
      auto r = agree(w);
      CHECK(verdict_of(r, m).rule_name() == "path");
    }
    SECTION(c.name + ", unsigned") {
      std::string m = f.commit(clean_with_drafts(c.drafts), {p1, p2}, nullptr);
      auto r = agree(w);
      CHECK(verdict_of(r, m).rule_name() == "path");
    }
  }
  SECTION("a .gitmodules file made a symlink by a mode-only change in the merge") {
    on(w, "side", "side");
    change(w, "drafts/.gitmodules", "[submodule]", nullptr);
    on(w, "main", "main");
    p2 = w.repo.git("rev-parse side");
    std::string gm = w.repo.git("rev-parse side:drafts/.gitmodules");
    std::string m = f.commit(clean_with_drafts({{"120000", ".gitmodules", gm}}), {p1, p2}, &w.alice);
    auto r = agree(w);
    CHECK(verdict_of(r, m).rule_name() == "path");
  }
}

TEST_CASE("bound attack: a refused name the bound sees and the own changes do not (trusted anchor content)",
          "[verify][merge][bound][path]") {
  // The anchor's tree holds drafts/.GIT (its content is trusted); a merge
  // of main with a commit from before the anchor differs from that old
  // parent at drafts/.GIT, but not from its clean merge (main itself).
  World w;
  Forge f{w};
  std::string old = w.anchor;
  std::string notes = w.repo.git("rev-parse HEAD:drafts/notes.txt");
  std::string odd = f.blob("x\n");
  std::string drafts = f.raw_tree({{"100644", ".GIT", odd}, {"100644", "notes.txt", notes}});
  w.anchor = f.commit(f.with_dirs(old, {{"drafts", drafts}}), {old}, &w.alice, "anchor with a trusted odd name");
  auto src_with = [&](const Entries& files) { return w.repo.git("rev-parse " + f.tree(old, files) + ":src"); };
  std::string alice_c = f.blob("alice\n");
  std::string p1 = f.commit(f.with_dirs(w.anchor, {{"src", src_with({{"100644", alice_c, "src/alice.c"}})}}),
                            {w.anchor}, &w.alice, "alice on main");
  SECTION("carol merges the old commit in: nothing of hers lands") {
    std::string m = f.commit(w.repo.git("rev-parse " + p1 + "^{tree}"), {p1, old}, &w.carol);
    auto r = agree(w);
    INFO(verdict_of(r, m).reason());
    CHECK(verdict_of(r, m).ok());
    CHECK(r.authenticated);
  }
  SECTION("unsigned, the same") {
    std::string m = f.commit(w.repo.git("rev-parse " + p1 + "^{tree}"), {p1, old}, nullptr);
    auto r = agree(w);
    INFO(verdict_of(r, m).reason());
    CHECK(verdict_of(r, m).ok());
  }
  SECTION("carol merges the old commit in and adds src/evil.c") {
    std::string src = src_with({{"100644", alice_c, "src/alice.c"}, {"100644", f.blob("evil\n"), "src/evil.c"}});
    std::string m = f.commit(f.with_dirs(p1, {{"src", src}}), {p1, old}, &w.carol);
    CHECK(verdict_of(agree(w), m).path() == "src/evil.c");
  }
  SECTION("alice merges it in and adds drafts/.git/hooks/post-checkout: refused for the path") {
    std::string hooks = f.raw_tree({{"40000", "hooks", f.raw_tree({{"100755", "post-checkout", f.blob("x\n")}})}});
    std::string d2 = f.raw_tree({{"100644", ".GIT", odd}, {"40000", ".git", hooks}, {"100644", "notes.txt", notes}});
    std::string m = f.commit(f.with_dirs(p1, {{"drafts", d2}}), {p1, old}, &w.alice);
    auto v = verdict_of(agree(w), m);
    CHECK(v.rule_name() == "path");
    CHECK(v.path() == "drafts/.git/hooks/post-checkout");
  }
}

TEST_CASE("bound attack: policy changes inside merges, with thresholds and approvals", "[verify][merge][bound][approvals]") {
  // Policy changes need 2 of alice and bob.
  World w("", "allow", 2);
  auto approve = [&](const std::string& rev, const test::Key& key) {
    auto r = w.repo.warden(fmt::format("approve {} --key {}", rev, test::quote(key.private_path)));
    INFO(r.err);
    REQUIRE(r.status == 0);
  };
  auto with_notes = [&](warden::VerifyRequest& r) { r.approval_notes = w.repo.approval_notes(); };
  on(w, "side", "main");
  w.repo.write(".warden/policy.yml", test::standard_policy(w.alice, w.bob, w.carol, "", "allow", 2) + "\n# more\n");
  std::string change_c = w.repo.commit("bob changes the policy on side", &w.bob);
  approve(change_c, w.alice);
  on(w, "main", "main");
  change(w, "docs/main.md", "carol on main", &w.carol);
  SECTION("bob's clean merge of the approved change, approved too: no approval counted for the merge") {
    std::string m = w.repo.merge("side", &w.bob, "bob merges the policy change");
    approve(m, w.alice);
    auto r = agree(w.repo, w.anchor, w.alice, with_notes);
    CHECK(r.authenticated);
    CHECK(verdict_of(r, m).approved_by.empty());
    CHECK(verdict_of(r, change_c).approved_by == std::vector<std::string>{"alice"});
  }
  SECTION("bob's clean merge, not approved") {
    std::string m = w.repo.merge("side", &w.bob, "bob merges the policy change");
    auto r = agree(w.repo, w.anchor, w.alice, with_notes);
    CHECK(r.authenticated);
  }
  SECTION("carol's clean merge (not in policy.who)") {
    std::string m = w.repo.merge("side", &w.carol, "carol merges the policy change");
    auto r = agree(w.repo, w.anchor, w.alice, with_notes);
    CHECK(r.authenticated);
  }
  SECTION("unsigned merge button") {
    w.repo.merge("side", nullptr, "merge button");
    CHECK(agree(w.repo, w.anchor, w.alice, with_notes).authenticated);
  }
  SECTION("bob's merge with a policy change of its own: needs the threshold for the merge") {
    REQUIRE(start_merge(w, "side") == 0);
    w.repo.write(".warden/policy.yml", test::standard_policy(w.alice, w.bob, w.carol, "", "allow", 2) + "\n# bob's own\n");
    std::string m = w.repo.commit("bob's merge changes the policy", &w.bob);
    auto r = agree(w.repo, w.anchor, w.alice, with_notes);
    CHECK(verdict_of(r, m).rule_name() == "threshold");
    approve(m, w.alice);
    r = agree(w.repo, w.anchor, w.alice, with_notes);
    CHECK(verdict_of(r, m).ok());
    CHECK(verdict_of(r, m).approved_by == std::vector<std::string>{"alice"});
  }
  SECTION("carol's merge with a policy change of its own") {
    REQUIRE(start_merge(w, "side") == 0);
    w.repo.write(".warden/policy.yml", test::standard_policy(w.alice, w.bob, w.carol, "", "allow", 2) + "\n# carol's own\n");
    std::string m = w.repo.commit("carol's merge changes the policy", &w.carol);
    approve(m, w.alice);
    CHECK(verdict_of(agree(w.repo, w.anchor, w.alice, with_notes), m).rule_name() == "policy");
  }
}

TEST_CASE("bound attack: a grant threshold and a review rule over what the merge brings in",
          "[verify][merge][bound][reviews]") {
  World w(R"(reviews:
  - paths: ["src/crypto/"]
    who: [maintainers]
    count: 1
)");
  auto with_notes = [&](warden::VerifyRequest& r) { r.approval_notes = w.repo.approval_notes(); };
  auto review = [&](const std::string& rev, const test::Key& key) {
    auto r = w.repo.warden(fmt::format("attest review {} --verdict approve --key {}", rev, test::quote(key.private_path)));
    INFO(r.err);
    REQUIRE(r.status == 0);
  };
  on(w, "side", "main");
  std::string c = change(w, "src/crypto/aes.c", "aes", &w.bob);
  review(c, w.alice);
  on(w, "main", "main");
  change(w, "docs/x.md", "x", &w.carol);
  SECTION("alice's clean merge: the bound needs a review, the own changes none") {
    std::string m = w.repo.merge("side", &w.alice, "alice merges crypto");
    auto r = agree(w.repo, w.anchor, w.alice, with_notes);
    CHECK(r.authenticated);
    CHECK(verdict_of(r, m).approved_by.empty());
  }
  SECTION("alice's clean merge, reviewed by bob: the review is not counted for the merge") {
    std::string m = w.repo.merge("side", &w.alice, "alice merges crypto");
    review(m, w.bob);
    auto r = agree(w.repo, w.anchor, w.alice, with_notes);
    CHECK(r.authenticated);
    CHECK(verdict_of(r, m).approved_by.empty());
  }
  SECTION("alice's merge that edits crypto itself needs its own review") {
    REQUIRE(start_merge(w, "side") == 0);
    w.repo.write("src/crypto/aes.c", "aes, edited in the merge\n");
    std::string m = w.repo.commit("alice edits crypto in the merge", &w.alice);
    CHECK(verdict_of(agree(w.repo, w.anchor, w.alice, with_notes), m).rule_name() == "review");
    review(m, w.bob);
    auto r = agree(w.repo, w.anchor, w.alice, with_notes);
    CHECK(verdict_of(r, m).ok());
    CHECK(verdict_of(r, m).approved_by == std::vector<std::string>{"bob"});
  }
}

TEST_CASE("bound attack: a key removed on main, old-branch work merged by a narrow signer",
          "[verify][merge][bound][mainline]") {
  World w;
  on(w, "old", "main");
  change(w, "src/bob.c", "bob's old work", &w.bob);
  on(w, "main", "main");
  w.repo.write(".warden/policy.yml",
               test::PolicyText()
                   .person("alice", {&w.alice})
                   .person("carol", {&w.carol})
                   .section("grants:\n  - paths: [\"/\"]\n    who: [alice]\n  - paths: [\"docs/\"]\n    who: [carol]\n"
                            "unprotected: [\"drafts/\"]\npolicy:\n  who: [alice]\nmerges:\n  unsigned: allow\n")
                   .str());
  w.repo.commit("alice removes bob", &w.alice);
  SECTION("carol, main first") {
    std::string m = w.repo.merge("old", &w.carol, "carol lands bob's branch");
    CHECK(verdict_of(agree(w), m).path() == "src/bob.c");
  }
  SECTION("unsigned, old branch as first parent") {
    Forge f{w};
    std::string main = w.repo.git("rev-parse main");
    REQUIRE(start_merge(w, "old") == 0);
    std::string tree = w.repo.git("write-tree");
    w.repo.git("merge --abort");
    f.commit(tree, {w.repo.git("rev-parse old"), main}, nullptr);
    agree(w.repo, w.anchor, w.alice, [&](warden::VerifyRequest& r) {
      r.previous_tip = *warden::ObjectId::from_hex(main);
    });
  }
}

TEST_CASE("bound attack: an audit judges merges the same with the bound on or off", "[verify][merge][bound][audit]") {
  World w;
  on(w, "side", "main");
  change(w, "src/side.c", "bob's side", &w.bob);
  on(w, "main", "main");
  change(w, "src/main.c", "alice", &w.alice);
  REQUIRE(start_merge(w, "side") == 0);
  w.repo.write("docs/merge.md", "carol's own docs change\n");
  w.repo.commit("carol's merge", &w.carol);
  on(w, "x", "main");
  change(w, "docs/x.md", "x", &w.carol);
  on(w, "main", "main");
  REQUIRE(start_merge(w, "x") == 0);
  w.repo.write("src/evil.c", "evil\n");
  std::string bad = w.repo.commit("carol's evil merge", &w.carol);
  auto parsed = warden::parse_policy(test::standard_policy(w.alice, w.bob, w.carol), "audit.yml");
  REQUIRE(parsed.policy);
  auto audit = [&](bool bounds, bool ahead) {
    auto r = warden::Repository::open(w.repo.path());
    REQUIRE(r.ok());
    warden::VerifyRequest req;
    req.audit_policy = parsed.policy;
    req.target = *r->resolve_commit("HEAD");
    req.keep_going = true;
    req.merge_bounds = bounds;
    req.parallel_from = ahead ? 1 : SIZE_MAX;
    req.ahead_batch = 2;
    warden::Verifier verifier(*r);
    auto report = verifier.verify(req);
    REQUIRE(report.ok());
    return std::move(*report);
  };
  auto ref = audit(false, false);
  same_reports(ref, audit(true, false));
  same_reports(ref, audit(true, true));
  same_reports(ref, audit(false, true));
  CHECK(verdict_of(ref, bad).path() == "src/evil.c");
  int refused = 0;
  for (const auto& v : ref.verdicts) refused += !v.ok();
  CHECK(refused == 1);
}

TEST_CASE("bound attack: a blob only a content merge reads, missing (as in a blob:none partial clone), is not read on bounds",
          "[verify][merge][bound][fail-closed]") {
  World w;
  w.repo.write("src/lines.c", "a\nb\nc\nd\ne\nf\ng\n");
  w.repo.commit("alice adds lines", &w.alice);
  std::string base_blob = w.repo.git("rev-parse HEAD:src/lines.c");
  on(w, "side", "main");
  change(w, "src/lines.c", "A\nb\nc\nd\ne\nf\ng", &w.bob);
  on(w, "main", "main");
  change(w, "src/lines.c", "a\nb\nc\nd\ne\nf\nG", &w.alice);
  std::string m = w.repo.merge("side", &w.alice, "alice merges: a content merge");
  CHECK(w.repo.git("show " + m + ":src/lines.c") == "A\nb\nc\nd\ne\nf\nG");
  std::string loose = w.repo.path() + "/.git/objects/" + base_blob.substr(0, 2) + "/" + base_blob.substr(2);
  REQUIRE(w.sb.run("test -f " + test::quote(loose)).status == 0);
  w.sb.sh("rm -f " + test::quote(loose));
  auto run = [&](bool bounds) {
    auto repo = warden::Repository::open(w.repo.path());
    REQUIRE(repo.ok());
    warden::VerifyRequest req;
    req.anchor = warden::Anchor{*warden::ObjectId::from_hex(w.anchor), w.alice.fingerprint};
    req.target = *repo->resolve_commit("HEAD");
    req.keep_going = true;
    req.merge_bounds = bounds;
    warden::Verifier verifier(*repo);
    auto report = verifier.verify(req);
    std::string outcome = report ? (report->authenticated ? "authenticated" : "refused: " + warden::refusal_reason(*report))
                                 : "error: " + report.error().message;
    return outcome;
  };
  // Bound off, the content merge reads the blob: an error that names it
  // (fail closed). Bound on, the merge passes on where it differs from its
  // parents and the blob is never read: the verdict does not depend on it
  // (the merge's own changes are among those paths, whatever the content
  // merge would give), as a checkout of the merge does not either.
  std::string off = run(false), on_ = run(true);
  CHECK(off.starts_with("error: missing blob " + base_blob.substr(0, 4)));
  CHECK(on_ == "authenticated");
}
