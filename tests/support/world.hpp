// The starting point most verification tests share: a repository whose
// first commit (the anchor, signed by alice) carries the standard policy
// and a few files in src/, docs/, pkgs/ and drafts/.
#pragma once

#include <catch2/catch.hpp>

#include "support/history.hpp"
#include "support/people.hpp"

namespace test {

// The person of HEAD's policy who signed tag `name` of `repo` (the
// function ref rules and snapshots use), or why there is none.
inline warden::Result<std::string> tag_signer(const Repo& repo, const std::string& name) {
  auto r = warden::Repository::open(repo.path());
  REQUIRE(r);
  warden::Verifier verifier(*r);
  auto policy = verifier.policy_at(*r->resolve_commit("HEAD"));
  REQUIRE(policy);
  auto id = r->ref_target("refs/tags/" + name);
  REQUIRE(id);
  REQUIRE(id->has_value());
  auto tag = r->read_tag(**id);
  REQUIRE(tag);
  return verifier.tag_signer(*tag, "refs/tags/" + tag->name, **policy);
}

struct World : People {
  Repo repo;
  std::string anchor;

  explicit World(const std::string& policy_extra = "", const std::string& unsigned_merges = "allow", int threshold = 1)
      : repo(sb) {
    repo.write(".warden/policy.yml", standard_policy(alice, bob, carol, policy_extra, unsigned_merges, threshold));
    repo.write("src/main.c", "int main(void) { return 0; }\n");
    repo.write("docs/index.md", "# Docs\n");
    repo.write("pkgs/foo/default.nix", "{ }\n");
    repo.write("pkgs/foobar/default.nix", "{ }\n");
    repo.write("drafts/notes.txt", "notes\n");
    anchor = repo.commit("anchor", &alice);
  }

  warden::VerifyReport verify(const std::string& target = "HEAD", bool keep_going = false) {
    return repo.verify(anchor, alice, target, {}, keep_going);
  }

  // Verifies HEAD and requires a refusal of `commit` by `rule`.
  const warden::Verdict& refused(const std::string& commit, const std::string& rule) {
    static thread_local warden::VerifyReport report;
    report = verify();
    CHECK_FALSE(report.authenticated);
    const warden::Verdict* v = first_refusal(report);
    REQUIRE(v != nullptr);
    CHECK(v->commit.hex() == commit);
    CHECK(v->rule_name() == rule);
    return *v;
  }

  // Verifies HEAD, requires it authenticated with `commit` last, and
  // returns that commit's verdict.
  warden::Verdict accepted_last(const std::string& commit) {
    auto report = verify();
    const warden::Verdict* v = first_refusal(report);
    INFO((v ? std::string(v->rule_name()) + ": " + v->reason() : warden::refusal_reason(report)));
    REQUIRE(report.authenticated);
    REQUIRE_FALSE(report.verdicts.empty());
    CHECK(report.verdicts.back().commit.hex() == commit);
    return report.verdicts.back();
  }

  void accepted(const std::string& target = "HEAD") {
    auto report = verify(target);
    const warden::Verdict* v = first_refusal(report);
    INFO((v ? std::string(v->rule_name()) + ": " + v->reason() : warden::refusal_reason(report)));
    CHECK(report.authenticated);
  }
};

}  // namespace test
