// Attacks on merges.vouch: signed (DESIGN section 2 `merges:`, section
// 3), written by a review that attacked the first version of the rule:
// revoked keys (OpenPGP subkeys, audit policies), a policy change vouched
// into history, a branch that turned vouching off, server and fresh client
// disagreeing on the mainline; then histories the rule must accept or
// refuse as it stands.
#include <catch2/catch.hpp>

#include <memory>

#include "support/gpg.hpp"
#include "support/adoption_world.hpp"
#include "support/people.hpp"
#include "warden/policy.hpp"

using Att = test::Adoption;

namespace {

// A topic with one commit by `topic_signer` ("": unsigned), alice on
// main, and the topic merged by `merge_signer`; audited with keep-going
// by the standard policy with vouch: signed that revokes `revoked`'s key.
struct RevokingAudit {
  test::People p;
  test::Repo repo{p.sb};
  std::string topic, merge;
  warden::VerifyReport report;

  const test::Key* key(const std::string& name) const {
    for (const test::Key* k : {&p.alice, &p.bob, &p.carol, &p.mallory})
      if (k->name == name) return k;
    return nullptr;
  }
  RevokingAudit(const std::string& topic_signer, const std::string& merge_signer, const std::string& revoked_name) {
    const test::Key& revoked = *key(revoked_name);
    const test::Key& merge_signer_key = *key(merge_signer);
    repo.write("src/main.c", "int main(void) { return 0; }\n");
    repo.commit("root", &p.alice);
    repo.git("checkout -q -b topic");
    repo.write("src/feature.c", "feature\n");
    topic = repo.commit("the topic's commit", key(topic_signer));
    repo.git("checkout -q main");
    repo.write("src/later.c", "later\n");
    repo.commit("alice on main", &p.alice);
    merge = repo.merge("topic", &merge_signer_key, "Merge topic");
    auto parsed = warden::parse_policy(test::standard_policy(p.alice, p.bob, p.carol, "  vouch: signed\n", "deny") +
                                           "revoked:\n  - key: \"" + revoked.public_line +
                                           "\"\n    reason: \"stolen\"\n",
                                       "audit.yml");
    REQUIRE(parsed.policy);
    auto r = warden::Repository::open(repo.path());
    REQUIRE(r.ok());
    warden::VerifyRequest req;
    req.audit_policy = parsed.policy;
    req.target = *r->resolve_commit("HEAD");
    req.keep_going = true;
    warden::Verifier verifier(*r);
    auto ran = verifier.verify(req);
    REQUIRE(ran.ok());
    report = std::move(*ran);
  }
};

}  // namespace

// ---------------------------------------------------------------------
// Attacks (each was accepted by the first version of the rule)
// ---------------------------------------------------------------------

