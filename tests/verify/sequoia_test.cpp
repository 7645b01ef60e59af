// sequoia-git mode (verify --sequoia): each verdict against sq-git 0.6's
// rules (its book, NEWS and source: src/verify.rs, src/policy.rs), on
// repositories made with real gpg keys and real `git commit -S`.
#include <catch2/catch.hpp>

#include "support/sequoia_world.hpp"

using namespace test;

TEST_CASE("sequoia: a user with sign_commit is authorized, a key no user of the parent's policy holds is not",
          "[sequoia]") {
  SequoiaWorld w;
  w.change("src/a.c", w.alice);
  std::string b = w.change("src/b.c", w.bob);
  w.accepted();
  auto report = w.verify();
  REQUIRE(report.verdicts.size() == 2);
  CHECK(report.verdicts[1].signer == "Bob <bob@example.org>");
  CHECK(report.verdicts[1].key_fingerprint == w.bob.fingerprint);
  REQUIRE(report.verdicts[1].parent_results.size() == 1);
  CHECK(report.verdicts[1].parent_results[0].ok);

  const auto& mallory = w.gpg.key("mallory");
  std::string m = w.change("src/evil.c", mallory);
  auto v = w.refused(m, "capability");
  CHECK(v.reason() == "commit " + m + " is signed by key " + w.fpr(mallory) +
                          ", which no user of the policy of parent " + b.substr(0, 10) + " holds");
}

TEST_CASE("sequoia: unsigned commits and signatures that are not OpenPGP are refused", "[sequoia]") {
  SequoiaWorld w;
  w.repo.write("x", "x\n");
  std::string c = w.repo.commit("unsigned", nullptr);
  auto v = w.refused(c, "unsigned");
  CHECK(v.reason() == "commit " + c + " is not signed");
}

TEST_CASE("sequoia: a user added by an add_user holder counts, one added by someone without add_user does not",
          "[sequoia]") {
  SequoiaWorld w;
  const auto& carol = w.gpg.key("carol");
  w.users["Carol <carol@example.org>"] = {"Carol <carol@example.org>", {"sign_commit"}, {w.gpg.cert(carol)}};
  SECTION("by alice (add_user)") {
    w.policy_commit("Add Carol", w.alice);
    w.change("src/c.c", carol);
    w.accepted();
  }
  SECTION("by bob (sign_commit only)") {
    std::string c = w.policy_commit("Add Carol", w.bob);
    auto v = w.refused(c, "capability");
    CHECK(v.reason() == "commit " + c + " adds user \"Carol <carol@example.org>\", which needs add_user; \"Bob "
                                        "<bob@example.org>\" lacks it in the policy of parent " + w.root.substr(0, 10));
  }
  SECTION("by carol herself: a certificate new in the child does not sign for it") {
    std::string c = w.policy_commit("Add myself", carol);
    auto v = w.refused(c, "capability");
    CHECK_THAT(v.reason(), Catch::Contains("which no user of the policy of parent"));
  }
}

TEST_CASE("sequoia: a capability may be given only by someone who holds it", "[sequoia]") {
  SequoiaWorld w;
  const auto& dana = w.gpg.key("dana");
  w.users["Dana"] = {"Dana", {"sign_commit", "add_user"}, {w.gpg.cert(dana)}};
  w.policy_commit("Dana may add users", w.alice);
  w.accepted();
  SECTION("sign_commit, which dana holds") {
    w.users["Bob <bob@example.org>"].caps.insert("add_user");
    w.policy_commit("Bob may add users", dana);
    w.accepted();
  }
  SECTION("audit, which dana lacks") {
    w.users["Bob <bob@example.org>"].caps.insert("audit");
    std::string c = w.policy_commit("Bob may audit", dana);
    auto v = w.refused(c, "capability");
    CHECK(v.reason() == "commit " + c + " gives \"Bob <bob@example.org>\" audit, which needs audit; \"Dana\" lacks it in "
                                        "the policy of parent " + w.repo.git("rev-parse --short=10 HEAD~1"));
  }
}

