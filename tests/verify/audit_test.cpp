// Audits against a policy the auditor holds (verify --policy, DESIGN
// section 7): a history that never adopted warden, or one whose own
// policy is set aside, judged commit by commit by that one policy, roots
// included, with no anchor.
#include <catch2/catch.hpp>

#include "support/history.hpp"
#include "support/people.hpp"
#include "warden/policy.hpp"

using test::People;

namespace {

struct AuditWorld : People {
  test::Repo repo{sb};

  std::shared_ptr<const warden::Policy> policy(const std::string& extra = "") const {
    auto parsed = warden::parse_policy(test::standard_policy(alice, bob, carol, extra), "audit.yml");
    INFO((parsed.problems.empty() ? "" : parsed.problems.front()));
    REQUIRE(parsed.policy);
    return parsed.policy;
  }

  warden::VerifyReport audit(const std::shared_ptr<const warden::Policy>& p, const std::string& target = "HEAD",
                             const std::string& from = "", bool keep_going = true) const {
    auto r = warden::Repository::open(repo.path());
    REQUIRE(r.ok());
    warden::VerifyRequest req;
    req.audit_policy = p;
    req.target = *r->resolve_commit(target);
    if (!from.empty()) {
      req.known_good.push_back(*r->resolve_commit(from));
      req.previous_tip = req.known_good.back();
      req.check_known_good = false;
    }
    req.keep_going = keep_going;
    warden::Verifier verifier(*r);
    auto report = verifier.verify(req);
    INFO((report ? "" : report.error().message));
    REQUIRE(report.ok());
    return std::move(*report);
  }
};

}  // namespace

TEST_CASE("audit: a history without a warden policy is judged by the auditor's, root included", "[verify][audit]") {
  AuditWorld w;
  w.repo.write("src/main.c", "int main(void) { return 0; }\n");
  w.repo.write("docs/index.md", "# Docs\n");
  std::string root = w.repo.commit("root", &w.alice);
  w.repo.write("docs/guide.md", "guide\n");
  w.repo.commit("carol's docs", &w.carol);
  w.repo.write("drafts/idea.txt", "idea\n");
  w.repo.commit("an unsigned draft", nullptr);
  w.repo.git("checkout -q -b topic");
  w.repo.write("src/topic.c", "topic\n");
  w.repo.commit("bob's topic", &w.bob);
  w.repo.git("checkout -q main");
  w.repo.merge("topic", &w.alice, "merge topic");

  auto report = w.audit(w.policy());
  INFO(warden::refusal_reason(report));
  CHECK(report.authenticated);
  REQUIRE(report.verdicts.size() == 5);
  CHECK(report.verdicts[0].commit.hex() == root);
  CHECK(report.verdicts[0].signer == "alice");

  SECTION("a root commit by someone without a grant for its files is refused") {
    auto carol_only = warden::parse_policy(test::PolicyText()
                                               .person("carol", {&w.carol})
                                               .section("grants:\n  - paths: [\"docs/\"]\n    who: [carol]\n"
                                                        "policy:\n  who: [carol]\n")
                                               .str(),
                                           "audit.yml");
    REQUIRE(carol_only.policy);
    auto r = w.audit(carol_only.policy);
    CHECK_FALSE(r.authenticated);
    const warden::Verdict* v = test::first_refusal(r);
    REQUIRE(v != nullptr);
    CHECK(v->commit.hex() == root);
    CHECK(v->rule_name() == "unsigned");
  }
  SECTION("A..B judges only what B adds to A") {
    auto r = w.audit(w.policy(), "HEAD", root);
    CHECK(r.authenticated);
    CHECK(r.verdicts.size() == 4);
  }
}

