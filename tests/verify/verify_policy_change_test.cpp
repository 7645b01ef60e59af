// Changes to .warden/ itself: only policy.who, with the threshold counted
// in distinct people, and always judged by the parent's policy.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "support/world.hpp"

using test::World;

namespace {

std::string policy_with_dave(World& w, const test::Key& dave) {
  return test::PolicyText()
      .person("alice", {&w.alice})
      .person("bob", {&w.bob})
      .person("carol", {&w.carol})
      .person("dave", {&dave})
      .section(R"(groups:
  maintainers: [alice, bob, dave]
grants:
  - paths: ["/"]
    who: [maintainers]
unprotected: ["drafts/"]
policy:
  who: [alice]
)")
      .str();
}

}  // namespace

TEST_CASE("a policy change by someone in policy.who is accepted and takes effect for the children",
          "[verify][policy-change]") {
  World w;
  const auto& dave = w.sb.key("dave");
  w.repo.write(".warden/policy.yml", policy_with_dave(w, dave));
  w.repo.commit("alice adds dave", &w.alice);
  w.repo.write("src/dave.c", "dave\n");
  w.repo.commit("dave's first change", &dave);
  w.accepted();
}

TEST_CASE("a new key cannot authorize the very commit that adds it", "[verify][policy-change]") {
  World w;
  const auto& dave = w.sb.key("dave");
  w.repo.write(".warden/policy.yml", policy_with_dave(w, dave));
  w.repo.write("src/dave.c", "dave\n");
  std::string bad = w.repo.commit("dave adds himself", &dave);
  const auto& v = w.refused(bad, "policy");
  CHECK(v.path() == ".warden/policy.yml");
  CHECK(v.reason() == "change not signed by any key the policy lists to the policy directory .warden/");
}

TEST_CASE("a person removed by a policy change is refused afterwards", "[verify][policy-change]") {
  World w;
  w.repo.write("src/bob.c", "before\n");
  w.repo.commit("bob while trusted", &w.bob);
  w.repo.write(".warden/policy.yml", test::PolicyText()
                                         .person("alice", {&w.alice})
                                         .section("grants:\n  - paths: [\"/\"]\n    who: [alice]\npolicy:\n  who: [alice]\n")
                                         .str());
  w.repo.commit("alice removes bob", &w.alice);
  w.repo.write("src/bob.c", "after\n");
  std::string bad = w.repo.commit("bob after removal", &w.bob);
  const auto& v = w.refused(bad, "unsigned");
  CHECK(v.signer == "key not in policy (" + w.bob.fingerprint + ")");
  CHECK(v.path() == "src/bob.c");
}

TEST_CASE("policy changes follow the policy rule", "[verify][policy-change]") {
  SECTION("by a maintainer outside policy.who") {
    World w("", "allow", 1);
    // The standard policy has policy.who = maintainers; narrow it first.
    std::string narrowed = test::standard_policy(w.alice, w.bob, w.carol);
    const std::string needle = "policy:\n  who: [maintainers]";
    REQUIRE(narrowed.find(needle) != std::string::npos);
    narrowed.replace(narrowed.find(needle), needle.size(), "policy:\n  who: [alice]");
    w.repo.write(".warden/policy.yml", narrowed);
    w.repo.commit("alice narrows policy.who", &w.alice);
    w.repo.write(".warden/policy.yml", narrowed + "# bob was here\n");
    std::string bad = w.repo.commit("bob edits the policy", &w.bob);
    const auto& v = w.refused(bad, "policy");
    CHECK(v.reason() == "bob is not in policy.who and may not change .warden/");
    CHECK(v.signer == "bob");
  }
  SECTION("unsigned") {
    World w;
    w.repo.write(".warden/extra.txt", "x\n");
    std::string bad = w.repo.commit("unsigned policy change", nullptr);
    const auto& v = w.refused(bad, "policy");
    CHECK(v.reason() == "unsigned change to the policy directory .warden/");
    CHECK(v.path() == ".warden/extra.txt");
  }
  SECTION("a threshold of 2 needs a second person") {
    World w("", "allow", 2);
    w.repo.write(".warden/policy.yml", test::standard_policy(w.alice, w.bob, w.carol, "", "allow", 1));
    std::string bad = w.repo.commit("alice lowers the threshold alone", &w.alice);
    const auto& v = w.refused(bad, "threshold");
    CHECK(v.reason() == "changing .warden/ needs 2 distinct people of policy.who, has 1: alice signed; no approval found");
    CHECK(v.path() == ".warden/policy.yml");
  }
  SECTION("carol's docs grant does not reach .warden/") {
    World w;
    w.repo.write(".warden/notes.md", "x\n");
    std::string bad = w.repo.commit("carol in .warden", &w.carol);
    CHECK(w.refused(bad, "policy").reason() == "carol is not in policy.who and may not change .warden/");
  }
}

TEST_CASE("a deleted or invalid policy leaves the children refused", "[verify][policy-change]") {
  SECTION("deleted") {
    World w;
    w.repo.remove(".warden/policy.yml");
    std::string removal = w.repo.commit("alice deletes the policy", &w.alice);
    w.repo.write("src/main.c", "after\n");
    std::string child = w.repo.commit("alice after the deletion", &w.alice);
    const auto& v = w.refused(child, "policy");
    CHECK(v.reason() == "parent " + removal.substr(0, 10) + " carries no policy (.warden/policy.yml)");
    CHECK(v.policy_commit->hex() == removal);
  }
  SECTION("invalid") {
    World w;
    w.repo.write(".warden/policy.yml", "version: 1\npeople: {}\npolicy:\n  who: [ghost]\n");
    std::string broken = w.repo.commit("alice breaks the policy", &w.alice);
    w.repo.write("src/main.c", "after\n");
    std::string child = w.repo.commit("after", &w.alice);
    const auto& v = w.refused(child, "policy");
    CHECK(v.reason() == fmt::format("parent {} carries an invalid policy: {}:.warden/policy.yml:4: unknown person or group "
                                  "'ghost' in 'policy.who'",
                                  broken.substr(0, 10), broken.substr(0, 10)));
  }
}