TEST_CASE("sequoia: a retired user signs no more, and retiring needs retire_user", "[sequoia]") {
  SequoiaWorld w;
  SECTION("alice retires bob") {
    w.users.erase("Bob <bob@example.org>");
    std::string r = w.policy_commit("Retire Bob", w.alice);
    w.accepted();
    std::string c = w.change("src/late.c", w.bob);
    auto v = w.refused(c, "capability");
    CHECK_THAT(v.reason(), Catch::Contains("which no user of the policy of parent " + r.substr(0, 10) + " holds"));
  }
  SECTION("bob cannot retire alice") {
    w.users.erase("Alice <alice@example.org>");
    std::string c = w.policy_commit("Retire Alice", w.bob);
    auto v = w.refused(c, "capability");
    CHECK_THAT(v.reason(), Catch::Contains("which needs retire_user"));
  }
  SECTION("bob cannot take away a right he lacks or give up the one he has without retire_user") {
    w.users["Bob <bob@example.org>"].caps.erase("sign_commit");
    std::string c = w.policy_commit("Bob steps back", w.bob);
    auto v = w.refused(c, "capability");
    CHECK_THAT(v.reason(), Catch::Contains("takes sign_commit from \"Bob <bob@example.org>\", which needs retire_user"));
  }
}

TEST_CASE("sequoia: a hard revocation voids the key's signatures, earlier ones too, until a goodlist by an auditor "
          "counts them",
          "[sequoia]") {
  SequoiaWorld w;
  std::string old_keyring = w.gpg.snapshot();
  std::string early = w.change("src/early.c", w.bob);
  w.accepted();
  w.gpg.revoke(w.bob);  // no reason: hard
  w.users["Bob <bob@example.org>"].keyring = {w.gpg.cert(w.bob)};
  std::string revoked = w.policy_commit("Bob's key was compromised", w.alice);
  // The revocation, found in a later policy, voids bob's earlier commit.
  auto v = w.refused(early, "signature");
  CHECK_THAT(v.reason(), Catch::Contains("key " + w.fpr(w.bob) + " is hard-revoked in the policy of commit " +
                                         revoked.substr(0, 10)));
  // Up to the early commit, no policy of the range has the revocation.
  CHECK(w.verify(early).authenticated);
  SECTION("alice (audit) goodlists it") {
    w.goodlist = {early};
    w.policy_commit("Goodlist Bob's good commit", w.alice);
    w.accepted();
    auto report = w.verify();
    CHECK(report.verdicts[0].commit.hex() == early);
    CHECK(report.verdicts[0].ok());
    REQUIRE_FALSE(report.verdicts[0].warnings.empty());
    CHECK_THAT(report.verdicts[0].warnings.front(), Catch::Contains("goodlists it"));
    // A commit by the revoked key after the goodlist is refused; with it as
    // the target, the goodlist is on no authenticated path to it, and the
    // early commit is refused again (as sq-git walks from the target).
    std::string late = w.change("src/late.c", w.bob, w.gpg.program("", old_keyring));
    auto late_report = w.verify("HEAD", "", "", true);
    CHECK_FALSE(late_report.authenticated);
    REQUIRE(late_report.verdicts.back().commit.hex() == late);
    CHECK_FALSE(late_report.verdicts.back().inherited);
    CHECK_THAT(late_report.verdicts.back().reason(), Catch::Contains("is revoked"));
  }
  SECTION("bob (no audit) cannot goodlist it") {
    const auto& carol = w.gpg.key("carol");
    w.users["Carol"] = {"Carol", {"sign_commit"}, {w.gpg.cert(carol)}};
    w.policy_commit("Add Carol", w.alice);
    w.goodlist = {early};
    w.policy_commit("Goodlist", carol);
    // The goodlist is on no authenticated path (carol may not write it):
    // the revoked commit stays the first refusal.
    w.refused(early, "signature");
  }
}

TEST_CASE("sequoia: a goodlist entry needs audit, judged on its own", "[sequoia]") {
  SequoiaWorld w;
  std::string a = w.change("src/a.c", w.alice);
  w.goodlist = {a};
  std::string c = w.policy_commit("Goodlist a", w.bob);
  auto v = w.refused(c, "capability");
  CHECK(v.reason() == "commit " + c + " goodlists commit " + a + ", which needs audit; \"Bob <bob@example.org>\" lacks "
                                      "it in the policy of parent " + a.substr(0, 10));
}

TEST_CASE("sequoia: a soft revocation voids only what the key signed after it", "[sequoia]") {
  SequoiaWorld w;
  const auto& sue = w.gpg.key("sue", "ed25519", false, "20250101T000000");
  w.users["Sue"] = {"Sue", {"sign_commit"}, {w.gpg.cert(sue)}};
  w.policy_commit("Add Sue", w.alice);
  std::string old_keyring = w.gpg.snapshot();
  w.gpg.revoke_superseded(sue, 1780272000);  // 2026-06-01 00:00:00 UTC
  w.users["Sue"].keyring = {w.gpg.cert(sue)};
  w.policy_commit("Sue's key is superseded", w.alice);
  w.change("src/early.c", sue, w.gpg.program("--faked-system-time 20260301T000000", old_keyring));
  w.accepted();
  std::string late = w.change("src/late.c", sue, w.gpg.program("", old_keyring));
  auto v = w.refused(late, "signature");
  CHECK_THAT(v.reason(), Catch::Contains("was revoked (replaced by a new key) on 2026-06-01"));
}

