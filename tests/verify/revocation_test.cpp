// Revocation (DESIGN sections 3 and 6a): a key listed under `revoked:`
// signs nothing that counts after the revocation landed, even on a branch
// forked from before it, where the old policy still lists the key; what
// it signed before stays valid.
#include <catch2/catch.hpp>

#include "support/client_world.hpp"
#include "support/server_world.hpp"
#include "support/world.hpp"

using test::World;

namespace {

const std::string kReason = "laptop stolen 2026-11-01";

std::string revoked_section(const test::Key& key) {
  return "revoked:\n  - key: \"" + key.public_line + "\"\n    reason: \"" + kReason + "\"\n";
}

struct RevocationWorld : World {
  std::string old_docs, revoking, fork_point;

  // carol signs docs before the revocation; alice then revokes carol's
  // key (keeping her listed when `keep_listed`, an oversight the
  // revocation must survive).
  explicit RevocationWorld(bool keep_listed) {
    repo.write("docs/a.md", "carol, before\n");
    old_docs = repo.commit("carol's docs before the revocation", &carol);
    fork_point = old_docs;
    std::string policy = test::standard_policy(alice, bob, carol, revoked_section(carol));
    if (!keep_listed) {
      // carol's grant goes; her key is still revoked.
      auto at = policy.find("  - paths: [\"docs/\", \"pkgs/foo\"]\n    who: [carol]\n");
      REQUIRE(at != std::string::npos);
      policy.replace(at, std::string("  - paths: [\"docs/\", \"pkgs/foo\"]\n    who: [carol]\n").size(),
                     "  - paths: [\"docs/\", \"pkgs/foo\"]\n    who: [bob]\n");
    }
    repo.write(".warden/policy.yml", policy);
    revoking = repo.commit("revoke carol's key", &alice);
    repo.write("src/b.c", "b\n");
    repo.commit("alice after the revocation", &alice);
  }

  // carol's stolen key signs docs on a branch forked before the revocation.
  std::string fork() {
    repo.git("checkout -q -b stolen " + fork_point);
    repo.write("docs/evil.md", "backdoor\n");
    std::string evil = repo.commit("docs signed with the stolen key", &carol);
    repo.git("checkout -q main");
    return evil;
  }

  warden::VerifyReport verify_with(const std::string& target, const std::vector<std::string>& revocations_from,
                                   bool keep_going = false) {
    return repo.verify_tuned(anchor, alice, target, [&](warden::VerifyRequest& r) {
      r.keep_going = keep_going;
      for (const auto& c : revocations_from) r.revocations_from.push_back(*warden::ObjectId::from_hex(c));
    });
  }
};

std::string revoked_reason(const std::string& revoking) {
  return "signed by a revoked key (" + kReason + "), after the revocation landed in " + revoking.substr(0, 10);
}

// Requires that `report` refuses `commit` first, for its revoked key.
void check_revoked(const warden::VerifyReport& report, const std::string& commit, const std::string& revoking) {
  CHECK_FALSE(report.authenticated);
  const warden::Verdict* v = test::first_refusal(report);
  REQUIRE(v != nullptr);
  CHECK(v->commit.hex() == commit);
  CHECK(v->rule_name() == "revocation");
  CHECK(v->reason() == revoked_reason(revoking));
  CHECK(warden::refusal_line(*v).find("signer carol") != std::string::npos);
}

}  // namespace

TEST_CASE("revocation: a fork from before the revocation is refused against the policy branch's revocations",
          "[verify][revocation][attack]") {
  for (bool keep_listed : {true, false}) {
    INFO("carol still listed: " << keep_listed);
    RevocationWorld w(keep_listed);
    std::string main_tip = w.repo.git("rev-parse main");
    std::string evil = w.fork();

    // Judged by its own parents' policy, the fork passes: that is the hole.
    CHECK(w.verify_with(evil, {}).authenticated);
    // With the revocations of the policy branch (server: its tip; client:
    // its pin), it is refused, and says why.
    check_revoked(w.verify_with(evil, {main_tip}), evil, w.revoking);

    // carol's commit from before the revocation still verifies, in a full
    // audit of main and under main's revocations.
    auto full = w.verify_with(main_tip, {main_tip});
    CHECK(full.authenticated);
    CHECK(w.verify_with(w.old_docs, {main_tip}).authenticated);
    CHECK(w.verify().authenticated);
  }
}

TEST_CASE("revocation: the target's own policy refuses what the revoked key signed after it landed",
          "[verify][revocation][attack]") {
  // carol stays listed (an oversight): a maintainer merging her fork after
  // the revocation brings in a commit the target's own policy revokes.
  RevocationWorld w(true);
  std::string evil = w.fork();
  w.repo.git("-c user.signingkey=" + test::quote(w.alice.private_path) +
             " merge -q --no-ff -S -m 'merge the stolen branch' stolen");
  for (bool keep_going : {false, true}) {
    check_revoked(w.verify("HEAD", keep_going), evil, w.revoking);
  }
  // The same merge in the attacker's parent order (the fork first, main
  // second), judged from main's side (the previous tip): refused as well.
  w.repo.git("reset -q --hard HEAD~1");
  std::string main_before = w.repo.git("rev-parse HEAD");
  w.repo.git("checkout -q stolen");
  w.repo.git("-c user.signingkey=" + test::quote(w.alice.private_path) +
             " merge -q --no-ff -S -m 'merge main into the stolen branch' main");
  check_revoked(w.repo.verify(w.anchor, w.alice, "HEAD", {main_before}), evil, w.revoking);
}