// "Never a revoked key's commit". A stolen OpenPGP key that signs with its
// subkey is revoked by its primary key's fingerprint. Its topic commit is
// refused first for its parent, before any policy resolves the signature
// to its certificate, so the verdict names the subkey. The merge resolves
// it under its own policy: a revoked person's key is refused, and a key
// whose certificate the policy does not hold is never vouched for (it
// could be a revoked key's subkey).
TEST_CASE("vouch attack: a revoked OpenPGP key signing with its subkey is never vouched for", "[vouch-attack][openpgp]") {
  test::Sandbox sb;
  test::Gpg gpg{sb};
  test::Repo repo{sb};
  const auto& alice = gpg.key("alice");
  bool subkey = GENERATE(false, true);
  bool held = GENERATE(false, true);  // the policy still holds the revoked key's certificate
  const auto& sam = gpg.key(subkey ? "sam" : "pat", "ed25519", subkey);
  INFO("signs with a subkey: " << subkey << "; certificate held: " << held);
  if (subkey) REQUIRE_FALSE(sam.subkey.empty());

  repo.write("src/main.c", "int main(void) { return 0; }\n");
  repo.commit("before warden", nullptr);
  repo.git("checkout -q -b topic");
  repo.write("src/stolen.c", "backdoor\n");
  std::string stolen = gpg.commit(repo, "by the stolen key", sam);
  repo.git("checkout -q main");
  test::PolicyText people;
  people.person_lines("alice", {"openpgp:" + alice.fingerprint});
  if (held) {
    people.person_lines("sam", {"openpgp:" + sam.fingerprint});
    repo.write(".warden/keys/" + sam.fingerprint + ".asc", gpg.cert(sam));
  }
  repo.write(".warden/policy.yml", people
                                       .section("grants:\n  - paths: [\"/\"]\n    who: [alice]\n"
                                                "policy:\n  who: [alice]\n  threshold: 1\n"
                                                "merges:\n  vouch: signed\n"
                                                "revoked:\n  - key: \"openpgp:" +
                                                sam.fingerprint + "\"\n    reason: \"stolen\"\n")
                                       .str());
  repo.write(".warden/keys/" + alice.fingerprint + ".asc", gpg.cert(alice));
  std::string anchor = gpg.commit(repo, "adopt warden, revoke the stolen key", alice);
  std::string m = gpg.merge(repo, "topic", alice, "Merge topic");

  auto report = repo.verify_fpr(anchor, alice.fingerprint, "HEAD", true);
  INFO(Att::dump(report));
  const warden::Verdict* v = Att::find(report, stolen);
  REQUIRE(v != nullptr);
  CHECK_FALSE(report.authenticated);
  CHECK_FALSE(v->ok());
  const warden::Verdict* vm = Att::find(report, m);
  REQUIRE(vm != nullptr);
  if (held && !subkey) {
    // The verdict names the revoked key itself: never vouchable.
    CHECK(vm->reason() == "parent " + stolen.substr(0, 10) + " is not authenticated");
  } else {
    CHECK(vm->rule_name() == std::string("merge"));
    CHECK_THAT(vm->reason(), Catch::Contains(held ? "signed by a revoked key (" + sam.fingerprint +
                                                        "): a merge never vouches for it"
                                                  : "whose certificate the policy does not hold: a merge does not "
                                                    "vouch for it (it could be a revoked key's subkey)"));
  }
}

// Audit mode (verify --policy FILE): "a key the auditor's policy revokes
// signs nothing", and no merge vouches for its commit, although the
// commit was first refused for another reason (mallory is in no
// `people`): the audit policy's revocations are the run's.
TEST_CASE("vouch attack: audit mode never vouches for a commit by a key the audit policy revokes", "[vouch-attack][audit]") {
  RevokingAudit a("mallory", "alice", "mallory");
  INFO(Att::dump(a.report));
  const warden::Verdict* v = Att::find(a.report, a.topic);
  REQUIRE(v != nullptr);
  CHECK_FALSE(a.report.authenticated);
  CHECK_FALSE(v->ok());
}

// Audit mode: a merge whose own signer the auditor revokes is refused
// before its vouching lands anything, so nothing is reported "vouched by"
// a refused merge.
TEST_CASE("vouch attack: audit mode reports nothing as vouched for by a merge it refuses", "[vouch-attack][audit]") {
  RevokingAudit a("", "bob", "bob");
  INFO(Att::dump(a.report));
  CHECK_FALSE(a.report.authenticated);
  const warden::Verdict* vm = Att::find(a.report, a.merge);
  const warden::Verdict* vt = Att::find(a.report, a.topic);
  REQUIRE(vm != nullptr);
  REQUIRE(vt != nullptr);
  CHECK_FALSE(vm->ok());
  CHECK(vm->rule_name() == std::string("revocation"));
  CHECK_FALSE(vt->ok());
  CHECK_FALSE(vt->vouched_by);
}

// A maintainer lands a pre-anchor topic by merging main INTO the topic
// (signed) and fast-forwarding main to it. The server (previous tip = old
// main) takes main's side as the mainline; a client verifying from the
// anchor, with no previous tip, must find the same: the previous tip is
// never reached through a parent that does not authenticate, so the
// mainline is the first parent that does. One history, one verdict.
TEST_CASE("vouch attack: a merge whose first parent is the vouched side gets the server's verdict on a fresh client",
          "[vouch-attack][mainline]") {
  Att a;
  a.repo.git("checkout -q topic");
  a.repo.git(a.sign_flag(a.alice) + "merge -q --no-ff -S -m 'Merge main into topic' main");
  std::string m = a.repo.git("rev-parse HEAD");
  a.repo.git("checkout -q main");
  a.repo.git("merge -q --ff-only topic");
  REQUIRE(a.repo.git("rev-parse HEAD") == m);

  auto server = a.verify("HEAD", true, {a.tip0});
  INFO("server (previous tip = old main):\n" << Att::dump(server));
  CHECK(server.authenticated);
  auto fresh = a.verify("HEAD", true);
  INFO("fresh client:\n" << Att::dump(fresh));
  CHECK(fresh.authenticated == server.authenticated);
}

