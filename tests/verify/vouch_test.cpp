// merges.vouch: signed (DESIGN section 2): a merge signed by someone whose
// grants cover everything it brings in vouches for the brought-in commits
// that do not authenticate on their own, as when a project adopts warden
// with topic branches in flight. Off by default; an unsigned merge
// vouches for nothing; never for a bad signature or a revoked key; the
// merge's signer is held to thresholds and revocation.
#include <catch2/catch.hpp>

#include "support/adoption_world.hpp"

using test::Adoption;

TEST_CASE("vouch: a maintainer's signed merge lands a topic forked before the anchor", "[verify][merge][vouch]") {
  Adoption a("  vouch: signed\n");
  std::string m = a.merge(&a.alice);
  auto report = a.verify();
  INFO(warden::refusal_reason(report));
  REQUIRE(report.authenticated);
  int vouched = 0;
  for (const auto& v : report.verdicts) {
    CHECK(v.ok());
    if (v.commit.hex() == a.topic1 || v.commit.hex() == a.topic2) {
      REQUIRE(v.vouched_by);
      CHECK(v.vouched_by->hex() == m);
      ++vouched;
    } else {
      CHECK_FALSE(v.vouched_by);
    }
  }
  CHECK(vouched == 2);
  // Without --keep-going too: the topic's refusal does not end the run
  // before the merge that vouches for it.
  CHECK(a.verify("HEAD", false).authenticated);
  // The topic itself, as its own target, still does not authenticate.
  CHECK_FALSE(a.verify("topic").authenticated);

  SECTION("and a branch built on the vouched commits elsewhere is judged on its own") {
    a.repo.git("checkout -q -b other " + a.topic2);
    a.repo.write("src/other.c", "x\n");
    std::string other = a.repo.commit("alice builds on the topic", &a.alice);
    a.repo.git("checkout -q main");
    a.repo.git("-c user.signingkey=" + test::quote(a.alice.private_path) + " merge -q --no-ff -S -m 'Merge other' other");
    auto again = a.verify();
    CHECK(again.authenticated);  // the new merge vouches for what it brings in (other), as the first did
    CHECK(other != m);
  }
}

TEST_CASE("vouch: off by default, the topic's first commit is refused as before", "[verify][merge][vouch]") {
  Adoption a("");
  a.merge(&a.alice);
  const auto& v = a.refused(a.topic1, "ancestry");
  CHECK(v.reason() == "parent " + a.old.substr(0, 10) + " predates the anchor and carries no trusted policy");
  CHECK_FALSE(v.vouched_by);
  CHECK_FALSE(a.verify().authenticated);
}

TEST_CASE("vouch: an unsigned merge vouches for nothing, even where unsigned merges are allowed",
          "[verify][merge][vouch]") {
  Adoption a("  vouch: signed\n", "", "allow");
  std::string m = a.merge(nullptr);
  const auto& v = a.refused(m, "ancestry");
  CHECK(v.reason() == "parent " + a.topic2.substr(0, 10) + " is not authenticated");
  CHECK_FALSE(a.verify().authenticated);
}

TEST_CASE("vouch: the merge's signer must be allowed every path the merge brings in", "[verify][merge][vouch]") {
  Adoption a("  vouch: signed\n");
  // carol's grant covers docs/ only; the topic changes src/.
  std::string m = a.merge(&a.carol);
  const auto& v = a.refused(m, "merge");
  CHECK(v.reason() == "brings in " + a.topic1.substr(0, 10) +
                          " \"a contributor's unsigned commit\", which does not authenticate on its own, and the "
                          "merge's signer may not vouch for it: carol has no grant covering src/feature.c");
  CHECK(v.path() == "src/feature.c");
}

