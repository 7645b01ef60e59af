// Merge commits (DESIGN section 3): a merge's own changes are charged to
// its signer under every parent's policy, and everything it brings in must
// be allowed by the first parent's policy.
#include <catch2/catch.hpp>

#include "support/world.hpp"

using test::World;

namespace {

// Starts a merge of `branch` without committing; returns git's status.
int start_merge(World& w, const std::string& branch) {
  return w.repo.git_run("merge -q --no-ff --no-commit " + test::quote(branch)).status;
}

// Branch "feature" with one docs commit by carol; back on main.
void carol_documents_on_feature(World& w) {
  w.repo.git("checkout -q -b feature");
  w.repo.write("docs/feature.md", "feature\n");
  w.repo.commit("carol documents", &w.carol);
  w.repo.git("checkout -q main");
}

std::string finish_merge(World& w, const test::Key* signer, const std::string& message = "Merge") {
  return w.repo.commit(message, signer);
}

}  // namespace

TEST_CASE("a signed clean merge is accepted", "[verify][merge]") {
  World w;
  carol_documents_on_feature(w);
  w.repo.write("src/main.c", "main moves on\n");
  w.repo.commit("alice on main", &w.alice);
  w.repo.merge("feature", &w.bob, "bob merges feature");
  w.accepted();
}

TEST_CASE("a signed merge whose signer lacks the grant under the second parent's policy is refused",
          "[verify][merge]") {
  World w;
  w.repo.git("checkout -q -b feature");
  // On feature, alice limits bob to docs/.
  std::string limited = test::PolicyText()
                            .person("alice", {&w.alice})
                            .person("bob", {&w.bob})
                            .person("carol", {&w.carol})
                            .section(R"(grants:
  - paths: ["/"]
    who: [alice]
  - paths: ["docs/"]
    who: [bob, carol]
unprotected: ["drafts/"]
policy:
  who: [alice, bob]
merges:
  unsigned: allow
)")
                            .str();
  w.repo.write(".warden/policy.yml", limited);
  std::string feature_tip = w.repo.commit("alice limits bob on feature", &w.alice);
  w.repo.git("checkout -q main");
  REQUIRE(start_merge(w, "feature") == 0);
  w.repo.write("src/extra.c", "bob's own change in the merge\n");
  std::string merge = finish_merge(w, &w.bob, "bob merges with a change to src/");
  const auto& v = w.refused(merge, "grant");
  CHECK(v.signer == "bob");
  CHECK(v.path() == "src/extra.c");
  CHECK(v.reason() == "own change of the merge: bob has no grant covering src/extra.c");
  CHECK(v.policy_commit->hex() == feature_tip);
}

TEST_CASE("an evil merge's extra change is charged to the merge", "[verify][merge]") {
  World w;
  carol_documents_on_feature(w);
  REQUIRE(start_merge(w, "feature") == 0);
  w.repo.write("src/main.c", "slipped in during the merge\n");
  SECTION("signed by someone without the grant") {
    std::string merge = finish_merge(w, &w.carol, "carol's evil merge");
    const auto& v = w.refused(merge, "grant");
    CHECK(v.path() == "src/main.c");
    CHECK(v.reason() == "own change of the merge: carol has no grant covering src/main.c");
  }
  SECTION("unsigned") {
    std::string merge = finish_merge(w, nullptr, "unsigned evil merge");
    const auto& v = w.refused(merge, "merge");
    CHECK(v.signer == "unsigned");
    CHECK(v.path() == "src/main.c");
    CHECK(v.reason() == "an unsigned merge may only merge cleanly: unsigned change to a protected path");
  }
  SECTION("signed by a maintainer, who may make the change") {
    finish_merge(w, &w.alice, "alice merges and fixes");
    w.accepted();
  }
}