// The policy on main says `vouch: none` (after turning it off). Commits
// that do not authenticate on their own (the pre-anchor topic), vouched
// for on a side branch whose policy still says `vouch: signed`, do not
// land on main through a signed merge of that branch: whichever parent
// brings them, they land only where policy(P1) lets signed merges vouch.
// (Within one run: across pushes, a commit vouched for on a branch
// already accepted is hidden behind its tip, docs/threat-model.md.)
TEST_CASE("vouch attack: commits that do not authenticate never land on a branch whose policy says vouch: none",
          "[vouch-attack][policy]") {
  Att a;
  // dev, from main, still with vouch: signed: alice lands the topic there.
  a.repo.git("checkout -q -b dev");
  a.repo.merge("topic", &a.alice, "Merge topic into dev");
  a.repo.git("checkout -q main");
  // main turns vouching off.
  a.repo.write(".warden/policy.yml", test::standard_policy(a.alice, a.bob, a.carol, "  vouch: none\n", "deny"));
  a.repo.commit("main: no vouching", &a.alice);
  SECTION("the topic merged straight into main is refused (control)") {
    std::string m = a.repo.merge("topic", &a.alice, "Merge topic");
    auto r = a.verify();
    INFO(Att::dump(r));
    CHECK_FALSE(r.authenticated);
    CHECK(m.size() == 40);
  }
  SECTION("through dev it lands") {
    std::string m = a.repo.merge("dev", &a.alice, "Merge dev");
    auto r = a.verify();
    INFO(Att::dump(r));
    CHECK_FALSE(r.authenticated);
    const warden::Verdict* vm = Att::find(r, m);
    REQUIRE(vm != nullptr);
    CHECK_THAT(vm->reason(), Catch::Contains("only a signed merge vouches for such a commit, where the policy lets "
                                             "it (merges.vouch: signed)"));
    CHECK(m.size() == 40);
  }
}

// In a later run (the server's next push, with the old tips as
// known-good; a client's cache tips or pins) a vouched commit is hidden
// behind a known-good tip and counts as authenticated, so its policy
// governs its children. Here an unsigned contributor's first commit makes
// mallory a maintainer and the second puts the policy back: alice's merge
// shows no policy change, and she could vouch for both. So a merge never
// vouches for a change to .warden/: a vouched commit's policy is always
// its parent's, which someone authorized.
TEST_CASE("vouch attack: a vouched commit never brings a policy of its own",
          "[vouch-attack][known-good]") {
  Att a;
  std::string main_policy = test::standard_policy(a.alice, a.bob, a.carol, "  vouch: signed\n", "deny");
  std::string evil_policy = main_policy;
  evil_policy.replace(evil_policy.find("maintainers: [alice, bob]"), 25, "maintainers: [alice, bob, mallory]");
  evil_policy.replace(evil_policy.find("groups:"), 7,
                      "  mallory:\n    keys:\n      - \"" + a.mallory.public_line + "\"\ngroups:");
  a.repo.git("checkout -q -b contrib " + a.tip0);
  a.repo.write("src/feature.c", "feature\n");
  a.repo.write(".warden/policy.yml", evil_policy);
  std::string t1 = a.repo.commit("unsigned: a feature", nullptr);
  a.repo.write(".warden/policy.yml", main_policy);
  a.repo.commit("unsigned: fix up", nullptr);
  a.repo.git("checkout -q main");
  std::string m = a.repo.merge("contrib", &a.alice, "Merge contrib");
  REQUIRE(a.repo.git("diff --name-only " + a.tip0 + " " + m) == "src/feature.c");  // what alice reviewed
  auto landed = a.verify();
  INFO(Att::dump(landed));
  // A merge never vouches for a change to .warden/: a vouched commit's
  // policy is its parent's, so no policy nobody authorized can govern
  // what builds on it in a later run (where known-good tips hide it).
  CHECK_FALSE(landed.authenticated);
  const warden::Verdict* vm = Att::find(landed, m);
  REQUIRE(vm != nullptr);
  CHECK(vm->reason() == "brings in " + t1.substr(0, 10) +
                            " \"unsigned: a feature\", which does not authenticate on its own and changes .warden/: a "
                            "merge never vouches for a policy change");
  CHECK(vm->path() == ".warden/policy.yml");
}