TEST_CASE("revocation: a policy's revoked section is checked like its keys", "[policy][revocation]") {
  test::Sandbox sb;
  const auto& alice = sb.key("alice");
  std::string base = "version: 1\npolicy:\n  who: [alice]\npeople:\n  alice:\n    keys: [\"" + alice.public_line + "\"]\n";
  auto ok = warden::parse_policy(base + "revoked:\n  - key: \"" + sb.key("mallory").public_line +
                                 "\"\n    reason: stolen\n  - key: \"openpgp:3CE4 6455 8A84 FDC6 9DB4  0CFB 090B 1199 3D9A EBB5\"\n"
                                 "    reason: lost\n",
                                 "p.yml");
  INFO((ok.problems.empty() ? "" : ok.problems[0]));
  REQUIRE(ok.problems.empty());
  REQUIRE(ok.policy->revoked.size() == 2);
  CHECK(ok.policy->revoked[0].fingerprint == sb.key("mallory").fingerprint);
  CHECK(ok.policy->revoked[0].reason == "stolen");
  CHECK(ok.policy->revoked[1].fingerprint == "3CE464558A84FDC69DB40CFB090B11993D9AEBB5");
  CHECK(ok.policy->revocation_of(sb.key("mallory").fingerprint) != nullptr);
  CHECK(ok.policy->revocation_of(alice.fingerprint) == nullptr);

  auto problems = [&](const std::string& section) { return warden::parse_policy(base + section, "p.yml").problems; };
  CHECK(problems("revoked: x\n") == std::vector<std::string>{"p.yml:7: 'revoked' must be a list of {key, reason}"});
  CHECK(problems("revoked:\n  - key: \"ssh-ed25519 AAAA\"\n    reason: r\n") ==
        std::vector<std::string>{"p.yml:8: revoked key: malformed SSH public key"});
  CHECK(problems("revoked:\n  - key: \"" + alice.public_line + "\"\n") ==
        std::vector<std::string>{"p.yml:8: an entry of 'revoked' needs a 'reason'"});
  CHECK(problems("revoked:\n  - key: \"openpgp:1234\"\n    reason: r\n") ==
        std::vector<std::string>{"p.yml:8: a revoked OpenPGP key is 'openpgp:' and a 40-digit v4 fingerprint"});
  CHECK(problems("revoked:\n  - key: \"" + alice.public_line + "\"\n    reason: r\n  - key: \"" + alice.public_line +
                 "\"\n    reason: again\n") == std::vector<std::string>{"p.yml:10: key revoked twice"});
}

TEST_CASE("revocation: the server refuses a revoked key's fork pushed as a new branch: old work stays",
          "[server][revocation][attack][e2e]") {
  test::ServerWorld w(test::Transport::file);
  w.work.write("docs/a.md", "carol, before\n");
  std::string old_docs = w.work.commit("carol's docs before the revocation", &w.carol);
  w.work.write(".warden/policy.yml", test::standard_policy(w.alice, w.bob, w.carol,
                                                          std::string(test::kServerRefRules) + revoked_section(w.carol)));
  std::string revoking = w.work.commit("revoke carol's key", &w.alice);
  auto landed = w.push("main");
  INFO(landed.err);
  REQUIRE(landed.status == 0);

  w.work.git("checkout -q -b stolen " + old_docs);
  w.work.write("docs/evil.md", "backdoor\n");
  std::string evil = w.work.commit("docs signed with the stolen key", &w.carol);
  auto r = w.push("stolen:refs/heads/stolen");
  CHECK(r.status != 0);
  CHECK(r.err.find("remote: warden: refs/heads/stolen: REFUSED: " + evil.substr(0, 10) +
                   " \"docs signed with the stolen key\": " + revoked_reason(revoking) + " [rule revocation; signer carol") !=
        std::string::npos);
  CHECK(w.server_ref("refs/heads/stolen").empty());
  // carol's old commit, already on main, can still start a branch.
  w.work.git("checkout -q -b from-old " + old_docs);
  auto ok = w.push("from-old:refs/heads/from-old");
  INFO(ok.err);
  CHECK(ok.status == 0);
}

TEST_CASE("revocation: a client refuses a revoked key's fork fetched as a new branch", "[client][revocation][attack][e2e]") {
  test::ClientWorld w;
  std::string old_docs = w.upstream.git("rev-parse HEAD");  // "carol documents"
  w.upstream.write(".warden/policy.yml", test::standard_policy(w.alice, w.bob, w.carol, revoked_section(w.carol)));
  w.upstream.commit("revoke carol's key", &w.alice);
  w.publish("main");
  REQUIRE(w.in_client("git fetch").status == 0);
  w.upstream.git("checkout -q -b stolen " + old_docs);
  w.upstream.write("docs/evil.md", "backdoor\n");
  w.upstream.commit("docs signed with the stolen key", &w.carol);
  w.publish("stolen");
  auto r = w.in_client("git fetch");
  CHECK(r.status != 0);
  CHECK(r.err.find("origin/stolen would move to unauthenticated history") != std::string::npos);
  CHECK(r.err.find("signed by a revoked key (" + kReason + ")") != std::string::npos);
  CHECK(w.client_ref("refs/remotes/origin/stolen").empty());
}