TEST_CASE("a conflict resolution is charged to the merge's signer", "[verify][merge]") {
  World w;
  w.repo.git("checkout -q -b feature");
  w.repo.write("src/main.c", "feature version\n");
  w.repo.commit("bob on feature", &w.bob);
  w.repo.git("checkout -q main");
  w.repo.write("src/main.c", "main version\n");
  w.repo.commit("alice on main", &w.alice);
  REQUIRE(start_merge(w, "feature") != 0);  // conflict
  w.repo.write("src/main.c", "resolved\n");
  SECTION("by someone without the grant") {
    std::string merge = finish_merge(w, &w.carol, "carol resolves");
    const auto& v = w.refused(merge, "grant");
    CHECK(v.path() == "src/main.c");
  }
  SECTION("unsigned, even if the resolution equals one side") {
    w.repo.write("src/main.c", "main version\n");
    std::string merge = finish_merge(w, nullptr, "unsigned resolution");
    CHECK(w.refused(merge, "merge").path() == "src/main.c");
  }
  SECTION("by a maintainer") {
    finish_merge(w, &w.alice, "alice resolves");
    w.accepted();
  }
}

TEST_CASE("unsigned clean merges follow merges.unsigned", "[verify][merge]") {
  SECTION("allowed") {
    World w("", "allow");
    carol_documents_on_feature(w);
    w.repo.write("src/main.c", "main\n");
    w.repo.commit("alice on main", &w.alice);
    w.repo.merge("feature", nullptr, "merge button");
    w.accepted();
  }
  SECTION("denied") {
    World w("", "deny");
    carol_documents_on_feature(w);
    std::string merge = w.repo.merge("feature", nullptr, "merge button");
    const auto& v = w.refused(merge, "merge");
    CHECK(v.reason() == "unsigned merge, and the policy does not allow unsigned merges (merges.unsigned)");
  }
}

TEST_CASE("a person removed on main cannot land old-branch work through a merge", "[verify][merge]") {
  World w;
  w.repo.git("checkout -q -b old");
  w.repo.write("src/bob.c", "bob's old work\n");
  std::string old_commit = w.repo.commit("bob's old work", &w.bob);
  w.repo.git("checkout -q main");
  w.repo.write(".warden/policy.yml",
               test::PolicyText()
                   .person("alice", {&w.alice})
                   .person("carol", {&w.carol})
                   .section("grants:\n  - paths: [\"/\"]\n    who: [alice]\n  - paths: [\"docs/\"]\n    who: [carol]\n"
                            "policy:\n  who: [alice]\nmerges:\n  unsigned: allow\n")
                   .str());
  std::string removal = w.repo.commit("alice removes bob", &w.alice);
  SECTION("by an unsigned merge: refused") {
    std::string merge = w.repo.merge("old", nullptr, "merge button lands bob's branch");
    const auto& v = w.refused(merge, "merge");
    CHECK(v.path() == "src/bob.c");
    CHECK(v.reason().find("brings in " + old_commit.substr(0, 10) + " \"bob's old work\"") == 0);
    CHECK(v.reason().find("which the policy of " + removal.substr(0, 10) + " does not allow") != std::string::npos);
  }
  SECTION("by a signed merge from someone whose grant does not cover it: refused") {
    std::string merge = w.repo.merge("old", &w.carol, "carol lands bob's branch");
    CHECK(w.refused(merge, "merge").path() == "src/bob.c");
  }
  SECTION("by a signed merge from an authorized person: accepted") {
    w.repo.merge("old", &w.alice, "alice lands bob's branch");
    w.accepted();
  }
}

TEST_CASE("octopus merges are charged with every change against every parent", "[verify][merge]") {
  World w;
  for (const char* b : {"one", "two"}) {
    w.repo.git(std::string("checkout -q -b ") + b + " main");
    w.repo.write(std::string("src/") + b + ".c", b);
    w.repo.commit(std::string("bob on ") + b, &w.bob);
  }
  w.repo.git("checkout -q main");
  SECTION("signed by a maintainer") {
    w.repo.git("-c user.signingkey=" + test::quote(w.alice.private_path) + " merge -q --no-ff -S -m octopus one two");
    REQUIRE(w.repo.git("rev-list --parents -n1 HEAD").size() > 3 * 40);
    w.accepted();
  }
  SECTION("unsigned") {
    w.repo.git("merge -q --no-ff -m octopus one two");
    std::string merge = w.repo.git("rev-parse HEAD");
    CHECK(w.refused(merge, "merge").path() == "src/one.c");
  }
}

