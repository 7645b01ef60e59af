// The anchor and the shape of history: the anchor's signature and policy,
// targets that do not descend from it, pre-anchor parents, and commits
// already known to be authenticated (A..B).
#include <catch2/catch.hpp>

#include "support/world.hpp"

using test::World;

TEST_CASE("an anchor signed by another key than the anchor's is refused", "[verify][anchor]") {
  World w;
  auto report = w.repo.verify(w.anchor, w.bob);
  CHECK_FALSE(report.authenticated);
  CHECK(report.verdicts.empty());
  CHECK(test::run_refusal(report) == "anchor commit " + w.anchor.substr(0, 10) + " \"anchor\" is not signed by the anchor key " +
                              w.bob.fingerprint + " (signed by " + w.alice.fingerprint + ")");
}

TEST_CASE("an unsigned anchor or one without a policy is refused", "[verify][anchor]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  repo.write("README", "x\n");
  std::string unsigned_anchor = repo.commit("unsigned anchor", nullptr);
  auto r1 = repo.verify(unsigned_anchor, sb.key("alice"));
  CHECK(test::run_refusal(r1) == "anchor commit " + unsigned_anchor.substr(0, 10) +
                          " \"unsigned anchor\" is not signed by the anchor key " + sb.key("alice").fingerprint +
                          " (unsigned)");
  std::string no_policy = repo.commit("signed, no policy", &sb.key("alice"));
  auto r2 = repo.verify(no_policy, sb.key("alice"));
  CHECK(test::run_refusal(r2) == "anchor commit " + no_policy.substr(0, 10) +
                          " \"signed, no policy\" carries no policy (.warden/policy.yml)");
}

TEST_CASE("a target that does not descend from the anchor is refused", "[verify][anchor]") {
  World w;
  w.repo.write("src/x.c", "x\n");
  w.repo.commit("after the anchor", &w.alice);
  // A branch forked from before the anchor: the anchor's parent is none, so
  // fork from an unrelated root instead.
  w.repo.git("checkout -q --orphan elsewhere");
  w.repo.write("other.txt", "other\n");
  std::string other = w.repo.commit("other history", &w.alice);
  auto report = w.verify(other);
  CHECK_FALSE(report.authenticated);
  CHECK(test::run_refusal(report) ==
        "target " + other.substr(0, 10) + " \"other history\" is not a descendant of the anchor " + w.anchor.substr(0, 10));

  // An attacker's history of her own, each commit signed by a key its
  // parent's policy (a copy of the anchor's, with her key) trusts: the walk
  // down to the anchor is done only once a commit is refused, and its
  // refusal is the run's, however the work is divided.
  w.repo.write(".warden/policy.yml", test::standard_policy(w.carol, w.carol, w.carol));
  w.repo.commit("her own policy", &w.carol);
  for (int i = 0; i < 70; ++i) {
    w.repo.write("src/x.c", std::to_string(i) + "\n");
    w.repo.commit("hers " + std::to_string(i), &w.carol);
  }
  std::string hers = w.repo.git("rev-parse HEAD");
  for (bool keep_going : {false, true}) {
    for (size_t parallel_from : {size_t{1}, SIZE_MAX}) {
      INFO("keep going " << keep_going << ", ahead from " << parallel_from);
      auto r = w.repo.verify(w.anchor, w.alice, hers, {}, keep_going, parallel_from);
      CHECK_FALSE(r.authenticated);
      CHECK(r.verdicts.empty());
      CHECK(test::run_refusal(r) == "target " + hers.substr(0, 10) + " \"hers 69\" is not a descendant of the anchor " +
                             w.anchor.substr(0, 10));
      // Checked one by one, the run ends at the first refusal: her other
      // commits' signatures are not checked, even to keep going.
      if (parallel_from == SIZE_MAX) CHECK(r.signatures_verified <= 2);
    }
  }
}

TEST_CASE("a target that descends from the anchor only through a merge's second parent is judged commit by commit",
          "[verify][anchor]") {
  World w;
  w.repo.write("src/x.c", "x\n");
  std::string main_tip = w.repo.commit("after the anchor", &w.alice);
  w.repo.git("checkout -q --orphan elsewhere");
  w.repo.write("other.txt", "other\n");
  std::string root = w.repo.commit("other history", &w.alice);
  w.repo.git("-c user.signingkey=" + test::quote(w.alice.private_path) +
             " merge -q --no-ff -S --allow-unrelated-histories -m 'bring the anchor in second' main");
  for (bool keep_going : {false, true}) {
    auto r = w.verify("HEAD", keep_going);
    CHECK_FALSE(r.authenticated);
    CHECK(!r.refusal);
    const warden::Verdict* v = test::first_refusal(r);
    REQUIRE(v != nullptr);
    CHECK(v->commit.hex() == root);
    CHECK(v->rule_name() == "ancestry");
  }
}