TEST_CASE("vouch: thresholds hold for the merge's signer", "[verify][merge][vouch][threshold]") {
  Adoption a("  vouch: signed\n");
  // From a new anchor on, src/ needs two maintainers: alice's merge alone
  // may not vouch for the topic's src/feature.c.
  std::string policy = test::standard_policy(a.alice, a.bob, a.carol, "  vouch: signed\n", "deny");
  policy.insert(policy.find("  - paths: [\"docs/\""), "  - paths: [\"src/\"]\n    who: [maintainers]\n    threshold: 2\n");
  a.repo.write(".warden/policy.yml", policy);
  a.anchor = a.repo.commit("two maintainers for src/", &a.alice);
  std::string m = a.merge(&a.alice);
  const auto& v = a.refused(m, "merge");
  CHECK_THAT(v.reason(), Catch::Contains("which does not authenticate on its own, and the merge's signer may not vouch "
                                         "for it: changing src/feature.c needs 2 distinct people"));
}

TEST_CASE("vouch: never for a signature that does not verify, nor a revoked key's commit", "[verify][merge][vouch]") {
  SECTION("a forged signature on a commit that is refused first for its parent") {
    // The topic's own refusal (its parent predates the anchor) comes
    // before its signature is looked at: the forgery must still count.
    Adoption a("  vouch: signed\n");
    a.repo.git("checkout -q topic");
    a.repo.write("docs/forged.md", "x\n");
    std::string forged = a.repo.resign(a.repo.commit("forged on the topic", &a.bob), a.bob, "file");
    a.repo.git("update-ref refs/heads/topic " + forged);
    a.repo.git("checkout -q -f main");
    std::string m = a.merge(&a.alice);
    CHECK(a.refused(forged, "ancestry").reason() == "parent " + a.topic2.substr(0, 10) + " is not authenticated");
    CHECK(a.refused(m, "ancestry").reason() == "parent " + forged.substr(0, 10) + " is not authenticated");
  }
  SECTION("a path git refuses to check out") {
    Adoption a("  vouch: signed\n");
    a.repo.git("checkout -q topic");
    std::string blob = a.repo.git("rev-parse HEAD:src/feature.c");
    std::string tree =
        a.sb.sh("(git ls-tree HEAD; printf '100644 blob %s\\t.GIT\\n' " + blob + ") | git mktree", a.repo.path());
    std::string bad = a.repo.git("commit-tree " + tree + " -p HEAD -m 'a .GIT file'");
    a.repo.git("update-ref refs/heads/topic " + bad);
    a.repo.git("checkout -q -f main");
    // git will not check the path out, so the merge is made without a work tree.
    std::string merged = a.repo.git("merge-tree --write-tree main topic");
    std::string m = a.repo.git("-c user.signingkey=" + test::quote(a.alice.private_path) + " commit-tree -S " + merged +
                               " -p main -p topic -m 'Merge topic'");
    a.repo.git("update-ref refs/heads/main " + m);
    CHECK(a.refused(m, "merge").reason() == "brings in " + bad.substr(0, 10) +
                                               " \"a .GIT file\", which was refused and which a merge may not vouch for");
  }
  SECTION("a commit by a key the policy revokes") {
    Adoption a("  vouch: signed\n");
    a.repo.git("checkout -q topic");
    a.repo.write("src/stolen.c", "x\n");
    std::string stolen = a.repo.commit("by a stolen key", &a.mallory);
    a.repo.git("checkout -q main");
    a.repo.write(".warden/policy.yml",
                 test::standard_policy(a.alice, a.bob, a.carol, "  vouch: signed\n", "deny") + "revoked:\n  - key: \"" +
                     a.mallory.public_line + "\"\n    reason: \"stolen\"\n");
    a.anchor = a.repo.commit("revoke mallory's key", &a.alice);
    std::string m = a.merge(&a.alice);
    auto report = a.verify("HEAD", true);
    INFO(warden::refusal_reason(report));
    CHECK_FALSE(report.authenticated);
    bool stolen_accepted = false;
    for (const auto& v : report.verdicts) stolen_accepted |= v.commit.hex() == stolen && v.ok();
    CHECK_FALSE(stolen_accepted);
    CHECK(m != stolen);
  }
}
