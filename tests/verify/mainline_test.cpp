// A merge is judged from the side of its mainline parent: the parent
// through which the branch's previous tip is reached (DESIGN section 3),
// not whichever parent the merge's author listed first. The attack: a key
// removed on main signs work on a commit from before the removal and lands
// it with an unsigned merge whose *first* parent is that work and whose
// second is main: a fast-forward of main, judged by the old policy.
#include <catch2/catch.hpp>

#include "support/client_world.hpp"
#include "support/server_world.hpp"
#include "support/world.hpp"

using namespace test;

namespace {

// The standard policy plus mallory, with a grant on everything.
std::string policy_with_mallory(const People& p) {
  return PolicyText()
      .person("alice", {&p.alice})
      .person("bob", {&p.bob})
      .person("carol", {&p.carol})
      .person("mallory", {&p.mallory})
      .section(R"(groups:
  maintainers: [alice, bob]
grants:
  - paths: ["/"]
    who: [maintainers, mallory]
policy:
  who: [maintainers]
merges:
  unsigned: allow
)")
      .str();
}

// In `repo` (on main, at a commit that trusts mallory): R removes mallory
// on main; E is mallory's backdoor on the commit before R; the branch
// "evil" gets an unsigned merge with E first and main second.
struct Attack {
  std::string before_removal, removal, backdoor, merge;
};

Attack reversed_merge(Repo& repo, const People& p) {
  Attack a;
  a.before_removal = repo.git("rev-parse HEAD");
  repo.write(".warden/policy.yml", standard_policy(p.alice, p.bob, p.carol));
  a.removal = repo.commit("remove mallory", &p.alice);
  repo.git("checkout -q -b evil " + a.before_removal);
  repo.write("src/backdoor.c", "evil\n");
  a.backdoor = repo.commit("mallory's backdoor", &p.mallory);
  a.merge = repo.merge("main", nullptr, "Merge branch 'main' into evil");
  repo.git("checkout -q main");
  return a;
}

}  // namespace

TEST_CASE("mainline: a reversed unsigned merge cannot land a removed key's work", "[verify][merge][mainline]") {
  World w;
  w.repo.write(".warden/policy.yml", policy_with_mallory(w));
  std::string trusting = w.repo.commit("trust mallory", &w.alice);
  Attack a = reversed_merge(w.repo, w);
  REQUIRE(w.repo.git("rev-parse " + a.merge + "^1") == a.backdoor);

  // From main's previous tip (the server's old tip, the client's pin, A..B).
  auto report = w.repo.verify(w.anchor, w.alice, a.merge, {a.removal});
  CHECK_FALSE(report.authenticated);
  const warden::Verdict* v = first_refusal(report);
  REQUIRE(v != nullptr);
  CHECK(v->commit.hex() == a.merge);
  CHECK(v->rule_name() == "merge");
  CHECK(v->mainline == 1);
  CHECK(v->reason().find("brings in " + a.backdoor.substr(0, 10) + " \"mallory's backdoor\" (key not in policy") !=
        std::string::npos);
  CHECK(v->policy_commit->hex() == a.removal);

  // The forward merge of the same work is refused without any previous tip.
  w.repo.merge("evil~1", nullptr);
  auto forward = w.repo.verify(w.anchor, w.alice, "HEAD");
  CHECK_FALSE(forward.authenticated);
  REQUIRE(first_refusal(forward) != nullptr);
  CHECK(first_refusal(forward)->rule_name() == "merge");
  (void)trusting;
}

TEST_CASE("mainline: a pull merge (local work first, upstream second) still passes", "[verify][merge][mainline]") {
  World w;
  std::string base = w.repo.git("rev-parse HEAD");
  // Upstream: bob's work on main.
  w.repo.write("src/up.c", "up\n");
  std::string upstream = w.repo.commit("bob upstream", &w.bob);
  // Local: alice's work on the old tip, then `git pull` merges upstream in.
  w.repo.git("checkout -q -b local " + base);
  w.repo.write("src/local.c", "local\n");
  w.repo.commit("alice local", &w.alice);
  bool signed_merge = GENERATE(false, true);
  std::string merge = w.repo.merge("main", signed_merge ? &w.alice : nullptr, "Merge remote-tracking branch 'origin/main'");
  // Pushed to main: the previous tip is `upstream`, reached through the second parent only.
  auto report = w.repo.verify(w.anchor, w.alice, merge, {upstream});
  const warden::Verdict* v = first_refusal(report);
  INFO((v ? std::string(v->rule_name()) + ": " + v->reason() : warden::refusal_reason(report)));
  CHECK(report.authenticated);
  // With the old tip both parents share, the first parent is the mainline.
  CHECK(w.repo.verify(w.anchor, w.alice, merge, {base}).authenticated);
}

TEST_CASE("mainline: the server refuses the reversed merge as a fast-forward of main", "[server][merge][mainline][e2e]") {
  ServerWorld w(Transport::daemon);
  w.work.write(".warden/policy.yml", policy_with_mallory(w));
  w.work.commit("trust mallory", &w.alice);
  REQUIRE(w.push("main").status == 0);
  Attack a = reversed_merge(w.work, w);
  REQUIRE(w.push("main").status == 0);  // the removal lands
  auto r = w.push("evil:main");
  INFO(r.err);
  CHECK(r.status != 0);
  CHECK(r.err.find("refs/heads/main: REFUSED: " + a.merge.substr(0, 10)) != std::string::npos);
  CHECK(r.err.find("brings in " + a.backdoor.substr(0, 10)) != std::string::npos);
  CHECK(w.server_ref("refs/heads/main") == a.removal);
  // The legitimate neighbour: alice merges bob's side branch forward.
  w.work.git("checkout -q -b side main");
  w.work.write("src/side.c", "side\n");
  w.work.commit("bob's side work", &w.bob);
  w.work.git("checkout -q main");
  w.work.merge("side", nullptr);
  auto ok = w.push("main");
  INFO(ok.err);
  CHECK(ok.status == 0);
}

TEST_CASE("mainline: a client refuses to fetch the reversed merge onto its pin", "[client][merge][mainline][e2e]") {
  ClientWorld w;
  w.upstream.write(".warden/policy.yml", policy_with_mallory(w));
  w.upstream.commit("trust mallory", &w.alice);
  w.publish("main");
  REQUIRE(w.in_client("git fetch -q").status == 0);
  Attack a = reversed_merge(w.upstream, w);
  w.publish("main");
  REQUIRE(w.in_client("git fetch -q").status == 0);
  REQUIRE(w.pin("main") == a.removal);
  w.publish("evil:main");
  auto r = w.in_client("git fetch");
  CHECK(r.status != 0);
  CHECK(r.err.find("brings in " + a.backdoor.substr(0, 10)) != std::string::npos);
  CHECK(w.pin("main") == a.removal);
  CHECK(w.client_ref("refs/remotes/origin/main") == a.removal);
}
