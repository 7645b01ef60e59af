// A repository whose policy lists OpenPGP keys: alice (ed25519) is the
// maintainer who signs the anchor; tests add people and certificates.
#pragma once

#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "support/gpg.hpp"
#include "warden/anchor.hpp"
#include "warden/openpgp_cert.hpp"

namespace test {

struct PgpWorld {
  Sandbox sb;
  Gpg gpg{sb};
  Repo repo{sb};
  const PgpKey& alice;
  std::string anchor;

  PgpWorld() : alice(gpg.key("alice")) {}

  // Writes a policy in which `people` (name, key lines) may change
  // everything but .warden/, alice may change the policy, drafts/ is
  // unprotected; writes the certificates of `certs`; commits the anchor
  // signed by alice. alice herself is listed unless `people` names her.
  void start(std::vector<std::pair<std::string, std::vector<std::string>>> people = {},
             const std::vector<const PgpKey*>& certs = {}) {
    bool has_alice = false;
    for (const auto& p : people) has_alice |= p.first == "alice";
    if (!has_alice) people.insert(people.begin(), {"alice", {"openpgp:" + alice.fingerprint}});
    PolicyText policy;
    std::string who;
    for (const auto& [name, keys] : people) {
      policy.person_lines(name, keys);
      who += (who.empty() ? "" : ", ") + name;
    }
    policy.section("grants:\n  - paths: [\"/\"]\n    who: [" + who +
                   "]\nunprotected: [\"drafts/\"]\npolicy:\n  who: [alice]\n  threshold: 1\n");
    repo.write(".warden/policy.yml", policy.str());
    write_cert(alice);
    for (const PgpKey* k : certs) write_cert(*k);
    repo.write("src/main.c", "int main(void) { return 0; }\n");
    anchor = gpg.commit(repo, "anchor", alice);
  }

  void write_cert(const PgpKey& k, bool armored = true) {
    repo.write(".warden/keys/" + k.fingerprint + ".asc", gpg.cert(k, armored));
  }

  std::string change(const std::string& file, const std::string& content, const PgpKey& signer,
                     const std::string& program = "") {
    repo.write(file, content);
    return gpg.commit(repo, "change " + file, signer, program);
  }

  warden::VerifyReport verify(const std::string& target = "HEAD", size_t parallel_from = 64) {
    return repo.verify_fpr(anchor, alice.fingerprint, target, false, parallel_from);
  }

  void accepted() {
    auto report = verify();
    const warden::Verdict* v = first_refusal(report);
    INFO((v ? std::string(v->rule_name()) + ": " + v->reason() : warden::refusal_reason(report)));
    CHECK(report.authenticated);
  }

  const warden::Verdict& refused(const std::string& commit, const std::string& rule) {
    static thread_local warden::VerifyReport report;
    report = verify();
    CHECK_FALSE(report.authenticated);
    const warden::Verdict* v = first_refusal(report);
    INFO(warden::refusal_reason(report));
    REQUIRE(v != nullptr);
    CHECK(v->commit.hex() == commit);
    CHECK(v->rule_name() == rule);
    return *v;
  }
};

}  // namespace test