TEST_CASE("sequoia: a merge must be signed, and one authenticated parent vouches for what it brings", "[sequoia]") {
  SequoiaWorld w;
  w.repo.git("checkout -q -b topic");
  w.repo.write("topic.c", "unsigned work\n");
  std::string unsigned_work = w.repo.commit("unsigned work", nullptr);
  w.repo.git("checkout -q -");
  w.change("src/main.c", w.alice);
  SECTION("a signed merge") {
    std::string m = w.gpg.merge(w.repo, "topic", w.alice);
    auto report = w.verify();
    CHECK(report.authenticated);
    REQUIRE(report.verdicts.back().commit.hex() == m);
    REQUIRE(report.verdicts.back().parent_results.size() == 2);
    CHECK(report.verdicts.back().parent_results[0].ok);
    CHECK_FALSE(report.verdicts.back().parent_results[1].ok);
    // The unsigned commit is reported, and the run says the target
    // authenticates through another path.
    bool seen = false;
    for (const auto& v : report.verdicts) seen |= v.commit.hex() == unsigned_work && !v.ok();
    CHECK(seen);
    REQUIRE_FALSE(report.warnings.empty());
    CHECK_THAT(report.warnings.front(), Catch::Contains("through another path"));
  }
  SECTION("an unsigned merge") {
    w.repo.git("merge -q --no-ff --no-gpg-sign -m merge topic");
    std::string m = w.repo.git("rev-parse HEAD");
    auto report = w.verify("HEAD", "", "", true);
    CHECK_FALSE(report.authenticated);
    bool refused = false;
    for (const auto& v : report.verdicts) refused |= v.commit.hex() == m && !v.ok();
    CHECK(refused);
  }
}

TEST_CASE("sequoia: a certificate update in the child (a new expiry) counts, its copy in the parent alone does not",
          "[sequoia]") {
  SequoiaWorld w;
  const auto& eve = w.gpg.key("eve", "ed25519", false, "20250101T000000");
  w.gpg.set_expiry(eve, "20260101T000000", "2026-06-01");
  w.users["Eve"] = {"Eve", {"sign_commit"}, {w.gpg.cert(eve)}};
  w.policy_commit("Add Eve", w.alice);
  w.gpg.set_expiry(eve, "20261101T000000", "2027-12-01");
  SECTION("the commit carries the extended certificate (beside the old copy: gpg drops the old self-signature, "
          "which only retire_user may remove)") {
    w.users["Eve"].keyring.push_back(w.gpg.cert(eve));
    w.policy_commit("Eve extends her key", eve);
    w.accepted();
  }
  SECTION("it does not") {
    std::string c = w.change("src/e.c", eve);
    auto v = w.refused(c, "signature");
    CHECK_THAT(v.reason(), Catch::Contains("expired on 2026-06-01"));
  }
}

TEST_CASE("sequoia: a child that drops a revocation from a certificate needs retire_user", "[sequoia]") {
  SequoiaWorld w;
  const auto& sue = w.gpg.key("sue", "ed25519", false, "20250101T000000");
  std::string unrevoked = w.gpg.cert(sue);
  w.gpg.revoke_superseded(sue, 1780272000);
  w.users["Sue"] = {"Sue", {"sign_commit"}, {w.gpg.cert(sue)}};
  w.policy_commit("Add Sue, superseded", w.alice);
  w.users["Sue"].keyring = {unrevoked};
  std::string c = w.policy_commit("Drop the revocation", w.bob);
  auto v = w.refused(c, "capability");
  CHECK_THAT(v.reason(), Catch::Contains("removes self-signatures from certificate " + sue.fingerprint +
                                         " (key revocation of key " + sue.fingerprint + ")"));
  CHECK_THAT(v.reason(), Catch::Contains("which needs retire_user"));
}

