// Approvals (DESIGN section 6): k-of-n people for policy changes and for
// grants with a threshold, signed with `git warden approve` (ssh-keygen,
// as git signs) into refs/notes/warden; and tree approvals, which let a
// forge's squash button land work nobody signed. Each attack an approval
// could be used for is refused, with the reason the user sees.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "attest/envelope.hpp"
#include "attest/statement.hpp"
#include "signatures/base64.hpp"
#include "support/history.hpp"
#include "support/people.hpp"

namespace {

// alice, bob and carol maintain (policy changes need 2 of the 3; release/
// needs 2 of them too); dan may change docs/; mallory is in no policy.
struct ApprovalWorld : test::People {
  const test::Key& alice2;
  const test::Key& dan;
  test::Repo repo;
  std::string anchor;

  ApprovalWorld() : alice2(sb.key("alice2")), dan(sb.key("dan")), repo(sb) {
    repo.write(".warden/policy.yml", policy(""));
    repo.write("src/main.c", "int main(void) { return 0; }\n");
    repo.write("docs/index.md", "# Docs\n");
    repo.write("release/make.sh", "make\n");
    anchor = repo.commit("anchor", &alice);
  }

  std::string policy(const std::string& extra) const {
    return test::PolicyText()
        .person("alice", {&alice, &alice2})
        .person("bob", {&bob})
        .person("carol", {&carol})
        .person("dan", {&dan})
        .section(fmt::format(R"(groups:
  maintainers: [alice, bob, carol]
grants:
  - paths: ["/"]
    who: [maintainers]
  - paths: ["docs/"]
    who: [dan]
  - paths: ["release/"]
    who: [maintainers]
    threshold: 2
policy:
  who: [maintainers]
  threshold: 2
merges:
  unsigned: allow
{})",
                             extra))
        .str();
  }

  // A policy change by `signer`.
  std::string change_policy(const test::Key& signer, const std::string& extra = "unprotected: [\"drafts/\"]\n") {
    repo.write(".warden/policy.yml", policy(extra));
    return repo.commit("policy change", &signer);
  }

  test::Run approve(const std::string& rev, const test::Key& key, const std::string& more = "") {
    return repo.warden(fmt::format("approve {} --key {} {}", rev, test::quote(key.private_path), more));
  }
  void approved(const std::string& rev, const test::Key& key, const std::string& more = "") {
    auto r = approve(rev, key, more);
    INFO(r.err);
    REQUIRE(r.status == 0);
  }

  // An envelope line over `statement`, signed by `key` as approve signs.
  std::string envelope(const std::string& statement, const test::Key& key) {
    std::string pae = warden::attest::pae(warden::attest::kInTotoPayloadType, statement);
    sb.write_file(sb.dir() + "/pae", pae);
    sb.sh(fmt::format("rm -f pae.sig && ssh-keygen -q -Y sign -n git -f {} pae", test::quote(key.private_path)));
    auto bytes = warden::attest::dearmor_signature(sb.read_file(sb.dir() + "/pae.sig"));
    REQUIRE(bytes.ok());
    warden::attest::Envelope e{std::string(warden::attest::kInTotoPayloadType), statement, {{"", *bytes}}};
    return warden::attest::envelope_line(e);
  }
  void add_note(const std::string& commit, const std::string& line) {
    repo.git("notes --ref warden append -m " + test::quote(line) + " " + commit);
  }