// ---------------------------------------------------------------------
// WHAT HOLDS (honest histories accepted, attacks refused)
// ---------------------------------------------------------------------

TEST_CASE("vouch holds: a topic merged twice", "[vouch-attack][holds]") {
  Att a;
  a.repo.merge("topic", &a.alice, "Merge topic");
  a.repo.git("checkout -q topic");
  a.repo.write("src/feature2.c", "more\n");
  std::string t3 = a.repo.commit("more unsigned work", nullptr);
  a.repo.git("checkout -q main");
  std::string m2 = a.repo.merge("topic", &a.alice, "Merge topic again");
  auto r = a.verify();
  INFO(Att::dump(r));
  CHECK(r.authenticated);
  auto v = Att::find(r, t3);
  REQUIRE(v);
  REQUIRE(v->vouched_by);
  CHECK(v->vouched_by->hex() == m2);
  CHECK(a.verify("HEAD", false).authenticated);
}

TEST_CASE("vouch holds: a topic that merges main (unsigned) before it is merged: criss-cross", "[vouch-attack][holds]") {
  Att a;
  std::string m1 = a.repo.merge("topic", &a.alice, "Merge topic");
  a.repo.write("src/main2.c", "x\n");
  a.repo.commit("alice again", &a.alice);
  a.repo.git("checkout -q topic");
  a.repo.merge("main", nullptr, "contributor merges main into topic");
  a.repo.write("src/feature3.c", "y\n");
  a.repo.commit("unsigned after the inner merge", nullptr);
  a.repo.git("checkout -q main");
  a.repo.merge("topic", &a.alice, "Merge topic again");
  auto r = a.verify();
  INFO(Att::dump(r));
  CHECK(r.authenticated);
  CHECK(a.verify("HEAD", false).authenticated);
  CHECK(m1.size() == 40);
}

TEST_CASE("vouch holds: octopus merge of two pre-anchor topics", "[vouch-attack][holds]") {
  Att a;
  a.repo.git("checkout -q -b topic2 " + a.old);
  a.repo.write("src/other.c", "other\n");
  a.repo.commit("another unsigned topic", nullptr);
  a.repo.git("checkout -q main");
  a.repo.git(a.sign_flag(a.alice) + "merge -q --no-ff -S -m octopus topic topic2");
  auto r = a.verify();
  INFO(Att::dump(r));
  CHECK(r.authenticated);
  SECTION("carol (docs only) may not") {
    a.repo.git("reset -q --hard " + a.tip0);
    a.repo.git(a.sign_flag(a.carol) + "merge -q --no-ff -S -m octopus topic topic2");
    auto rc = a.verify();
    INFO(Att::dump(rc));
    CHECK_FALSE(rc.authenticated);
  }
}

TEST_CASE("vouch holds: a topic with an inner unsigned merge whose resolution sneaks in src/, merged by carol",
          "[vouch-attack][holds]") {
  Att a("  vouch: signed\n");
  // A docs-only topic, forked before the anchor...
  a.repo.git("checkout -q -b docs-topic " + a.old);
  a.repo.write("docs/a.md", "a\n");
  a.repo.commit("docs a", nullptr);
  a.repo.git("checkout -q -b docs-side " + a.old);
  a.repo.write("docs/b.md", "b\n");
  a.repo.commit("docs b", nullptr);
  a.repo.git("checkout -q docs-topic");
  // ...with an unsigned "clean" merge whose tree also changes src/main.c.
  a.repo.git("merge -q --no-ff --no-commit docs-side");
  a.repo.write("src/main.c", "int main(void) { return 1; }\n");
  a.repo.git("add -A");
  a.repo.git("commit -q -m 'merge docs-side'");
  a.repo.git("checkout -q main");
  std::string m = a.repo.merge("docs-topic", &a.carol, "carol merges docs");
  auto r = a.verify();
  INFO(Att::dump(r));
  CHECK_FALSE(r.authenticated);
  auto v = Att::find(r, m);
  REQUIRE(v);
  CHECK_FALSE(v->ok());
  CHECK(v->path() == "src/main.c");
}

TEST_CASE("vouch holds: an attacker's merge of main into the vouched topic, pushed as main", "[vouch-attack][holds]") {
  Att a("  vouch: signed\n", "", "allow");
  a.repo.git("checkout -q topic");
  for (const test::Key* k : {static_cast<const test::Key*>(nullptr), &a.mallory}) {
    a.repo.git("reset -q --hard " + a.topic2);
    a.repo.merge("main", k, "attacker merges main into topic");
    INFO("signed by mallory: " << (k != nullptr));
    // as the server sees it (previous tip = main) and as a fresh client
    CHECK_FALSE(a.verify("HEAD", true, {a.tip0}).authenticated);
    CHECK_FALSE(a.verify("HEAD", true).authenticated);
  }
}

