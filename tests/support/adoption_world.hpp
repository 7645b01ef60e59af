// A project adopting warden with a topic branch in flight (merges.vouch:
// tests/verify/vouch_test.cpp and vouch_attack_test.cpp): unsigned
// history, a topic forked from it (one unsigned commit, one by carol),
// then the anchor on main (alice's policy), then one more commit by alice.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/world.hpp"

namespace test {

struct Adoption {
  Sandbox sb;
  const Key& alice = sb.key("alice");
  const Key& bob = sb.key("bob");
  const Key& carol = sb.key("carol");
  const Key& mallory = sb.key("mallory");
  Repo repo{sb};
  std::string old, topic1, topic2, anchor, tip0;

  // `vouch`, `extra`: lines after merges.unsigned in the policy.
  explicit Adoption(const std::string& vouch = "  vouch: signed\n", const std::string& extra = "",
                    const std::string& unsigned_merges = "deny") {
    repo.write("src/main.c", "int main(void) { return 0; }\n");
    repo.write("docs/index.md", "# Docs\n");
    old = repo.commit("before warden", nullptr);
    repo.git("checkout -q -b topic");
    repo.write("src/feature.c", "feature\n");
    topic1 = repo.commit("a contributor's unsigned commit", nullptr);
    repo.write("docs/feature.md", "feature\n");
    topic2 = repo.commit("carol documents it", &carol);
    repo.git("checkout -q main");
    repo.write(".warden/policy.yml", standard_policy(alice, bob, carol, vouch + extra, unsigned_merges));
    anchor = repo.commit("adopt warden", &alice);
    repo.write("src/later.c", "later\n");
    tip0 = repo.commit("alice after the anchor", &alice);
  }
  std::string merge(const Key* signer) { return repo.merge("topic", signer, "Merge topic"); }
  static std::string sign_flag(const Key& k) { return "-c user.signingkey=" + quote(k.private_path) + " "; }
  warden::VerifyReport verify(const std::string& target = "HEAD", bool keep_going = true,
                              const std::vector<std::string>& known_good = {}) {
    return repo.verify(anchor, alice, target, known_good, keep_going);
  }
  // Every verdict, one line each, for INFO.
  static std::string dump(const warden::VerifyReport& r) {
    std::string s = "run: " + warden::refusal_reason(r) + "\n";
    for (const auto& v : r.verdicts)
      s += v.commit.short_hex() + " " + v.summary + ": " +
           (v.ok() ? std::string("ok") : std::string(v.rule_name()) + " " + v.reason()) +
           (v.vouched_by ? " (vouched by " + v.vouched_by->short_hex() + ")" : "") + "\n";
    return s;
  }
  static const warden::Verdict* find(const warden::VerifyReport& r, const std::string& c) {
    for (const auto& v : r.verdicts)
      if (v.commit.hex() == c) return &v;
    return nullptr;
  }
  // The verdict on `commit` in a keep-going run to `target`: refused by `rule`.
  const warden::Verdict& refused(const std::string& commit, const std::string& rule, const std::string& target = "HEAD") {
    static thread_local warden::VerifyReport report;
    report = verify(target, true);
    INFO(dump(report));
    CHECK_FALSE(report.authenticated);
    const warden::Verdict* v = find(report, commit);
    REQUIRE(v != nullptr);
    CHECK_FALSE(v->ok());
    CHECK(v->rule_name() == rule);
    return *v;
  }
};

}  // namespace test
