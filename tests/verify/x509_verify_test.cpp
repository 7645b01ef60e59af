// git's x509 format through the whole engine: a CA made by openssl, kept in
// .warden/keys/; commits signed by the real git through gpgsm (or through
// `openssl cms`, for certificates gpgsm refuses to use, as a thief would);
// the policy names a person by "x509:ca=FILE,email=ADDRESS".
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "support/world.hpp"
#include "support/x509_pki.hpp"

using test::World;

namespace {

const std::string kDana = "x509:ca=corp-root.pem,email=dana@example.org";

// The standard world, then alice (a maintainer) adds dana, who signs in
// git's x509 format, with docs/ granted, and the corp CA's certificate.
struct X509World : World {
  test::Pki pki{sb};
  std::string corp = pki.ca("corp");

  explicit X509World(const std::string& extra = "") {
    std::string policy = repo.git("show HEAD:.warden/policy.yml") + "\n" + extra;
    policy.replace(policy.find("people:\n"), 8, "people:\n  dana:\n    keys: [\"" + kDana + "\"]\n");
    policy.replace(policy.find("who: [carol]"), 12, "who: [carol, dana]");
    repo.write(".warden/policy.yml", policy);
    std::ifstream in(corp);
    std::stringstream pem;
    pem << in.rdbuf();
    repo.write(".warden/keys/corp-root.pem", pem.str());
    repo.commit("dana signs with the corp PKI", &alice);
  }
};

}  // namespace

TEST_CASE("a commit signed with gpgsm by the listed e-mail of a certificate of the policy's CA is accepted",
          "[x509]") {
  X509World w;
  auto dana = w.pki.gpgsm_person(w.corp, "dana@example.org");
  w.repo.write("docs/x509.md", "signed with gpgsm\n");
  auto v = w.accepted_last(w.pki.commit(w.repo, "dana's docs", dana));
  CHECK(v.signature == warden::SignatureKind::x509);
  CHECK(v.signer == "dana");
  CHECK(v.key_fingerprint == kDana);
}

TEST_CASE("another person's certificate from the same CA is not the listed identity", "[x509]") {
  X509World w;
  auto erin = w.pki.gpgsm_person(w.corp, "erin@example.org");
  w.repo.write("docs/x509.md", "erin\n");
  std::string c = w.pki.commit(w.repo, "erin's docs", erin);
  const auto& v = w.refused(c, "unsigned");
  CHECK_THAT(v.reason(), Catch::Contains("not signed by any key the policy lists"));
  CHECK_THAT(v.signer, Catch::Contains("x509 certificate erin@example.org") && Catch::Contains("corp Root"));
}

TEST_CASE("a certificate for the listed e-mail from another CA is refused, saying it does not chain", "[x509]") {
  X509World w;
  std::string rogue = w.pki.ca("rogue");
  auto fake_dana = w.pki.gpgsm_person(rogue, "dana@example.org");
  w.repo.write("docs/x509.md", "not dana\n");
  std::string c = w.pki.commit(w.repo, "rogue docs", fake_dana);
  const auto& v = w.refused(c, "signature");
  CHECK_THAT(v.reason(), Catch::StartsWith("bad signature: " + kDana + ": certificate of"));
  CHECK_THAT(v.reason(), Catch::Contains("does not chain to O=corp,CN=corp Root") ||
                             Catch::Contains("does not chain to CN=corp Root,O=corp"));
}