TEST_CASE("pre-anchor history is trusted content but carries no policy", "[verify][anchor]") {
  test::Sandbox sb;
  const auto& alice = sb.key("alice");
  const auto& bob = sb.key("bob");
  const auto& carol = sb.key("carol");
  test::Repo repo(sb);
  repo.write("old.txt", "before warden\n");
  std::string old = repo.commit("pre-anchor history", nullptr);
  repo.write(".warden/policy.yml", test::standard_policy(alice, bob, carol));
  std::string anchor = repo.commit("adopt warden", &alice);
  repo.write("src/a.c", "a\n");
  repo.commit("alice after the anchor", &alice);
  CHECK(repo.verify(anchor, alice).authenticated);

  // A commit built on pre-anchor history has no policy to be judged by.
  repo.git("checkout -q -b side " + old);
  repo.write("old.txt", "changed on an old branch\n");
  std::string side = repo.commit("work on a pre-anchor branch", &alice);
  repo.git("checkout -q main");
  repo.git("-c user.signingkey=" + test::quote(alice.private_path) + " merge -q --no-ff -S -m 'merge old branch' side");
  auto report = repo.verify(anchor, alice, "HEAD", {}, true);
  CHECK_FALSE(report.authenticated);
  const warden::Verdict* v = test::first_refusal(report);
  REQUIRE(v != nullptr);
  CHECK(v->commit.hex() == side);
  CHECK(v->rule_name() == "ancestry");
  CHECK(v->reason() == "parent " + old.substr(0, 10) + " predates the anchor and carries no trusted policy");
}

TEST_CASE("commits known to be authenticated are not checked again (A..B)", "[verify][anchor]") {
  World w;
  w.repo.write("src/a.c", "a\n");
  std::string a = w.repo.commit("a", &w.alice);
  w.repo.write("src/b.c", "b\n");
  w.repo.commit("b", &w.bob);
  w.repo.write("docs/c.md", "c\n");
  w.repo.commit("c", &w.carol);
  auto full = w.verify();
  CHECK(full.authenticated);
  CHECK(full.verdicts.size() == 3);
  auto range = w.repo.verify(w.anchor, w.alice, "HEAD", {a});
  CHECK(range.authenticated);
  CHECK(range.verdicts.size() == 2);
  CHECK(range.signatures_verified == 3);  // the anchor and two commits

  SECTION("a known-good commit that does not descend from the anchor is refused") {
    w.repo.git("checkout -q --orphan elsewhere");
    std::string stray = w.repo.commit("stray", &w.alice);
    auto r = w.repo.verify(w.anchor, w.alice, "main", {stray});
    CHECK_FALSE(r.authenticated);
    CHECK(test::run_refusal(r) == "known-good commit " + stray.substr(0, 10) + " \"stray\" is not a descendant of the anchor " +
                           w.anchor.substr(0, 10));
  }
}

namespace {

// pre-anchor history (unsigned) -> anchor (alice) -> a -> b (alice).
struct AdoptedLater {
  explicit AdoptedLater(test::Sandbox& sb) : alice(sb.key("alice")), repo(sb) {
    repo.write("old.txt", "before warden\n");
    old = repo.commit("pre-anchor history", nullptr);
    repo.write(".warden/policy.yml", test::standard_policy(alice, sb.key("bob"), sb.key("carol")));
    anchor = repo.commit("adopt warden", &alice);
    repo.write("src/a.c", "a\n");
    a = repo.commit("a", &alice);
    repo.write("src/b.c", "b\n");
    b = repo.commit("b", &alice);
  }
  const test::Key& alice;
  test::Repo repo;
  std::string old, anchor, a, b;
};

}  // namespace

TEST_CASE("a target behind a known-good commit is authenticated only if it descends from the anchor",
          "[verify][anchor]") {
  test::Sandbox sb;
  AdoptedLater h(sb);
  auto& [alice, repo, old, anchor, a, b] = h;
  // `a` lies behind the known-good `b`: nothing to check, and it descends.
  auto behind = repo.verify(anchor, alice, a, {b});
  CHECK(behind.authenticated);
  CHECK(behind.verdicts.empty());
  // `old` lies behind `b` too, but before the anchor.
  auto before = repo.verify(anchor, alice, old, {b});
  CHECK_FALSE(before.authenticated);
  CHECK(test::run_refusal(before) == "target " + old.substr(0, 10) + " \"pre-anchor history\" is not a descendant of the anchor " +
                              anchor.substr(0, 10));
}

TEST_CASE("a vouched known-good commit from before the anchor hides nothing of the anchor's own history",
          "[verify][anchor]") {
  // A pin kept from before the anchor was moved on to a later commit: the
  // caller vouches for it, but it lies behind the anchor. The anchor and
  // what lies behind it stay hidden, as without it (the walk hides only
  // the known-good commits when it can, for a push needs no generations).
  test::Sandbox sb;
  AdoptedLater h(sb);
  auto report = h.repo.verify_tuned(h.anchor, h.alice, "HEAD", [&](warden::VerifyRequest& req) {
    req.known_good = {*warden::ObjectId::from_hex(h.old)};
    req.check_known_good = false;
  });
  CHECK(report.authenticated);
  CHECK(!report.refusal);
  REQUIRE(report.verdicts.size() == 2);
  for (const auto& v : report.verdicts) CHECK(v.commit.hex() != h.anchor);
}