TEST_CASE("an unrelated root merged in is refused", "[verify][merge]") {
  World w;
  w.repo.git("checkout -q --orphan stray");
  w.repo.git("rm -q -r -f .");
  w.repo.write("stray.txt", "unrelated\n");
  std::string root = w.repo.commit("unrelated root", &w.alice);
  w.repo.git("checkout -q main");
  w.repo.git("-c user.signingkey=" + test::quote(w.alice.private_path) +
             " merge -q --no-ff -S --allow-unrelated-histories -m 'merge unrelated' stray");
  std::string merge = w.repo.git("rev-parse HEAD");
  auto report = w.verify("HEAD", true);
  CHECK_FALSE(report.authenticated);
  REQUIRE(report.verdicts.size() == 2);
  CHECK(report.verdicts[0].commit.hex() == root);
  CHECK(report.verdicts[0].rule_name() == "ancestry");
  CHECK(report.verdicts[0].reason() == "root commit that does not descend from the anchor (unrelated history)");
  CHECK(report.verdicts[1].commit.hex() == merge);
  CHECK(report.verdicts[1].reason() == "parent " + root.substr(0, 10) + " is not authenticated");
}

TEST_CASE("facts prepared ahead in small batches, and forgotten behind, give the same verdicts over every kind of merge",
          "[verify][merge][parallel]") {
  World w;
  auto on = [&](const std::string& branch, const std::string& from) { w.repo.git("checkout -q -B " + branch + " " + from); };
  auto change = [&](const std::string& file, const std::string& text, const test::Key* who) {
    w.repo.write(file, text + "\n");
    return w.repo.commit(text, who);
  };
  std::string old_fork = change("src/a.c", "a1", &w.alice);
  for (int i = 0; i < 6; ++i) change("src/main.c", "main " + std::to_string(i), &w.alice);
  // A side branch forked long before, merged cleanly.
  on("old", old_fork);
  change("docs/old.md", "old docs", &w.carol);
  on("main", "main");
  w.repo.merge("old", &w.bob, "merge a branch forked long ago");
  // A conflict, resolved by the merger.
  on("conflict", "main~1");
  change("src/main.c", "their main", &w.bob);
  on("main", "main");
  change("src/main.c", "our main", &w.alice);
  w.repo.git_run("merge -q --no-ff --no-commit conflict");
  w.repo.write("src/main.c", "resolved\n");
  w.repo.commit("merge with a conflict", &w.alice);
  // A criss-cross: two branches merging each other, then into main.
  on("x", "main");
  on("y", "main");
  change("docs/x.md", "x", &w.carol);
  on("x", "x");
  change("pkgs/foo/x", "x pkg", &w.carol);
  w.repo.merge("y", &w.bob, "x takes y");
  on("y", "y");
  w.repo.merge("x~1", &w.bob, "y takes x");
  on("main", "main");
  w.repo.merge("x", &w.bob, "main takes x");
  w.repo.merge("y", &w.alice, "main takes y (criss-cross)");
  // An octopus.
  on("o1", "main");
  change("docs/o1.md", "o1", &w.carol);
  on("o2", "main");
  change("docs/o2.md", "o2", &w.carol);
  on("main", "main");
  w.repo.git("-c user.signingkey=" + test::quote(w.alice.private_path) + " merge -q --no-ff -S -m octopus o1 o2");
  // Refusals, each on its own account (neither descends from the other):
  // an unsigned merge bringing in carol's change to src/, and a merge with
  // an own change its signer may not make; then one tip over both.
  on("bad", "main");
  change("src/carol.c", "carol in src", &w.carol);
  on("bad-merge", "main");
  w.repo.merge("bad", nullptr, "unsigned merge of bad work");
  on("good", "main");
  change("docs/good.md", "good", &w.carol);
  on("main", "main");
  w.repo.git_run("merge -q --no-ff --no-commit good");
  w.repo.write("src/sneaky.c", "own change\n");
  w.repo.commit("carol's merge with an own change in src", &w.carol);
  w.repo.merge("bad-merge", &w.alice, "tip over both");
  for (int i = 0; i < 5; ++i) change("docs/after" + std::to_string(i), "after " + std::to_string(i), &w.bob);

  auto one_by_one = w.repo.verify_tuned(w.anchor, w.alice, "HEAD", [](warden::VerifyRequest& r) { r.parallel_from = SIZE_MAX; });
  auto ahead = w.repo.verify_tuned(w.anchor, w.alice, "HEAD", [](warden::VerifyRequest& r) {
    r.parallel_from = 1;
    r.ahead_batch = 3;
    r.keep_behind = 2;
  });
  // The packs let go of and reopened after every batch: merges computed
  // before and after (conflicts included) give the same verdicts.
  auto reopening = w.repo.verify_tuned(w.anchor, w.alice, "HEAD", [](warden::VerifyRequest& r) {
    r.parallel_from = 1;
    r.ahead_batch = 3;
    r.reopen_every = 1;
  });
  // Every merge's own changes computed, none judged on its bound first
  // (VerifyRequest::merge_bounds): one by one and ahead.
  auto exact = w.repo.verify_tuned(w.anchor, w.alice, "HEAD", [](warden::VerifyRequest& r) {
    r.parallel_from = SIZE_MAX;
    r.merge_bounds = false;
  });
  auto exact_ahead = w.repo.verify_tuned(w.anchor, w.alice, "HEAD", [](warden::VerifyRequest& r) {
    r.parallel_from = 1;
    r.ahead_batch = 3;
    r.merge_bounds = false;
  });
  REQUIRE(one_by_one.verdicts.size() >= 30);
  test::check_same_verdicts(one_by_one, exact);
  test::check_same_verdicts(one_by_one, exact_ahead);
  test::check_same_verdicts(one_by_one, reopening);
  int refused = test::check_same_verdicts(one_by_one, ahead);
  int merges_refused = 0;
  for (const auto& v : one_by_one.verdicts) merges_refused += !v.ok() && !v.inherited && v.summary.starts_with("carol's merge");
  // Refusals are there to be compared: carol's commit to src/, and her
  // merge with an own change there.
  CHECK(refused >= 2);
  CHECK(merges_refused == 1);
}

