// x509: and sigstore: identities: how a policy writes them, what it
// refuses, and who they say made a real gitsign signature (sigstore/gitsign's
// offline-mode test commit) under Sigstore's public-good trusted root.
#include <catch2/catch.hpp>

#include "support/gitsign_vectors.hpp"
#include "warden/policy.hpp"
#include "warden/policy_loader.hpp"
#include "warden/x509_signature.hpp"

namespace {

std::shared_ptr<const warden::X509Signature> offline_signature() {
  auto [sig, payload] = test::split_signed_commit(test::gitsign_vector("offline.commit"));
  auto s = warden::X509Signature::verify(sig, payload);
  REQUIRE(s);
  return *s;
}

std::shared_ptr<warden::Policy> policy_with(const std::string& keys, bool with_root = true) {
  std::string text = "version: 1\npeople:\n  billy:\n    keys: [" + keys +
                     "]\ngrants:\n  - paths: [\"/\"]\n    who: [billy]\npolicy:\n  who: [billy]\n";
  auto parsed = warden::parse_policy(text, "p.yml");
  INFO((parsed.problems.empty() ? "" : parsed.problems.front()));
  REQUIRE(parsed.problems.empty());
  auto policy = std::make_shared<warden::Policy>(*parsed.policy);
  auto files = [&](const std::string& path) -> warden::Result<std::optional<std::string>> {
    if (path == warden::kSigstoreRootPath && with_root) return std::optional<std::string>(test::gitsign_vector("trusted_root.json"));
    return std::optional<std::string>();
  };
  REQUIRE(warden::attach_x509_trust(*policy, files, [](const std::string& p) { return p; }));
  return policy;
}

}  // namespace

TEST_CASE("x509 and sigstore keys are parsed into canonical identities", "[x509][policy]") {
  auto x = warden::parse_x509_identity("ca=corp-root.pem,email=dana@example.org");
  REQUIRE(x);
  CHECK(x->text == "x509:ca=corp-root.pem,email=dana@example.org");
  auto dn = warden::parse_x509_identity("subject=CN=Dana,O=Corp, Inc.,ca=corp.pem");
  REQUIRE(dn);
  CHECK(dn->subject == "CN=Dana,O=Corp, Inc.");  // commas in a subject stay in it
  CHECK(dn->text == "x509:ca=corp.pem,subject=CN=Dana,O=Corp, Inc.");
  auto s = warden::parse_sigstore_identity("identity=https://github.com/o/r/.github/workflows/w.yml@refs/heads/main,"
                                           "issuer=https://token.actions.githubusercontent.com");
  REQUIRE(s);
  CHECK(s->text ==
        "sigstore:issuer=https://token.actions.githubusercontent.com,identity=https://github.com/o/r/.github/workflows/"
        "w.yml@refs/heads/main");
}

TEST_CASE("malformed x509 and sigstore keys are refused with what to write", "[x509][policy]") {
  CHECK(warden::parse_x509_identity("ca=" + std::string(128, 'c') + ",email=d@e"));
  CHECK_FALSE(warden::parse_x509_identity("ca=" + std::string(129, 'c') + ",email=d@e"));
  for (const char* bad : {"", "email=dana@example.org", "ca=../../etc/passwd,email=d@e", "ca=c.pem",
                          "ca=c.pem,email=d@e,subject=CN=D", "ca=c.pem,mail=d@e", "ca=c.pem,email=",
                          "ca=.pem,email=d@e", "ca=c pem,email=d@e", "ca=keys/c.pem,email=d@e"}) {
    INFO(bad);
    CHECK_FALSE(warden::parse_x509_identity(bad));
  }
  for (const char* bad : {"", "issuer=https://accounts.google.com", "identity=a@b", "issuer=x,identity=y,issuer=z"}) {
    INFO(bad);
    CHECK_FALSE(warden::parse_sigstore_identity(bad));
  }
  auto parsed =
      warden::parse_policy("version: 1\npeople:\n  d:\n    keys: [\"x509:email=d@e\"]\npolicy:\n  who: [d]\n", "p.yml");
  REQUIRE_FALSE(parsed.problems.empty());
  CHECK_THAT(parsed.problems.front(), Catch::Contains("key of 'd': an x509 key names its CA certificate"));
}

TEST_CASE("a real gitsign offline-mode signature is billy's under his identity and issuer", "[x509][sigstore]") {
  auto sig = offline_signature();
  auto policy = policy_with("\"sigstore:issuer=https://accounts.google.com,identity=billy@chainguard.dev\"");
  auto who = policy->owner_of_x509(*sig);
  REQUIRE(who.person != nullptr);
  CHECK(*who.person == "billy");
  CHECK(who.identity == "sigstore:issuer=https://accounts.google.com,identity=billy@chainguard.dev");
}

TEST_CASE("the same signature is nobody's for another identity or another issuer", "[x509][sigstore]") {
  auto sig = offline_signature();
  for (const char* key : {"\"sigstore:issuer=https://github.com/login/oauth,identity=billy@chainguard.dev\"",
                          "\"sigstore:issuer=https://accounts.google.com,identity=mallory@chainguard.dev\"",
                          "\"sigstore:issuer=https://accounts.google.com,identity=BILLY@chainguard.dev\""}) {
    INFO(key);
    auto who = policy_with(key)->owner_of_x509(*sig);
    CHECK(who.person == nullptr);
    CHECK_FALSE(who.bad);
    CHECK_THAT(who.problem, Catch::Contains("billy@chainguard.dev from issuer https://accounts.google.com"));
  }
}

TEST_CASE("a sigstore identity without the policy's trust root cannot sign", "[x509][sigstore]") {
  auto sig = offline_signature();
  auto who = policy_with("\"sigstore:issuer=https://accounts.google.com,identity=billy@chainguard.dev\"", false)
                 ->owner_of_x509(*sig);
  CHECK(who.person == nullptr);
  CHECK(who.bad);
  CHECK_THAT(who.problem, Catch::Contains("the policy has no Sigstore trust root (.warden/sigstore/trusted_root.json)"));
}
