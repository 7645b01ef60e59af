// A Guix-style channel: a keyring branch holding alice's, bob's and
// charlie's certificates (*.key files), and main, whose introductory
// commit (signed by alice) authorizes alice and bob in .guix-authorizations.
#pragma once

#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "support/gpg.hpp"
#include "warden/guix_verifier.hpp"
#include "warden/openpgp_cert.hpp"

namespace test {

struct GuixWorld {
  Sandbox sb;
  Gpg gpg{sb};
  Repo repo{sb};
  const PgpKey& alice;
  const PgpKey& bob;
  const PgpKey& charlie;  // in the keyring, never authorized at first
  std::string intro;

  GuixWorld() : alice(gpg.key("alice")), bob(gpg.key("bob")), charlie(gpg.key("charlie")) {
    keyring("refs/heads/keyring", {&alice, &bob, &charlie});
    authorize({&alice, &bob});
    repo.write("README", "a channel\n");
    intro = gpg.commit(repo, "introduction", alice);
  }

  // Writes a keyring commit with one NAME.key file per key (bob's binary,
  // the others armored, one of them in a subdirectory) and points `ref` at it.
  void keyring(const std::string& ref, const std::vector<const PgpKey*>& keys) {
    std::string entries;
    std::string sub_entries;
    for (const PgpKey* k : keys) {
      std::string file = sb.dir() + "/" + k->name + ".key";
      sb.write_file(file, gpg.cert(*k, k->name != "bob"));
      std::string blob = repo.git("hash-object -w " + quote(file));
      std::string line = "100644 blob " + blob + "\t" + k->name + ".key\n";
      if (k->name == "charlie") sub_entries += line;
      else entries += line;
    }
    if (!sub_entries.empty()) {
      sb.write_file(sb.dir() + "/.subtree", sub_entries);
      std::string sub = repo.git("mktree < " + quote(sb.dir() + "/.subtree"));
      entries += "040000 tree " + sub + "\tmore\n";
    }
    sb.write_file(sb.dir() + "/.tree", entries);
    std::string tree = repo.git("mktree < " + quote(sb.dir() + "/.tree"));
    std::string commit = repo.git("commit-tree " + tree + " -m keyring");
    repo.git("update-ref " + ref + " " + commit);
  }

  // Writes .guix-authorizations listing `keys` (fingerprints spaced the way
  // gpg prints them, lower case for bob, as real channels vary).
  void authorize(const std::vector<const PgpKey*>& keys) {
    std::string text = ";; Keys authorized to sign commits.\n(authorizations\n (version 0)\n (";
    for (const PgpKey* k : keys) {
      std::string fpr = warden::format_openpgp_fingerprint(k->fingerprint);
      if (k->name == "bob")
        for (char& c : fpr) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      text += "(\"" + fpr + "\"\n   (name \"" + k->name + "\"))\n  ";
    }
    text += "))\n";
    repo.write(".guix-authorizations", text);
  }

  std::string change(const std::string& file, const PgpKey& signer, const std::string& program = "") {
    repo.write(file, file + " by " + signer.name + "\n");
    return gpg.commit(repo, "change " + file, signer, program);
  }

  warden::VerifyReport verify(const std::string& target = "HEAD", const std::string& keyring_ref = "keyring",
                              const std::string& introduction = "", const PgpKey* signer = nullptr,
                              bool strict = false) {
    auto r = warden::Repository::open(repo.path());
    REQUIRE(r);
    auto keys = warden::load_guix_keyring(*r, keyring_ref);
    INFO((keys ? "" : keys.error().message));
    REQUIRE(keys);
    warden::GuixRequest req;
    auto i = r->resolve_commit(introduction.empty() ? intro : introduction);
    auto t = r->resolve_commit(target);
    REQUIRE(i);
    REQUIRE(t);
    req.introduction = *i;
    req.signer = (signer ? *signer : alice).fingerprint;
    req.target = *t;
    req.keyring = &*keys;
    req.strict = strict;
    auto report = warden::authenticate_guix(*r, req);
    INFO((report ? "" : report.error().message));
    REQUIRE(report);
    return std::move(*report);
  }

  void accepted(const std::string& target = "HEAD") {
    auto report = verify(target);
    const warden::Verdict* v = first_refusal(report);
    INFO((v ? std::string(v->rule_name()) + ": " + v->reason() : warden::refusal_reason(report)));
    CHECK(report.authenticated);
  }

  // Requires a refusal of `commit` with `reason` (exactly).
  const warden::Verdict& refused(const std::string& commit, const std::string& rule, const std::string& reason) {
    static thread_local warden::VerifyReport report;
    report = verify();
    CHECK_FALSE(report.authenticated);
    INFO(warden::refusal_reason(report));
    const warden::Verdict* v = first_refusal(report);
    REQUIRE(v != nullptr);
    CHECK(v->commit.hex() == commit);
    CHECK(v->rule_name() == rule);
    CHECK(v->reason() == reason);
    return *v;
  }

  std::string fpr(const PgpKey& k) const { return warden::format_openpgp_fingerprint(k.fingerprint); }

  Run cli(const std::string& args) const {
    return sb.run("PATH=" + quote(WARDEN_BIN_DIR) + ":$PATH " + args, repo.path());
  }
};

}  // namespace test
