// Policy bombs: a policy's cost follows its size. Groups are not copied
// into every rule naming them, counts are bounded with a clear error, and
// the policy of an unauthenticated commit is never parsed.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "support/world.hpp"
#include "warden/policy.hpp"

namespace {

// An ed25519 public key line whose 32 key bytes encode `i` (OpenSSL takes
// any 32 bytes as an ed25519 public key).
std::string fake_key(size_t i) {
  static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // "AAAAC3NzaC1lZDI1NTE5AAAAI" encodes the header; 43 more characters the key.
  std::string tail(43, 'A');
  for (size_t k = 0; k < 8; ++k) tail[42 - k - 1] = b64[(i >> (6 * k)) & 63];
  tail[42] = 'E';
  return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + tail;
}

std::string people(size_t n) {
  std::string out = "people:\n";
  for (size_t i = 0; i < n; ++i) out += fmt::format("  p{}:\n    keys: [\"{}\"]\n", i, fake_key(i));
  return out;
}

std::vector<std::string> problems(const std::string& text) { return warden::parse_policy(text, "p.yml").problems; }

bool has(const std::vector<std::string>& v, const std::string& needle) {
  for (const auto& s : v)
    if (s.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("policy: one large group named by many grants is valid and looked up, not copied", "[policy][limits]") {
  std::string text = "version: 1\n" + people(300) + "groups:\n  everyone: [";
  for (size_t i = 0; i < 300; ++i) text += fmt::format("{}p{}", i ? ", " : "", i);
  text += "]\ngrants:\n";
  for (size_t i = 0; i < 2000; ++i) text += fmt::format("  - paths: [\"d{}/\"]\n    who: [everyone]\n", i);
  text += "policy:\n  who: [everyone]\n";
  auto parsed = warden::parse_policy(text, "p.yml");
  INFO((parsed.problems.empty() ? "" : parsed.problems[0]));
  REQUIRE(parsed.policy);
  const warden::Policy& p = *parsed.policy;
  CHECK(p.grants.size() == 2000);
  CHECK(p.grants[1999].who.people.empty());
  CHECK(p.grants[1999].who.groups == std::vector<std::string>{"everyone"});
  CHECK(p.granted("p299", "d1999/x"));
  CHECK_FALSE(p.granted("p299", "e/x"));
  CHECK_FALSE(p.granted("nobody", "d1/x"));
}

TEST_CASE("policy: counts past the limits are errors that say the limit", "[policy][limits]") {
  SECTION("YAML entries") {
    std::string text = "version: 1\n" + people(1) + "unprotected: [";
    for (size_t i = 0; i < warden::kMaxPolicyNodes; ++i) text += "a,";
    text += "a]\npolicy:\n  who: [p0]\n";
    auto p = problems(text);
    CHECK(has(p, fmt::format("a policy holds at most {} YAML entries", warden::kMaxPolicyNodes)));
  }
  SECTION("people") {
    std::string text = "version: 1\npeople:\n";
    for (size_t i = 0; i <= warden::kMaxPeople; ++i) text += fmt::format("  p{}: {{keys: [k]}}\n", i);
    text += "policy:\n  who: [p0]\n";
    CHECK(has(problems(text), fmt::format("a policy may have at most {} people", warden::kMaxPeople)));
  }
  SECTION("grants") {
    std::string text = "version: 1\n" + people(1) + "grants:\n";
    for (size_t i = 0; i <= warden::kMaxGrants; ++i) text += "  - {paths: [a], who: [p0]}\n";
    text += "policy:\n  who: [p0]\n";
    CHECK(has(problems(text), fmt::format("a policy may have at most {} grants", warden::kMaxGrants)));
  }
  SECTION("groups") {
    std::string text = "version: 1\n" + people(1) + "groups:\n";
    for (size_t i = 0; i <= warden::kMaxGroups; ++i) text += fmt::format("  g{}: [p0]\n", i);
    text += "policy:\n  who: [p0]\n";
    CHECK(has(problems(text), fmt::format("a policy may have at most {} groups", warden::kMaxGroups)));
  }
  SECTION("path patterns") {
    std::string text = "version: 1\n" + people(1) + "grants:\n";
    for (size_t g = 0; g < 6; ++g) {
      text += "  - who: [p0]\n    paths: [";
      for (size_t i = 0; i < warden::kMaxPatterns / 5; ++i) text += "a,";
      text += "a]\n";
    }
    text += "policy:\n  who: [p0]\n";
    CHECK(has(problems(text), fmt::format("a policy may have at most {} path patterns", warden::kMaxPatterns)));
  }
}

TEST_CASE("the policy an unauthenticated commit carries is never parsed", "[verify][limits]") {
  test::World w;
  // An unsigned commit that replaces the policy, then 70 signed commits on
  // it (enough for the parallel signature check up front).
  w.repo.write(".warden/policy.yml", "version: 1\npeople: {}\npolicy: {who: []}\n# attacker's\n");
  std::string bad = w.repo.commit("attacker's policy", nullptr);
  for (int i = 0; i < 70; ++i) {
    w.repo.write("src/f" + std::to_string(i), "x\n");
    w.repo.commit("more", &w.alice);
  }
  auto report = w.repo.verify(w.anchor, w.alice, "HEAD", {}, /*keep_going=*/true, /*parallel_from=*/64);
  CHECK_FALSE(report.authenticated);
  const warden::Verdict* v = test::first_refusal(report);
  REQUIRE(v != nullptr);
  CHECK(v->commit.hex() == bad);
  CHECK(v->rule_name() == "policy");
  CHECK(report.verdicts.back().rule_name() == "ancestry");
  CHECK(report.policies_parsed == 1);  // the anchor's only
}
