// The server's push decisions in process (PushChecker), one rule each:
// what the pre-receive hook decides before any transport is involved. The
// end-to-end tests (server_push_test.cpp) show the same verdicts reaching
// a pusher over file, git daemon and smart HTTP.
#include <catch2/catch.hpp>

#include "support/server_world.hpp"
#include "support/world.hpp"
#include "warden/push_check.hpp"

using namespace test;

namespace {

// The repository plays the server before the push: main (the policy
// branch) stays where it is; the pushed work is on the branch "work".
struct PushWorld : World {
  PushWorld() : World(kServerRefRules) { repo.git("checkout -q -b work"); }

  std::string id(const std::string& rev) { return repo.git("rev-parse " + rev); }

  // The decision for one update "old new ref" (ids as hex, "" for zero).
  warden::RefDecision decide(const std::string& old_hex, const std::string& new_hex, const std::string& ref) {
    auto r = warden::Repository::open(repo.path());
    REQUIRE(r);
    warden::Anchor a{*r->resolve_commit(anchor), alice.fingerprint};
    warden::PushChecker checker(*r, a, {});
    auto to_id = [](const std::string& hex) {
      return hex.empty() ? warden::ObjectId() : *warden::ObjectId::from_hex(hex);
    };
    auto decisions = checker.check({warden::RefUpdate{to_id(old_hex), to_id(new_hex), ref}});
    REQUIRE(decisions);
    REQUIRE(decisions->size() == 1);
    INFO((*decisions)[0].message);
    return (*decisions)[0];
  }
};

void refused(const warden::RefDecision& d, const std::string& message) {
  INFO(d.message);
  CHECK_FALSE(d.ok);
  CHECK_THAT(d.message, Catch::Contains(message));
}

}  // namespace

TEST_CASE("push decisions: a signed, granted update of main is accepted", "[push]") {
  PushWorld w;
  std::string old = w.id("main");
  w.repo.write("docs/a.md", "a\n");
  w.repo.commit("carol documents", &w.carol);
  auto d = w.decide(old, w.id("work"), "refs/heads/main");
  CHECK(d.ok);
  CHECK(d.message == "1 new commit authenticated");
}

