// A sequoia-git-shaped repository: openpgp-policy.toml written as sq-git
// writes it (a table per user, capabilities true/false, the armored
// keyring), commits signed by the real gpg through the real git, and
// warden's sequoia-git verification from a trust root.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "support/gpg.hpp"
#include "warden/refusal.hpp"
#include "warden/repository.hpp"
#include "warden/sequoia_verifier.hpp"

namespace test {

struct SequoiaUserSpec {
  std::string name;
  std::set<std::string> caps;  // "sign_commit", "add_user", ...
  std::vector<std::string> keyring;  // armored certificates
};

inline const std::set<std::string> kAllCaps = {"sign_commit", "sign_tag",    "sign_archive",
                                               "add_user",    "retire_user", "audit"};

struct SequoiaWorld {
  Sandbox sb;
  Gpg gpg{sb};
  Repo repo{sb};
  const PgpKey& alice;  // the project maintainer: every capability
  const PgpKey& bob;    // sign_commit only
  std::map<std::string, SequoiaUserSpec> users;
  std::vector<std::string> goodlist;
  std::string root;  // the trust root: alice's first commit

  SequoiaWorld() : alice(gpg.key("alice")), bob(gpg.key("bob")) {
    users["Alice <alice@example.org>"] = {"Alice <alice@example.org>", kAllCaps, {gpg.cert(alice)}};
    users["Bob <bob@example.org>"] = {"Bob <bob@example.org>", {"sign_commit"}, {gpg.cert(bob)}};
    write_policy();
    repo.write("README", "a project\n");
    root = gpg.commit(repo, "Add a signing policy", alice);
  }

  void write_policy() {
    std::string text = "version = 0\ncommit_goodlist = [";
    for (size_t i = 0; i < goodlist.size(); ++i) text += (i ? ", \"" : "\"") + goodlist[i] + "\"";
    text += "]\n";
    for (const auto& [name, u] : users) {
      text += "\n[authorization.\"" + name + "\"]\n";
      for (const auto& c : kAllCaps)
        if (u.caps.count(c)) text += c + " = true\n";
      text += "keyring = \"\"\"\n";
      for (const auto& k : u.keyring) text += k;
      text += "\"\"\"\n";
    }
    repo.write("openpgp-policy.toml", text);
  }

  std::string change(const std::string& file, const PgpKey& signer, const std::string& program = "") {
    repo.write(file, file + " by " + signer.name + "\n");
    return gpg.commit(repo, "change " + file, signer, program);
  }
  // Writes the policy as `users` and `goodlist` say and commits it.
  std::string policy_commit(const std::string& message, const PgpKey& signer, const std::string& program = "") {
    write_policy();
    return gpg.commit(repo, message, signer, program);
  }

  warden::VerifyReport verify(const std::string& target = "HEAD", const std::string& trust_root = "",
                              const std::string& via = "", bool keep_going = false) {
    auto r = warden::Repository::open(repo.path());
    REQUIRE(r);
    auto root_id = r->resolve_commit(trust_root.empty() ? root : trust_root);
    auto t = r->resolve_commit(target);
    REQUIRE(root_id);
    REQUIRE(t);
    warden::SequoiaRequest req;
    req.trust_root = *root_id;
    req.target = *t;
    req.keep_going = keep_going;
    if (!via.empty()) {
      auto v = r->resolve_commit(via);
      REQUIRE(v);
      req.via = *v;
    }
    auto report = warden::authenticate_sequoia(*r, req);
    INFO((report ? "" : report.error().message));
    REQUIRE(report);
    return std::move(*report);
  }

  static const warden::Verdict* first_refusal(const warden::VerifyReport& report) {
    for (const auto& v : report.verdicts)
      if (!v.ok() && !v.inherited) return &v;
    return nullptr;
  }

  void accepted(const std::string& target = "HEAD") {
    auto report = verify(target);
    const warden::Verdict* v = first_refusal(report);
    INFO((v ? std::string(v->rule_name()) + ": " + v->reason() : warden::refusal_reason(report)));
    CHECK(report.authenticated);
  }

  // Requires that the target is not authenticated and that `commit` is
  // the first commit refused on its own account, by `rule`; returns it.
  warden::Verdict refused(const std::string& commit, const std::string& rule, const std::string& target = "HEAD") {
    auto report = verify(target);
    CHECK_FALSE(report.authenticated);
    INFO(warden::refusal_reason(report));
    const warden::Verdict* v = first_refusal(report);
    REQUIRE(v != nullptr);
    CHECK(v->commit.hex() == commit);
    CHECK(v->rule_name() == rule);
    return *v;
  }

  std::string fpr(const PgpKey& k) const { return warden::format_openpgp_fingerprint(k.fingerprint); }

  Run cli(const std::string& args) const {
    return sb.run("PATH=" + quote(WARDEN_BIN_DIR) + ":$PATH " + args, repo.path());
  }
};

}  // namespace test