TEST_CASE("a path both sides renamed away is not the merge's own change, what the merge makes of the renames is",
          "[verify][merge]") {
  // alice adds src/guide.txt; one branch renames it to docs/one.md, the
  // other to docs/two.md: a rename/rename conflict, which libgit2 reports
  // on all three paths. carol (docs/ only) merges. src/guide.txt is gone
  // from both parents and from the merge: she changed nothing there.
  World w;
  std::string text;
  for (int i = 0; i < 20; ++i) text += "line " + std::to_string(i) + " of the guide\n";
  w.repo.write("src/guide.txt", text);
  w.repo.commit("alice adds a guide", &w.alice);
  w.repo.git("checkout -q -b two");
  w.repo.git("mv src/guide.txt docs/two.md");
  w.repo.commit("alice moves the guide to docs/two.md", &w.alice);
  w.repo.git("checkout -q main");
  w.repo.git("mv src/guide.txt docs/one.md");
  w.repo.commit("alice moves the guide to docs/one.md", &w.alice);
  REQUIRE(start_merge(w, "two") != 0);  // rename/rename
  w.repo.write("docs/one.md", text);
  w.repo.write("docs/two.md", text);
  for (bool bounds : {true, false}) {
    INFO("merge bounds " << bounds);
    auto verify = [&] {
      return w.repo.verify_tuned(w.anchor, w.alice, "HEAD", [&](warden::VerifyRequest& r) { r.merge_bounds = bounds; });
    };
    SECTION(std::string("both names kept ") + (bounds ? "on bounds" : "on own changes")) {
      std::string merge = finish_merge(w, &w.carol, "carol keeps both names");
      auto report = verify();
      const warden::Verdict* v = test::first_refusal(report);
      INFO((v ? std::string(v->rule_name()) + ": " + v->reason() : ""));
      CHECK(report.authenticated);
      CHECK(report.verdicts.back().commit.hex() == merge);
    }
    SECTION(std::string("the old name brought back ") + (bounds ? "on bounds" : "on own changes")) {
      w.repo.write("src/guide.txt", text);
      std::string merge = finish_merge(w, &w.carol, "carol brings src/guide.txt back");
      auto report = verify();
      const warden::Verdict* v = test::first_refusal(report);
      REQUIRE(v != nullptr);
      CHECK(v->commit.hex() == merge);
      CHECK(v->rule_name() == "grant");
      CHECK(v->reason() == "own change of the merge: carol has no grant covering src/guide.txt");
    }
  }
}