TEST_CASE("push decisions: each ref rule refuses what it forbids, and says which", "[push]") {
  PushWorld w;
  std::string anchor = w.id("main");
  w.repo.write("src/a.c", "a\n");
  std::string next = w.repo.commit("alice codes", &w.alice);

  SECTION("refs/warden/ is never pushed") {
    refused(w.decide("", next, "refs/warden/accepted/" + next), "refs/warden/ holds warden's own trust state");
  }
  SECTION("the policy branch is not rewound") {
    refused(w.decide(next, anchor, "refs/heads/main"), "non-fast-forward update refused");
  }
  SECTION("the policy branch is not deleted") {
    refused(w.decide(next, "", "refs/heads/main"), "deleting the policy branch is refused");
  }
  SECTION("a ref no rule covers, outside branches and tags") {
    refused(w.decide("", next, "refs/other/x"), "no ref rule covers this ref");
  }
  SECTION("a lightweight tag under signed-by") {
    w.repo.git("tag v1.0");
    refused(w.decide("", next, "refs/tags/v1.0"), "needs an annotated tag signed by maintainers; this is a lightweight tag");
  }
  SECTION("a tag signed by someone outside signed-by") {
    w.repo.git("-c user.signingkey=" + quote(w.carol.private_path) + " tag -s v1.0 -m r");
    refused(w.decide("", w.id("refs/tags/v1.0"), "refs/tags/v1.0"),
            "the tag is signed by carol, not by maintainers (rule 'refs/tags/v*')");
  }
  SECTION("a tag signed by a maintainer is accepted, and then immutable") {
    w.repo.git("-c user.signingkey=" + quote(w.bob.private_path) + " tag -s v1.0 -m r");
    std::string tag = w.id("refs/tags/v1.0");
    auto d = w.decide("", tag, "refs/tags/v1.0");
    CHECK(d.ok);
    CHECK_THAT(d.message, Catch::Contains("tag signed by bob"));
    refused(w.decide(tag, next, "refs/tags/v1.0"), "refs/tags/v1.0 is immutable and cannot be moved");
    refused(w.decide(tag, "", "refs/tags/v1.0"), "refs/tags/v1.0 is immutable");
  }
  SECTION("a maintainer's signed v1.0 re-published by anyone as v2.0 (attack: an old release under a new name)") {
    w.repo.git("-c user.signingkey=" + quote(w.bob.private_path) + " tag -s v1.0 -m r");
    std::string tag = w.id("refs/tags/v1.0");
    refused(w.decide("", tag, "refs/tags/v2.0"),
            "the tag object " + tag.substr(0, 10) + " is named 'v1.0' (refs/tags/v1.0), not refs/tags/v2.0: a signed tag "
            "counts only under its own name");
    CHECK(w.decide("", tag, "refs/tags/v1.0").ok);
  }
  SECTION("a tag signed by a maintainer's key the policy branch revokes") {
    w.repo.git("checkout -q main");
    w.repo.write(".warden/policy.yml",
                 standard_policy(w.alice, w.bob, w.carol,
                                 std::string(kServerRefRules) + "revoked:\n  - key: \"" + w.bob.public_line +
                                     "\"\n    reason: \"laptop stolen\"\n"));
    w.repo.commit("revoke bob's key", &w.alice);
    w.repo.git("-c user.signingkey=" + quote(w.bob.private_path) + " tag -s v1.0 -m r");
    refused(w.decide("", w.id("refs/tags/v1.0"), "refs/tags/v1.0"),
            "the tag is signed by bob's revoked key " + w.bob.fingerprint + " (laptop stolen)");
  }
  SECTION("verify: false takes unsigned work") {
    w.repo.write("src/wip.c", "wip\n");
    std::string wip = w.repo.commit("unsigned wip", nullptr);
    auto d = w.decide("", wip, "refs/heads/wip/x");
    CHECK(d.ok);
    CHECK_THAT(d.message, Catch::Contains("not verified (rule 'refs/heads/wip/*')"));
    refused(w.decide(next, wip, "refs/heads/main"), "unsigned change to a protected path");
  }
}

TEST_CASE("push decisions: the policy branch never takes a tip whose policy is invalid", "[push]") {
  // A maintainer may change .warden/, so the commit itself authenticates;
  // on the policy branch it would take every later push's ref rules with
  // it (and no commit could follow it), so the server refuses it there.
  PushWorld w;
  std::string old = w.id("main");
  w.repo.write(".warden/policy.yml",
               standard_policy(w.alice, w.bob, w.carol, std::string(kServerRefRules) + "colour: blue\n"));
  std::string broken = w.repo.commit("alice adds a key the schema does not know", &w.alice);

  SECTION("an unknown key") {
    auto d = w.decide(old, broken, "refs/heads/main");
    refused(d, "the policy branch's new tip " + broken.substr(0, 10) + " carries an invalid policy: ");
    CHECK_THAT(d.message, Catch::Contains("colour"));
  }
  SECTION("on another branch the commit itself still authenticates") {
    auto d = w.decide("", broken, "refs/heads/feature");
    CHECK(d.ok);
    CHECK(d.message == "1 new commit authenticated");
  }
  SECTION("no policy at all") {
    w.repo.git("reset -q --hard " + old);
    w.repo.git("rm -q .warden/policy.yml");
    std::string gone = w.repo.commit("alice removes the policy", &w.alice);
    refused(w.decide(old, gone, "refs/heads/main"), "carries no policy (.warden/policy.yml)");
  }
  SECTION("a valid policy change is accepted") {
    w.repo.git("reset -q --hard " + old);
    w.repo.write(".warden/policy.yml",
                 standard_policy(w.alice, w.bob, w.carol, std::string(kServerRefRules) + "# reviewed\n"));
    std::string fixed = w.repo.commit("alice changes the policy, validly", &w.alice);
    auto d = w.decide(old, fixed, "refs/heads/main");
    CHECK(d.ok);
  }
}