TEST_CASE("sequoia: the trust root, ranges and the policy file", "[sequoia]") {
  SequoiaWorld w;
  std::string a = w.change("src/a.c", w.alice);
  std::string b = w.change("src/b.c", w.bob);
  SECTION("a target that does not descend from the trust root") {
    w.repo.git("checkout -q --orphan other");
    w.repo.write("o", "o\n");
    std::string o = w.gpg.commit(w.repo, "other root", w.alice);
    auto report = w.verify(o);
    CHECK_FALSE(report.authenticated);
    REQUIRE(report.refusal);
    CHECK(report.refusal->reason == "the trust root " + w.root + " is not an ancestor of " + o);
  }
  SECTION("A..B: the path goes through A") {
    CHECK(w.verify(b, "", a).authenticated);
    w.repo.git("checkout -q -b side " + w.root);
    std::string s = w.change("src/s.c", w.alice);
    auto report = w.verify(b, "", s);
    CHECK_FALSE(report.authenticated);
    REQUIRE(report.refusal);
    CHECK_THAT(report.refusal->reason, Catch::Contains("is not an ancestor of"));
  }
  SECTION("A..B where A is not authenticated but B is, through a signed merge") {
    w.repo.git("checkout -q -b side " + w.root);
    std::string x = w.change("src/x.c", w.gpg.key("mallory"));
    w.repo.git("checkout -q -");
    std::string m = w.gpg.merge(w.repo, "side", w.alice);
    CHECK(w.verify(m).authenticated);
    auto report = w.verify(m, "", x);
    CHECK_FALSE(report.authenticated);
    REQUIRE(report.refusal);
    CHECK(report.refusal->reason == "no authenticated path from the trust root " + w.root.substr(0, 10) + " to " +
                                        m.substr(0, 10) + " goes through " + x.substr(0, 10) +
                                        ": it is not authenticated itself");
    REQUIRE(report.verdicts.size() == 1);
    CHECK(report.verdicts[0].commit.hex() == x);
  }
  SECTION("an unreadable policy refuses what it judges") {
    w.repo.write("openpgp-policy.toml", "version = 0\n[authorization.\"x\"\nsign_commit = true\n");
    std::string c = w.gpg.commit(w.repo, "break the policy", w.alice);
    auto v = w.refused(c, "policy-file");
    CHECK_THAT(v.reason(), Catch::Contains("openpgp-policy.toml of commit " + c + ": line 2"));
  }
  SECTION("no policy: nobody is authorized") {
    w.repo.git("rm -q openpgp-policy.toml");
    SECTION("removed by someone without retire_user") {
      std::string c = w.gpg.commit(w.repo, "remove the policy", w.bob);
      auto v = w.refused(c, "capability");
      CHECK_THAT(v.reason(), Catch::Contains("which needs retire_user"));
    }
    SECTION("removed by alice: then nobody signs") {
      std::string c = w.gpg.commit(w.repo, "remove the policy", w.alice);
      w.accepted();
      std::string after = w.change("src/after.c", w.alice);
      auto v = w.refused(after, "capability");
      CHECK_THAT(v.reason(), Catch::Contains("which no user of the policy of parent " + c.substr(0, 10) + " holds"));
    }
  }
}

TEST_CASE("sequoia: a copy of a certificate that drops one of its self-signatures needs retire_user", "[sequoia]") {
  // gpg replaces a key's self-signature when it sets a new expiry: the
  // new export lacks the old one, which sq-git counts as a removed packet.
  SequoiaWorld w;
  const auto& ray = w.gpg.key("ray", "ed25519", false, "20250101T000000");
  std::string before = w.gpg.cert(ray);
  w.users["Ray"] = {"Ray", {"sign_commit"}, {before}};
  w.policy_commit("Add Ray", w.alice);
  w.gpg.set_expiry(ray, "20260101T000000", "2030-01-01");
  std::string after = w.gpg.cert(ray);
  SECTION("ray replaces his copy") {
    w.users["Ray"].keyring = {after};
    std::string c = w.policy_commit("Ray's new expiry", ray);
    auto v = w.refused(c, "capability");
    CHECK_THAT(v.reason(), Catch::Contains("removes self-signatures from certificate " + ray.fingerprint));
    CHECK_THAT(v.reason(), Catch::Contains("which needs retire_user"));
  }
  SECTION("ray adds the new copy beside the old one") {
    w.users["Ray"].keyring = {before, after};
    w.policy_commit("Ray's new expiry", ray);
    w.accepted();
  }
  SECTION("alice replaces it") {
    w.users["Ray"].keyring = {after};
    w.policy_commit("Ray's new expiry", w.alice);
    w.accepted();
  }
}