TEST_CASE("audit: the auditor's policy decides, whatever policy the history carries", "[verify][audit][attack]") {
  AuditWorld w;
  // The history's own policy lets mallory change everything: an audit does
  // not read it.
  w.repo.write(".warden/policy.yml", test::standard_policy(w.mallory, w.mallory, w.mallory));
  w.repo.write("src/main.c", "x\n");
  w.repo.commit("root", &w.alice);
  w.repo.write("src/main.c", "mallory's\n");
  std::string hers = w.repo.commit("mallory's change", &w.mallory);
  w.repo.write("docs/index.md", "carol\n");
  w.repo.commit("carol's docs", &w.carol);

  auto report = w.audit(w.policy(), "HEAD", "", /*keep_going=*/true);
  CHECK_FALSE(report.authenticated);
  const warden::Verdict* v = test::first_refusal(report);
  REQUIRE(v != nullptr);
  CHECK(v->commit.hex() == hers);
  CHECK(v->rule_name() == "unsigned");
  CHECK(v->reason() == "change not signed by any key the policy lists to a protected path");
  // The history's .warden/ is a protected path of the audit policy too:
  // the root, signed by alice (a maintainer), may add it.
  CHECK(report.verdicts[0].ok());
}

TEST_CASE("audit: a key the auditor's policy revokes signs nothing", "[verify][audit][attack]") {
  AuditWorld w;
  w.repo.write("src/main.c", "x\n");
  w.repo.commit("root", &w.alice);
  w.repo.write("src/bob.c", "bob\n");
  std::string bobs = w.repo.commit("bob's", &w.bob);
  CHECK(w.audit(w.policy()).authenticated);
  auto r = w.audit(w.policy("revoked:\n  - key: \"" + w.bob.public_line + "\"\n    reason: stolen\n"));
  CHECK_FALSE(r.authenticated);
  const warden::Verdict* v = test::first_refusal(r);
  REQUIRE(v != nullptr);
  CHECK(v->commit.hex() == bobs);
  CHECK(v->rule_name() == "revocation");
  CHECK(v->reason() == "signed by " + w.bob.fingerprint + ", which the audit policy revokes (stolen)");
}

TEST_CASE("audit: each commit is judged on its own, so a refused commit hides no other verdict", "[verify][audit]") {
  AuditWorld w;
  w.repo.write("src/main.c", "int main(void) { return 0; }\n");
  w.repo.commit("root", &w.alice);
  w.repo.write("src/unsigned.c", "x\n");
  std::string bad = w.repo.commit("an unsigned change", nullptr);
  w.repo.write("src/good.c", "x\n");
  std::string good = w.repo.commit("bob's change on top", &w.bob);
  w.repo.write("src/carol.c", "x\n");
  std::string outside = w.repo.commit("carol outside her grant", &w.carol);

  auto report = w.audit(w.policy());
  CHECK_FALSE(report.authenticated);
  REQUIRE(report.verdicts.size() == 4);
  // Not "parent ... is not authenticated": the auditor's one policy judges
  // bob's and carol's commits as they are.
  CHECK(report.verdicts[1].commit.hex() == bad);
  CHECK(report.verdicts[1].rule_name() == "unsigned");
  CHECK(report.verdicts[2].commit.hex() == good);
  CHECK(report.verdicts[2].ok());
  CHECK(report.verdicts[3].commit.hex() == outside);
  CHECK(report.verdicts[3].rule_name() == "grant");
  CHECK_FALSE(report.verdicts[3].inherited);

  SECTION("without --keep-going it stops at the first refusal, as before") {
    auto first = w.audit(w.policy(), "HEAD", "", false);
    CHECK_FALSE(first.authenticated);
    CHECK(first.verdicts.size() == 2);
  }
  SECTION("a signed merge vouches under an auditor's policy that lets it") {
    std::string root = w.repo.git("rev-list --max-parents=0 HEAD");
    w.repo.git("checkout -q -b topic " + root);
    w.repo.write("docs/x.md", "x\n");
    std::string contrib = w.repo.commit("an unsigned contribution", nullptr);
    w.repo.git("checkout -q main");
    w.repo.git("reset -q --hard " + root);
    std::string m = w.repo.merge("topic", &w.alice, "merge the contribution");
    auto vouched = w.audit(w.policy("  vouch: signed\n"));
    INFO(warden::refusal_reason(vouched));
    CHECK(vouched.authenticated);
    REQUIRE(vouched.verdicts.size() == 3);
    CHECK(vouched.verdicts[1].commit.hex() == contrib);
    CHECK(vouched.verdicts[1].vouched_by.value_or(warden::ObjectId{}).hex() == m);
    CHECK_FALSE(w.audit(w.policy()).authenticated);
  }
}