TEST_CASE("vouch holds: an unsigned commit built on a vouched commit stays refused until a signed merge lands it",
          "[vouch-attack][holds]") {
  Att a;
  std::string m1 = a.repo.merge("topic", &a.alice, "Merge topic");
  a.repo.git("checkout -q -b evil " + a.topic2);
  a.repo.write("drafts/x.txt", "only unprotected\n");
  std::string x = a.repo.commit("unsigned, unprotected only, on the vouched commit", nullptr);
  // x alone as a target: its parent does not authenticate.
  CHECK_FALSE(a.verify("evil").authenticated);
  // x merged into main by an unsigned merge (allowed for unprotected paths? no: vouch needs a signer).
  a.repo.git("checkout -q main");
  a.repo.write(".warden/policy.yml", test::standard_policy(a.alice, a.bob, a.carol, "  vouch: signed\n", "allow"));
  a.repo.commit("allow unsigned merges", &a.alice);
  a.repo.merge("evil", nullptr, "merge button");
  auto r = a.verify();
  INFO(Att::dump(r));
  CHECK_FALSE(r.authenticated);
  CHECK(m1 != x);
}

TEST_CASE("vouch holds: the vouched topic changing .warden/ needs the policy threshold", "[vouch-attack][holds]") {
  Att a;
  a.repo.write(".warden/policy.yml",
               test::standard_policy(a.alice, a.bob, a.carol, "  vouch: signed\n", "deny", /*threshold=*/2));
  // policy.threshold 2: this needs bob's approval; make it a new anchor instead.
  a.anchor = a.repo.commit("policy needs two", &a.alice);
  a.repo.git("checkout -q topic");
  a.repo.write(".warden/policy.yml", "version: 1\npeople: {}\n");
  a.repo.commit("unsigned: replace the policy", nullptr);
  a.repo.git("checkout -q main");
  a.repo.git(a.sign_flag(a.alice) + "merge -q --no-ff -S -X theirs -m 'Merge topic' topic");
  auto r = a.verify();
  INFO(Att::dump(r));
  CHECK_FALSE(r.authenticated);
}

TEST_CASE("vouch holds: a forged signature claiming alice on the topic is never vouched", "[vouch-attack][holds]") {
  Att a;
  a.repo.git("checkout -q topic");
  a.repo.write("src/f.c", "x\n");
  std::string c = a.repo.commit("alice?", &a.alice);
  // Alter the message after signing: the signature no longer verifies.
  std::string raw = a.repo.git("cat-file commit " + c) + "\n";
  raw.replace(raw.rfind("alice?"), 6, "alice!");
  std::string forged = a.repo.write_commit_object(raw);
  a.repo.git("update-ref refs/heads/topic " + forged);
  a.repo.git("checkout -q -f main");
  a.repo.merge("topic", &a.alice, "Merge topic");
  auto r = a.verify();
  INFO(Att::dump(r));
  CHECK_FALSE(r.authenticated);
  auto v = Att::find(r, forged);
  REQUIRE(v);
  CHECK_FALSE(v->ok());
}

TEST_CASE("vouch probe: an unrelated history (orphan root) merged by a maintainer", "[vouch-attack][probe]") {
  Att a;
  a.repo.git("checkout -q --orphan elsewhere");
  a.repo.git("rm -q -r --cached .");
  a.repo.git("clean -q -fdx");
  a.repo.write("vendor/lib.c", "lib\n");
  std::string root = a.repo.commit("an unrelated root", nullptr);
  a.repo.git("checkout -q -f main");
  a.repo.git(a.sign_flag(a.alice) + "merge -q --no-ff -S --allow-unrelated-histories -m 'Merge unrelated' elsewhere");
  auto r = a.verify();
  INFO(Att::dump(r));
  // DESIGN section 3: "an unrelated root ... makes the commit fail"; the
  // vouch is described for pre-anchor topics and unsigned contributors.
  auto v = Att::find(r, root);
  REQUIRE(v);
  WARN("unrelated root: " << (v->ok() ? "accepted (vouched)" : "refused"));
}