  warden::VerifyReport verify(const std::string& target = "HEAD") {
    return repo.verify_tuned(anchor, alice, target,
                             [&](warden::VerifyRequest& r) { r.approval_notes = repo.approval_notes(); });
  }
  const warden::Verdict* refused(const std::string& commit, const std::string& rule) {
    static thread_local warden::VerifyReport report;
    report = verify();
    CHECK_FALSE(report.authenticated);
    const warden::Verdict* v = test::first_refusal(report);
    REQUIRE(v != nullptr);
    CHECK(v->commit.hex() == commit);
    CHECK(v->rule_name() == rule);
    return v;
  }
  void accepted() {
    auto report = verify();
    const warden::Verdict* v = test::first_refusal(report);
    INFO((v ? std::string(v->rule_name()) + ": " + v->reason() : warden::refusal_reason(report)));
    CHECK(report.authenticated);
  }
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("approvals: a 2-of-3 policy change needs a second person", "[approvals]") {
  ApprovalWorld w;
  std::string c = w.change_policy(w.alice);

  SECTION("refused with no approval") {
    auto* v = w.refused(c, "threshold");
    CHECK(has(v->reason(), "changing .warden/ needs 2 distinct people of policy.who, has 1: alice signed; no approval found"));
  }
  SECTION("accepted with bob's approval, which the verdict names") {
    w.approved(c, w.bob);
    auto report = w.verify();
    REQUIRE(report.authenticated);
    CHECK(report.verdicts.back().approved_by == std::vector<std::string>{"bob"});
  }
  SECTION("accepted with bob's approval in a fanned-out notes tree, as git writes many notes") {
    w.approved(c, w.bob);
    std::string blob = w.repo.git("rev-parse refs/notes/warden:" + c);
    std::string sub = w.repo.git("mktree <<'EOF'\n100644 blob " + blob + "\t" + c.substr(2) + "\nEOF");
    std::string top = w.repo.git("mktree <<'EOF'\n040000 tree " + sub + "\t" + c.substr(0, 2) + "\nEOF");
    w.repo.git("update-ref refs/notes/warden $(git commit-tree -m fanned " + top + ")");
    auto report = w.verify();
    REQUIRE(report.authenticated);
    CHECK(report.verdicts.back().approved_by == std::vector<std::string>{"bob"});
  }
  SECTION("the signer's own approval counts once") {
    w.approved(c, w.alice);
    CHECK(has(w.refused(c, "threshold")->reason(), "alice's own approval counts once"));
  }
  SECTION("the signer's second key is still the signer") {
    w.approved(c, w.alice2);
    CHECK(has(w.refused(c, "threshold")->reason(), "alice's own approval counts once"));
  }
  SECTION("a person outside policy.who counts zero") {
    w.approved(c, w.dan);
    CHECK(has(w.refused(c, "threshold")->reason(), "approved by dan, who is not in policy.who"));
  }
  SECTION("a key no policy lists counts zero") {
    w.approved(c, w.mallory);
    CHECK(has(w.refused(c, "threshold")->reason(),
              "rejected: an approval signed by a key not in the policy (" + w.mallory.fingerprint + ")"));
  }
  SECTION("an approval of another commit, replayed onto this one, counts zero") {
    std::string other = w.repo.git("rev-parse HEAD~1");
    w.add_note(c, w.envelope(warden::attest::approval_statement(*warden::ObjectId::from_hex(other)), w.bob));
    CHECK(has(w.refused(c, "threshold")->reason(),
              fmt::format("rejected: bob's approval is of commit {}, not of {}", other.substr(0, 10), c.substr(0, 10))));
  }
  SECTION("a tampered payload does not verify") {
    w.approved(c, w.bob);
    std::string line = w.repo.git("notes --ref warden show " + c);
    auto j = nlohmann::json::parse(line);
    auto payload = warden::base64_decode(j["payload"].get<std::string>());
    REQUIRE(payload);
    j["payload"] = warden::base64_encode(*payload + " ");
    w.repo.git("notes --ref warden add -f -m " + test::quote(j.dump()) + " " + c);
    CHECK(has(w.refused(c, "threshold")->reason(), "rejected: an approval with a bad signature"));
  }
  SECTION("a statement of another type is not an approval") {
    // bob's signed review (approve) of c counts toward reviews, not toward thresholds.
    std::string review = warden::attest::review_statement(
        {*warden::ObjectId::from_hex(c), warden::attest::Verdict::approve, "looks good"});
    w.add_note(c, w.envelope(review, w.bob));
    CHECK(has(w.refused(c, "threshold")->reason(), "no approval found"));
  }
  SECTION("garbage in the note is a no, never an error") {
    w.add_note(c, "{not json");
    w.add_note(c, "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"!!\",\"signatures\":[]}");
    auto* v = w.refused(c, "threshold");
    CHECK(has(v->reason(), "rejected: not an attestation"));
  }
  SECTION("a note of thousands of garbage lines makes a short refusal") {
    std::string garbage;
    for (int i = 0; i < 5000; ++i) garbage += "{not json " + std::to_string(i) + "\n";
    w.sb.write_file(w.sb.dir() + "/garbage.txt", garbage);
    w.repo.git("notes --ref warden add -f -F " + test::quote(w.sb.dir() + "/garbage.txt") + " " + c);
    auto* v = w.refused(c, "threshold");
    CHECK(has(v->reason(), "; rejected: 4980 more lines that are no statement warden can read"));
    CHECK(v->reason().size() < 4000);
  }
}

TEST_CASE("approvals: junk statements that sort first never crowd out a real approval", "[approvals][attack]") {
  // The attack (issue 27): anyone who can push notes appends, to the note
  // of an approved commit, envelopes with more signatures than the reader
  // used to check (1,000), ids chosen to sort before the real approval.
  ApprovalWorld w;
  std::string c = w.change_policy(w.alice);
  std::string real = w.envelope(warden::attest::approval_statement(*warden::ObjectId::from_hex(c)), w.bob);
  std::string junk = w.envelope(warden::attest::approval_statement(*warden::ObjectId::from_hex(c)), w.mallory);
  auto j = nlohmann::json::parse(junk);
  auto sig = j["signatures"][0];
  std::string note;
  for (int line = 0; line < 70; ++line) {  // 70 envelopes of 16 signatures: 1,120 checks
    j["signatures"] = nlohmann::json::array();
    for (int i = 0; i < 16; ++i) {
      sig["keyid"] = fmt::format("junk-{}-{}", line, i);
      j["signatures"].push_back(sig);
    }
    note += "{ " + j.dump().substr(1) + "\n";  // JSON still, and sorts first, as git's cat_sort_uniq keeps it
  }
  REQUIRE(note < real);
  w.sb.write_file(w.sb.dir() + "/note.txt", note + real + "\n");
  w.repo.git("notes --ref warden add -f -F " + test::quote(w.sb.dir() + "/note.txt") + " " + c);
  auto report = w.verify();
  const warden::Verdict* v = test::first_refusal(report);
  INFO((v ? v->reason() : warden::refusal_reason(report)));
  REQUIRE(report.authenticated);
  CHECK(report.verdicts.back().approved_by == std::vector<std::string>{"bob"});
}

TEST_CASE("approvals: revoking an approver keeps the history it approved, not what it approves later",
          "[approvals][revocation]") {
  // The attack (issue 27): bob's key is stolen and revoked. History from
  // before the revocation that bob approved must still verify; the thief's
  // new approvals with bob's key must not count.
  ApprovalWorld w;
  std::string c = w.change_policy(w.alice);
  w.approved(c, w.bob);
  std::string revoke = w.change_policy(
      w.alice, "revoked:\n  - key: \"" + w.bob.public_line + "\"\n    reason: \"laptop stolen\"\n");
  w.approved(revoke, w.carol);
  auto as_server = [&](const std::string& target) {
    return w.repo.verify_tuned(w.anchor, w.alice, target, [&](warden::VerifyRequest& r) {
      r.approval_notes = w.repo.approval_notes();
      r.revocations_from = {*warden::ObjectId::from_hex(w.repo.git("rev-parse HEAD"))};
    });
  };
  SECTION("the approved change from before the revocation still verifies, judged with the revocation") {
    auto report = as_server("HEAD");
    const warden::Verdict* v = test::first_refusal(report);
    INFO((v ? v->reason() : warden::refusal_reason(report)));
    REQUIRE(report.authenticated);
  }
  SECTION("an approval the stolen key signs after the revocation counts zero") {
    std::string later = w.change_policy(
        w.alice, "unprotected: [\"drafts/\", \"tmp/\"]\nrevoked:\n  - key: \"" + w.bob.public_line +
                     "\"\n    reason: \"laptop stolen\"\n");
    w.approved(later, w.bob);
    auto report = as_server("HEAD");
    CHECK_FALSE(report.authenticated);
    const warden::Verdict* v = test::first_refusal(report);
    REQUIRE(v != nullptr);
    CHECK(v->commit.hex() == later);
    CHECK(has(v->reason(), "bob's approval is signed by a revoked key (" + w.bob.fingerprint + ")"));
  }
}

TEST_CASE("approvals: a grant with a threshold is a two-person rule on its paths", "[approvals]") {
  ApprovalWorld w;
  w.repo.write("release/make.sh", "make release\n");
  std::string c = w.repo.commit("release script", &w.bob);
  auto* v = w.refused(c, "threshold");
  CHECK(has(v->reason(), "changing release/make.sh needs 2 distinct people of the grant to maintainers, has 1: bob signed"));
  CHECK(v->path() == "release/make.sh");
  w.approved(c, w.dan);  // not among the grant's people
  CHECK(has(w.refused(c, "threshold")->reason(), "approved by dan, who is not in the grant to maintainers"));
  w.approved(c, w.carol);
  w.accepted();
}

TEST_CASE("approvals: a brought-in policy change counts its own approvals (rule 2)", "[approvals]") {
  ApprovalWorld w;
  w.repo.git("checkout -q -b feature");
  std::string c = w.change_policy(w.alice);
  w.repo.git("checkout -q main");
  w.repo.write("docs/more.md", "more\n");
  w.repo.commit("docs", &w.dan);
  w.repo.merge("feature", nullptr, "unsigned merge of feature");
  w.refused(c, "threshold");
  w.approved(c, w.carol);
  w.accepted();
}

TEST_CASE("tree approvals: a forge's squash commit lands what an approver may change", "[approvals][squash]") {
  ApprovalWorld w;
  w.repo.git("checkout -q -b feature");
  w.repo.write("src/feature.c", "feature\n");
  w.repo.commit("feature, part 1", &w.mallory);  // work by someone the policy does not list
  w.repo.write("src/feature.c", "feature, better\n");
  w.repo.commit("feature, part 2", &w.mallory);
  w.repo.git("checkout -q main");
  std::string base = w.repo.git("rev-parse HEAD");
  // The forge's button: one new commit on main with the feature's tree.
  auto squash = [&](const test::Key* forge) {
    w.repo.git("merge -q --squash feature");
    return w.repo.commit("Squashed: feature", forge);
  };

  SECTION("unsigned, accepted with bob's tree approval") {
    w.approved("feature", w.bob, "--squash-onto main");
    std::string c = squash(nullptr);
    auto report = w.verify();
    REQUIRE(report.authenticated);
    CHECK(report.verdicts.back().tree_approved_by == "bob");
    CHECK(has(report.verdicts.back().signer, "bob (tree approval"));
  }
  SECTION("signed by the forge's own key, which no policy lists, accepted too") {
    w.approved("feature", w.bob, "--squash-onto main");
    squash(&w.mallory);
    w.accepted();
  }
  SECTION("refused without a tree approval") {
    std::string c = squash(nullptr);
    w.refused(c, "unsigned");
  }
  SECTION("refused when main moved: the approval names another parent") {
    w.approved("feature", w.bob, "--squash-onto main");
    w.repo.write("docs/moved.md", "moved\n");
    w.repo.commit("main moved", &w.dan);
    std::string c = squash(nullptr);
    auto* v = w.refused(c, "unsigned");
    CHECK(has(v->reason(), "tree approvals") == false);  // none on this parent
  }
  SECTION("refused when the tree differs from the approved one") {
    w.approved("feature", w.bob, "--squash-onto main");
    w.repo.git("merge -q --squash feature");
    w.repo.write("src/extra.c", "slipped in\n");
    std::string c = w.repo.commit("Squashed: feature, and more", nullptr);
    auto* v = w.refused(c, "unsigned");
    CHECK(has(v->reason(), "bob's tree approval is of tree"));
  }
  SECTION("refused when the approver has no grant for the paths") {
    w.approved("feature", w.dan, "--squash-onto main");
    std::string c = squash(nullptr);
    auto* v = w.refused(c, "unsigned");
    CHECK(has(v->reason(), "by dan, which does not authorize it: dan has no grant covering src/feature.c"));
  }
  CHECK(base.size() == 40);
}

TEST_CASE("approve: the envelope is DSSE with an in-toto statement, as docs/attestations.md says", "[approvals]") {
  ApprovalWorld w;
  std::string c = w.change_policy(w.alice);
  w.approved(c, w.bob);
  auto j = nlohmann::json::parse(w.repo.git("notes --ref warden show " + c));
  CHECK(j["payloadType"] == "application/vnd.in-toto+json");
  auto statement = nlohmann::json::parse(*warden::base64_decode(j["payload"].get<std::string>()));
  CHECK(statement["_type"] == "https://in-toto.io/Statement/v1");
  CHECK(statement["predicateType"] == "urn:warden:attestation:approval:v1");
  CHECK(statement["subject"][0]["digest"]["gitCommit"] == c);
  CHECK(j["signatures"][0]["keyid"] == w.bob.fingerprint);
  // A second approval is merged into the same note, one line each.
  w.approved(c, w.carol);
  CHECK(w.repo.git("notes --ref warden show " + c).find('\n') != std::string::npos);
}

#include "support/server_world.hpp"

TEST_CASE("approvals on a guarded server: junk statements and late rejecting reviews are not stored",
          "[approvals][server][e2e][attack]") {
  // The attacks (issue 27): anyone who can push appends junk envelopes (a
  // key no policy lists) to the notes the server serves, for ever; a
  // reviewer's key signs a rejecting review of a commit that has landed.
  test::ServerWorld w(test::Transport::file);
  w.work.write("src/a.c", "a\n");
  std::string c = w.work.commit("a change", &w.alice);
  auto first = w.push("main");
  INFO(first.err);
  REQUIRE(first.status == 0);
  SECTION("a statement signed by a key no policy lists is refused, naming it") {
    auto junk = w.cli("git warden approve " + c + " --key " + test::quote(w.mallory.private_path), w.work.path());
    REQUIRE(junk.status == 0);
    auto r = w.push("refs/notes/warden");
    INFO(r.err);
    CHECK(r.status != 0);
    CHECK(has(r.err, "refs/notes/warden adds to the note on " + c.substr(0, 10) +
                         " a statement signed by a key not in the policy (" + w.mallory.fingerprint +
                         "): only statements signed by keys of the policy are stored"));
    CHECK(w.server_ref("refs/notes/warden").empty());
  }
  SECTION("garbage is refused") {
    w.work.git("notes --ref warden add -m '{not json' " + c);
    auto r = w.push("refs/notes/warden");
    CHECK(r.status != 0);
    CHECK(has(r.err, "what is no statement warden can read"));
  }
  SECTION("bob's approving review is stored; his rejecting review of the landed commit is not") {
    auto ok = w.cli("git warden attest review " + c + " --verdict approve --key " + test::quote(w.bob.private_path),
                    w.work.path());
    REQUIRE(ok.status == 0);
    auto stored = w.push("refs/notes/warden");
    INFO(stored.err);
    CHECK(stored.status == 0);
    auto late = w.cli("git warden attest review " + c + " --verdict reject --key " + test::quote(w.bob.private_path),
                      w.work.path());
    REQUIRE(late.status == 0);
    auto r = w.push("refs/notes/warden");
    CHECK(r.status != 0);
    CHECK(has(r.err, "bob's rejecting review of " + c.substr(0, 10) + ", which has already landed on the policy branch"));
  }
}

TEST_CASE("approvals on a guarded server: counted from the same push: the notes only move forward",
          "[approvals][server][e2e]") {
  test::ServerWorld w(test::Transport::file);
  auto policy = [&](const std::string& extra) {
    return test::standard_policy(w.alice, w.bob, w.carol, std::string(test::kServerRefRules) + extra, "allow", 2);
  };
  w.work.write(".warden/policy.yml", policy(""));
  w.work.commit("policy changes need two people", &w.alice);  // under the anchor's policy, one is enough
  auto first = w.push("main");
  INFO(first.err);
  REQUIRE(first.status == 0);

  w.work.write(".warden/policy.yml", policy("# reviewed\n"));
  std::string c = w.work.commit("a policy change", &w.alice);
  auto alone = w.push("main");
  CHECK(alone.status != 0);
  CHECK(alone.err.find("changing .warden/ needs 2 distinct people of policy.who, has 1: alice signed; no approval found") !=
        std::string::npos);

  auto approve = w.cli("git warden approve " + c + " --key " + test::quote(w.bob.private_path), w.work.path());
  INFO(approve.err);
  REQUIRE(approve.status == 0);
  auto both = w.push("main refs/notes/warden");
  INFO(both.err);
  CHECK(both.status == 0);
  CHECK(w.server_ref("refs/heads/main") == c);
  CHECK_FALSE(w.server_ref("refs/notes/warden").empty());
  // Installing again checks the policy branch with the approvals it holds.
  auto again = w.cli("git warden install --server --force", w.srv);
  INFO(again.err);
  CHECK(again.status == 0);

  // Approvals are never taken back: no rewind, no deletion.
  std::string approved_notes = w.server_ref("refs/notes/warden");
  w.work.git("notes --ref other add -m unrelated " + c);
  auto rewind = w.push("+refs/notes/other:refs/notes/warden");
  INFO(rewind.err);
  CHECK(rewind.status != 0);
  CHECK(rewind.err.find("non-fast-forward update of refs/notes/warden refused") != std::string::npos);
  auto deletion = w.push(":refs/notes/warden");
  INFO(deletion.err);
  CHECK(deletion.status != 0);
  CHECK(deletion.err.find("refs/notes/warden holds approvals and cannot be deleted") != std::string::npos);
  CHECK(w.server_ref("refs/notes/warden") == approved_notes);
}

TEST_CASE("approvals on a guarded server: a change on a pushed branch, approved later, lands on main",
          "[approvals][server][e2e]") {
  test::ServerWorld w(test::Transport::file);
  auto policy = [&](const std::string& extra) {
    return test::standard_policy(w.alice, w.bob, w.carol, std::string(test::kServerRefRules) + extra, "allow", 2);
  };
  w.work.write(".warden/policy.yml", policy(""));
  w.work.commit("policy changes need two people", &w.alice);
  REQUIRE(w.push("main").status == 0);

  w.work.git("checkout -q -b proposal");
  w.work.write(".warden/policy.yml", policy("# proposed\n"));
  std::string c = w.work.commit("a proposed policy change", &w.alice);
  auto unapproved = w.push("proposal");
  CHECK(unapproved.status != 0);
  CHECK(unapproved.err.find("needs 2 distinct people of policy.who, has 1") != std::string::npos);

  // bob approves in his own time; the approval goes up alone, then the
  // branch, then main takes the change: each counts what the server holds.
  auto approve = w.cli("git warden approve " + c + " --key " + test::quote(w.bob.private_path), w.work.path());
  INFO(approve.err);
  REQUIRE(approve.status == 0);
  auto notes = w.push("refs/notes/warden");
  INFO(notes.err);
  REQUIRE(notes.status == 0);
  auto branch = w.push("proposal");
  INFO(branch.err);
  CHECK(branch.status == 0);
  CHECK(w.server_ref("refs/heads/proposal") == c);
  auto main = w.push("proposal:main");
  INFO(main.err);
  CHECK(main.status == 0);
  CHECK(w.server_ref("refs/heads/main") == c);
}

TEST_CASE("policy check explains every threshold: a grant's threshold is checked like policy.threshold",
          "[approvals][policy]") {
  ApprovalWorld w;
  w.sb.write_file(w.sb.dir() + "/p.yml", w.policy(""));
  auto r = w.sb.run("PATH=" + test::quote(WARDEN_BIN_DIR) + ":$PATH git warden policy check p.yml");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(has(r.out, "changes to .warden/ need 2 distinct people of maintainers (alice, bob, carol): the signer and 1 "
                   "approval by others of them (git warden approve)"));
  CHECK(has(r.out, "changes to release/ need 2 distinct people of maintainers: the signer and 1 approval by others of "
                   "them (git warden approve); other grants do not lift this"));

  std::string too_many = w.policy("");
  too_many.replace(too_many.find("    threshold: 2"), 16, "    threshold: 4");
  auto parsed = warden::parse_policy(too_many, "p.yml");
  REQUIRE(parsed.problems.size() == 1);
  CHECK(has(parsed.problems[0], "'threshold' 4 is more than the 3 people of the grant's 'who'"));
  std::string zero = w.policy("");
  zero.replace(zero.find("    threshold: 2"), 16, "    threshold: 0");
  parsed = warden::parse_policy(zero, "p.yml");
  REQUIRE(parsed.problems.size() == 1);
  CHECK(has(parsed.problems[0], "'threshold' must be a whole number of at least 1"));
}

#include "support/client_world.hpp"

TEST_CASE("approvals on a client: fetched with the branch they approve, atomic or not: clone fetches them",
          "[approvals][client][e2e]") {
  test::ClientWorld w;
  auto policy = [&](const std::string& extra) {
    return test::standard_policy(w.alice, w.bob, w.carol, extra, "allow", 2);
  };
  auto fetch = [&](const std::string& how) { return w.in_client(how); };
  auto approve = [&](const std::string& rev, const test::Key& key) {
    auto r = w.cli("git warden approve " + rev + " --key " + test::quote(key.private_path), w.upstream.path());
    INFO(r.err);
    REQUIRE(r.status == 0);
  };
  w.upstream.write(".warden/policy.yml", policy(""));
  w.upstream.commit("policy changes need two people", &w.alice);
  w.publish("main");
  REQUIRE(fetch("git fetch").status == 0);

  w.upstream.write(".warden/policy.yml", policy("# reviewed once\n"));
  std::string c = w.upstream.commit("a policy change", &w.alice);
  w.publish("main");
  auto alone = fetch("git fetch");
  CHECK(alone.status != 0);
  CHECK(has(alone.err, "changing .warden/ needs 2 distinct people of policy.who, has 1: alice signed; no approval found"));
  CHECK(w.client_ref("refs/remotes/origin/main") != c);

  // bob's approval, published after the change: the next fetch brings the
  // notes and the branch together, and counts it.
  approve(c, w.bob);
  w.publish("refs/notes/warden");
  // (git moves origin/main, the branch main merges, before the notes ref:
  // the hook finds the approvals among the objects the fetch wrote.)
  auto both = fetch("git fetch");
  INFO(both.err);
  CHECK(both.status == 0);
  CHECK(w.client_ref("refs/remotes/origin/main") == c);
  CHECK(w.pin("main") == c);

  // An atomic fetch moves notes and branch in one transaction (the hook
  // reads the approvals from the transaction itself); a fetch large enough
  // to keep its pack rather than unpack it is looked at too.
  for (std::string how : {"git fetch --atomic", "git -c fetch.unpackLimit=1 fetch"}) {
    w.upstream.write(".warden/policy.yml", policy("# reviewed for " + how + "\n"));
    std::string next = w.upstream.commit("another policy change", &w.bob);
    approve(next, w.alice);
    w.publish("main refs/notes/warden");
    auto r = fetch(how);
    INFO(how << ": " << r.err);
    CHECK(r.status == 0);
    CHECK(w.client_ref("refs/remotes/origin/main") == next);
  }

  // A fresh clone fetches the approvals with the branches before verifying.
  auto cloned = w.cli("git warden clone " + test::quote("file://" + w.remote) + " second --anchor " + w.anchor_arg(),
                      w.sb.dir());
  INFO(cloned.err);
  CHECK(cloned.status == 0);
  CHECK(has(cloned.out, "verified and pinned"));

  // Without the approvals the same history does not clone.
  std::string bare = w.sb.dir() + "/no-notes.git";
  w.sb.sh("git init -q --bare -b main " + test::quote(bare));
  w.upstream.git("push -q " + test::quote(bare) + " main");
  auto refused = w.cli("git warden clone " + test::quote("file://" + bare) + " third --anchor " + w.anchor_arg(),
                       w.sb.dir());
  CHECK(refused.status != 0);
  CHECK(has(refused.err, "needs 2 distinct people of policy.who"));
}

#include "support/pgp_world.hpp"

TEST_CASE("approvals signed with OpenPGP keys (gpg, as git signs) count like SSH ones", "[approvals][openpgp][e2e]") {
  test::PgpWorld w;
  const test::PgpKey& bob = w.gpg.key("bob");
  const test::PgpKey& eve = w.gpg.key("eve");  // her certificate is in the tree; no policy lists her
  auto policy = [&](const std::string& extra) {
    return test::PolicyText()
        .person_lines("alice", {"openpgp:" + w.alice.fingerprint})
        .person_lines("bob", {"openpgp:" + bob.fingerprint})
        .section("grants:\n  - paths: [\"/\"]\n    who: [alice, bob]\npolicy:\n  who: [alice, bob]\n  threshold: 2\n" +
                 extra)
        .str();
  };
  w.repo.write(".warden/policy.yml", policy(""));
  w.write_cert(w.alice);
  w.write_cert(bob);
  w.write_cert(eve);
  w.anchor = w.gpg.commit(w.repo, "anchor", w.alice);
  w.repo.write(".warden/policy.yml", policy("unprotected: [\"drafts/\"]\n"));
  std::string c = w.gpg.commit(w.repo, "a policy change", w.alice);

  auto run = [&](const std::string& cmd) {
    return w.sb.run(w.gpg.env() + "PATH=" + test::quote(WARDEN_BIN_DIR) + ":$PATH " + cmd, w.repo.path());
  };
  auto approve = [&](const test::PgpKey& key) {
    auto r = run("git -c gpg.format=openpgp warden approve " + c + " --key " + key.signing);
    INFO(r.err);
    REQUIRE(r.status == 0);
  };
  std::string verify = "git warden verify --no-cache --anchor " + w.anchor + ":" + w.alice.fingerprint;

  auto alone = run(verify);
  CHECK(alone.status != 0);
  CHECK(has(alone.out + alone.err, "needs 2 distinct people of policy.who, has 1: alice signed; no approval found"));

  approve(eve);
  auto outsider = run(verify);
  CHECK(outsider.status != 0);
  CHECK(has(outsider.out + outsider.err, "has 1: alice signed; rejected: "));
  CHECK(has(outsider.out + outsider.err, eve.fingerprint));

  approve(bob);
  auto both = run(verify);
  INFO(both.out + both.err);
  CHECK(both.status == 0);
  CHECK(has(both.out, "bob"));
}

// git's own config files decide how approve signs, as they decide how git
// commit -S does: gpg.format set through GIT_CONFIG_GLOBAL (as CI systems
// set it) is seen, and an SSH key named while gpg.format is openpgp is
// said in one line, not handed to gpg.
TEST_CASE("approve: gpg.format comes from git's config files, and an SSH key without it is named", "[approvals][config][e2e]") {
  ApprovalWorld w;
  std::string c = w.change_policy(w.alice);
  w.repo.git("config --unset gpg.format");
  auto openpgp = w.approve(c, w.bob);
  CHECK(openpgp.status == 2);
  CHECK(openpgp.err == "warden: error: the signing key '" + w.bob.private_path +
                           "' is an SSH key, but gpg.format is openpgp (git's default): set gpg.format to ssh (git "
                           "config gpg.format ssh), as for git commit -S, or name an OpenPGP key\n");
  w.sb.write_file(w.sb.dir() + "/ci-gitconfig", "[gpg]\n\tformat = ssh\n");
  auto with_global = w.sb.run(fmt::format("GIT_CONFIG_GLOBAL={} PATH={}:$PATH git warden approve {} --key {}",
                                          test::quote(w.sb.dir() + "/ci-gitconfig"), test::quote(WARDEN_BIN_DIR), c,
                                          test::quote(w.bob.private_path)),
                              w.repo.path());
  INFO(with_global.err);
  CHECK(with_global.status == 0);
  CHECK(w.repo.git("notes --ref=refs/notes/warden show " + c).find("\"payloadType\"") != std::string::npos);
}