TEST_CASE("a certificate that had expired when it signed, or that does not allow signing, is refused", "[x509]") {
  struct Case {
    const char* what;
    const char* eku;
    const char* start;
    const char* end;
    const char* reason;
  };
  for (const Case& c : {Case{"expired", "emailProtection", "20200101000000Z", "20210101000000Z", "certificate has expired at"},
                        Case{"a TLS server's", "serverAuth", "20250101000000Z", "20350101000000Z",
                             "allows neither e-mail protection nor code signing"}}) {
    DYNAMIC_SECTION(c.what) {
      X509World w;
      auto who = w.pki.openssl_person(w.corp, "dana@example.org",
                                      std::string("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                                  "extendedKeyUsage=") + c.eku + "\n",
                                      c.start, c.end);
      w.repo.write("docs/x509.md", c.what);
      std::string commit = w.pki.commit(w.repo, std::string("signed with an ") + c.what + " certificate", who);
      CHECK_THAT(w.refused(commit, "signature").reason(), Catch::Contains(c.reason));
    }
  }
}

TEST_CASE("an x509-signed commit whose message was changed after signing is refused", "[x509]") {
  X509World w;
  auto dana = w.pki.gpgsm_person(w.corp, "dana@example.org");
  w.repo.write("docs/x509.md", "x\n");
  std::string c = w.pki.commit(w.repo, "original message", dana);
  std::string raw = w.repo.git("cat-file commit " + c) + "\n";
  raw.replace(raw.find("original message"), 16, "changed message!");
  std::string tampered = w.repo.write_commit_object(raw);
  w.repo.git("update-ref refs/heads/main " + tampered);
  const auto& v = w.refused(tampered, "signature");
  CHECK_THAT(v.reason(), Catch::StartsWith("bad signature: x509 signature does not verify"));
}

TEST_CASE("a revoked x509 identity signs nothing more", "[x509]") {
  X509World w;
  auto dana = w.pki.gpgsm_person(w.corp, "dana@example.org");
  w.repo.write("docs/x509.md", "before\n");
  w.pki.commit(w.repo, "before the revocation", dana);
  std::string policy = w.repo.git("show HEAD:.warden/policy.yml");
  w.repo.write(".warden/policy.yml",
               policy + "\nrevoked:\n  - key: \"" + kDana + "\"\n    reason: \"smart card lost\"\n");
  w.repo.commit("revoke dana's identity", &w.alice);
  w.repo.write("docs/x509.md", "after\n");
  std::string c = w.pki.commit(w.repo, "after the revocation", dana);
  const auto& v = w.refused(c, "revocation");
  CHECK_THAT(v.reason(), Catch::Contains("smart card lost"));
}

TEST_CASE("a policy that lists an x509 identity without its CA certificate leaves it unable to sign", "[x509]") {
  World w;
  test::Pki pki{w.sb};
  std::string corp = pki.ca("corp");
  std::string policy = w.repo.git("show HEAD:.warden/policy.yml");
  policy.replace(policy.find("people:\n"), 8, "people:\n  dana:\n    keys: [\"" + kDana + "\"]\n");
  policy.replace(policy.find("who: [carol]"), 12, "who: [carol, dana]");
  w.repo.write(".warden/policy.yml", policy);
  w.repo.commit("dana, but no CA certificate", &w.alice);
  auto dana = pki.gpgsm_person(corp, "dana@example.org");
  w.repo.write("docs/x509.md", "x\n");
  std::string c = pki.commit(w.repo, "dana's docs", dana);
  const auto& v = w.refused(c, "signature");
  CHECK_THAT(v.reason(), Catch::Contains("the policy has no CA certificate .warden/keys/corp-root.pem"));
}

TEST_CASE("an approval signed in git's x509 format counts toward a policy threshold", "[x509][approval]") {
  // dana maintains; policy changes need two maintainers.
  X509World w;
  std::string policy = w.repo.git("show HEAD:.warden/policy.yml");
  policy.replace(policy.find("maintainers: [alice, bob]"), 25, "maintainers: [alice, bob, dana]");
  policy.replace(policy.find("threshold: 1"), 12, "threshold: 2");
  w.repo.write(".warden/policy.yml", policy);
  w.repo.commit("dana maintains; policy changes need two", &w.alice);
  w.repo.write(".warden/policy.yml", policy + "\n# a change\n");
  std::string change = w.repo.commit("a policy change", &w.alice);
  auto verify = [&] {
    return w.repo.verify_tuned(w.anchor, w.alice, "HEAD",
                               [&](warden::VerifyRequest& r) { r.approval_notes = w.repo.approval_notes(); });
  };
  CHECK_FALSE(verify().authenticated);
  auto dana = w.pki.gpgsm_person(w.corp, "dana@example.org");
  auto approve = w.sb.run("PATH=" + test::quote(WARDEN_BIN_DIR) + ":$PATH git " + dana.git_flags() + "warden approve " +
                              change,
                          w.repo.path());
  INFO(approve.err);
  REQUIRE(approve.status == 0);
  auto report = verify();
  INFO((test::first_refusal(report) ? test::first_refusal(report)->reason() : warden::refusal_reason(report)));
  CHECK(report.authenticated);
  REQUIRE_FALSE(report.verdicts.empty());
  CHECK(report.verdicts.back().approved_by == std::vector<std::string>{"dana"});
}

TEST_CASE("a tag signed in git's x509 format names its signer, as snapshots and ref rules ask", "[x509][tag]") {
  // Tags and snapshots are judged by one function (verify::signer_of).
  X509World w;
  auto dana = w.pki.gpgsm_person(w.corp, "dana@example.org");
  auto erin = w.pki.gpgsm_person(w.corp, "erin@example.org");
  w.repo.git(dana.git_flags() + "tag -s -m 'release 1' v1");
  w.repo.git(erin.git_flags() + "tag -s -m 'release 2' v2");
  auto signer = [&](const std::string& name) { return test::tag_signer(w.repo, name); };
  auto v1 = signer("v1");
  INFO((v1 ? "" : v1.error().message));
  REQUIRE(v1);
  CHECK(*v1 == "dana");
  auto v2 = signer("v2");
  REQUIRE_FALSE(v2);
  CHECK_THAT(v2.error().message, Catch::StartsWith("the tag is signed by a key not in the policy (key not in policy "
                                                   "(x509 certificate erin@example.org"));
}

TEST_CASE("a subject= identity, written as openssl prints it (RFC 2253), matches the gpgsm certificate it names",
          "[x509]") {
  X509World w;
  auto dana = w.pki.gpgsm_person(w.corp, "dana@example.org");
  // What docs/x509.md tells a policy writer to run.
  std::string subject = w.sb.sh("openssl x509 -noout -subject -nameopt RFC2253 -in " + test::quote(dana.cert));
  REQUIRE(subject.starts_with("subject="));
  subject = subject.substr(8);
  std::string id = "x509:ca=corp-root.pem,subject=" + subject;
  std::string policy = w.repo.git("show HEAD:.warden/policy.yml");
  policy.replace(policy.find(kDana), kDana.size(), id);
  w.repo.write(".warden/policy.yml", policy);
  w.repo.commit("dana by her subject", &w.alice);
  w.repo.write("docs/x509.md", "by subject\n");
  auto v = w.accepted_last(w.pki.commit(w.repo, "dana's docs, by subject", dana));
  CHECK(v.signer == "dana");
  CHECK(v.key_fingerprint == id);
}
