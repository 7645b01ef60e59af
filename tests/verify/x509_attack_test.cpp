// An attack review of x509 and gitsign signatures: inputs an attacker or a
// careless policy writer controls, and what warden decides on them, next to
// what gitsign (Go's crypto/x509), `openssl cms -verify` or sigstore-go
// decide. Each case was a hole or a difference when it was written.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "signatures/base64.hpp"
#include "support/fake_sigstore.hpp"
#include "support/gitsign_vectors.hpp"
#include "support/sandbox.hpp"
#include "support/world.hpp"
#include "support/x509_pki.hpp"
#include "warden/policy.hpp"
#include "warden/policy_loader.hpp"
#include "warden/x509_signature.hpp"

using test::quote;

namespace {

// A PKI made with the openssl command line, and detached CMS signatures
// made with `openssl cms -sign` (signingTime included), as gpgsm or a
// thief's script makes them.
struct MiniPki {
  test::Sandbox sb;

  // A CA (self-signed when `issuer` is empty) with these extra extensions.
  std::string ca(const std::string& name, const std::string& issuer = "", const std::string& ext = "") {
    std::string d = sb.dir() + "/" + name;
    sb.sh("mkdir -p " + quote(d));
    sb.write_file(d + "/ext", "[x]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n" + ext);
    if (issuer.empty()) {
      sb.sh("cd " + quote(d) +
            " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out cert.pem"
            " -days 3650 -subj " + quote("/CN=" + name) + " -config /dev/null -extensions x -extfile ext 2>/dev/null || "
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out cert.pem"
            " -days 3650 -subj " + quote("/CN=" + name) +
            " -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null");
    } else {
      issue(d, issuer, "/CN=" + name);
    }
    return d;
  }
  // A signing certificate: subject `subj`, extensions `ext` (SAN etc.).
  std::string leaf(const std::string& name, const std::string& issuer, const std::string& subj, const std::string& ext) {
    std::string d = sb.dir() + "/" + name;
    sb.sh("mkdir -p " + quote(d));
    sb.write_file(d + "/ext", "[x]\n" + ext);
    issue(d, issuer, subj);
    return d;
  }
  void issue(const std::string& d, const std::string& issuer, const std::string& subj) {
    sb.sh("cd " + quote(d) +
          " && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out req.csr -subj " +
          quote(subj) + " 2>/dev/null && openssl x509 -req -in req.csr -CA " + quote(issuer + "/cert.pem") + " -CAkey " +
          quote(issuer + "/key.pem") + " -CAcreateserial -days 365 -extfile ext -extensions x -out cert.pem 2>/dev/null");
  }
  // The armored detached signature of `payload` by `signer`, carrying `chain` (PEM files).
  std::string sign(const std::string& signer, const std::string& payload, const std::vector<std::string>& chain = {}) {
    sb.write_file(sb.dir() + "/payload", payload);
    std::string certfile;
    if (!chain.empty()) {
      std::string all;
      for (const auto& c : chain) all += sb.read_file(c + "/cert.pem");
      sb.write_file(sb.dir() + "/chain.pem", all);
      certfile = " -certfile " + quote(sb.dir() + "/chain.pem");
    }
    std::string b64 = sb.sh("openssl cms -sign -binary -md sha256 -signer " + quote(signer + "/cert.pem") + " -inkey " +
                            quote(signer + "/key.pem") + certfile + " -in " + quote(sb.dir() + "/payload") +
                            " -outform DER | base64 -w 64");
    return "-----BEGIN SIGNED MESSAGE-----\n" + b64 + "\n-----END SIGNED MESSAGE-----\n";
  }
  std::string pem(const std::string& d) { return sb.read_file(d + "/cert.pem"); }
};

std::shared_ptr<warden::Policy> policy_from(const std::string& text, const std::map<std::string, std::string>& files) {
  auto parsed = warden::parse_policy(text, "p.yml");
  INFO((parsed.problems.empty() ? "" : parsed.problems.front()));
  REQUIRE(parsed.problems.empty());
  auto policy = std::make_shared<warden::Policy>(*parsed.policy);
  auto source = [&](const std::string& path) -> warden::Result<std::optional<std::string>> {
    auto it = files.find(path);
    if (it == files.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  };
  REQUIRE(warden::attach_x509_trust(*policy, source, [](const std::string& p) { return p; }));
  return policy;
}

const char* kSigning = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=emailProtection\n";

// Whether `policy` revokes the signer of `sig` matched as `who`, as the
// engine asks it (verify/signer.cpp, verify/revocations.cpp).
bool revoked_under(const warden::Policy& policy, const warden::X509Signer& who, const warden::X509Signature& sig) {
  if (policy.revocation_of(who.key) != nullptr) return true;
  for (const auto& name : warden::x509_revocation_names(sig))
    if (policy.revocation_of(name) != nullptr) return true;
  return false;
}

}  // namespace

// Revocation once compared identity texts byte for byte, while an x509:
// identity matches certificates without case (email=) and a certificate can
// match several identities of the policy (email= and subject=): the
// revocation of one spelling did not revoke the same certificate matched
// through another. Revocations now name the certificate's names
// (warden::x509_revocation_names), as the engine checks them.
TEST_CASE("x509 attack: a revoked x509 identity signs nothing under another spelling of it", "[x509][attack]") {
  MiniPki pki;
  std::string corp = pki.ca("corp");
  std::string dana = pki.leaf("dana", corp, "/O=People/CN=dana", std::string(kSigning) + "subjectAltName=email:dana@example.org\n");
  std::string payload = "tree 0000\n\nafter the revocation\n";
  auto sig = warden::X509Signature::verify(pki.sign(dana, payload), payload);
  REQUIRE(sig);
  const std::string revoked = "x509:ca=corp.pem,email=dana@example.org";

  SECTION("the identity as the certificate (or init) spells it, revoked as a maintainer types it") {
    auto policy = policy_from(
        "version: 1\npeople:\n  dana:\n    keys: [\"x509:ca=corp.pem,email=Dana@Example.ORG\"]\n"
        "policy:\n  who: [dana]\nrevoked:\n  - key: \"" + revoked + "\"\n    reason: \"key stolen\"\n",
        {{".warden/keys/corp.pem", pki.pem(corp)}});
    auto who = policy->owner_of_x509(**sig);
    REQUIRE(who.person != nullptr);  // the revoked address matches this certificate...
    CHECK(revoked_under(*policy, who, **sig));
  }
  SECTION("a second identity of the same person (subject=) that matches the same certificate") {
    auto policy = policy_from(
        "version: 1\npeople:\n  dana:\n    keys: [\"x509:ca=corp.pem,subject=CN=dana,O=People\", \"" + revoked + "\"]\n"
        "policy:\n  who: [dana]\nrevoked:\n  - key: \"" + revoked + "\"\n    reason: \"key stolen\"\n",
        {{".warden/keys/corp.pem", pki.pem(corp)}});
    auto who = policy->owner_of_x509(**sig);
    REQUIRE(who.person != nullptr);
    CHECK(who.identity == "x509:ca=corp.pem,subject=CN=dana,O=People");
    CHECK(revoked_under(*policy, who, **sig));
  }
  SECTION("the same CA kept under another file name by an older policy") {
    auto policy = policy_from(
        "version: 1\npeople:\n  dana:\n    keys: [\"x509:ca=corp-root.pem,email=dana@example.org\"]\n"
        "policy:\n  who: [dana]\nrevoked:\n  - key: \"" + revoked + "\"\n    reason: \"key stolen\"\n",
        {{".warden/keys/corp-root.pem", pki.pem(corp)}, {".warden/keys/corp.pem", pki.pem(corp)}});
    auto who = policy->owner_of_x509(**sig);
    REQUIRE(who.person != nullptr);
    CHECK(revoked_under(*policy, who, **sig));
  }
}

// A difference from gitsign / `openssl cms -verify`): no purpose is
// set on OpenSSL's verifier and may_sign looks at the leaf only, so a
// sub-CA the root restricted to TLS (extendedKeyUsage=serverAuth) issues
// accepted signing certificates. Go's crypto/x509 (gitsign) requires every
// certificate of the chain to allow the usage; `openssl cms -verify`
// (purpose smimesign) refuses too.
TEST_CASE("x509 attack: a sub-CA restricted to TLS server certificates issues no accepted signer", "[x509][attack]") {
  MiniPki pki;
  std::string corp = pki.ca("corp");
  std::string tls = pki.ca("tls-issuing", corp, "extendedKeyUsage=serverAuth\n");
  std::string dana = pki.leaf("dana", tls, "/CN=dana", std::string(kSigning) + "subjectAltName=email:dana@example.org\n");
  std::string payload = "tree 0000\n\nsigned through the TLS sub-CA\n";
  std::string armored = pki.sign(dana, payload, {tls});
  // The reference: openssl's own CMS verification refuses this chain.
  pki.sb.write_file(pki.sb.dir() + "/sig.pem", armored);
  auto ossl = pki.sb.run("sed '1d;$d' sig.pem | base64 -d > sig.der && openssl cms -verify -binary -inform DER -in sig.der"
                         " -content payload -CAfile " + quote(corp + "/cert.pem") + " -out /dev/null");
  INFO(ossl.err);
  CHECK(ossl.status != 0);
  CHECK(ossl.err.find("unsuitable certificate purpose") != std::string::npos);
  auto sig = warden::X509Signature::verify(armored, payload);
  REQUIRE(sig);
  auto ca = warden::X509Authority::parse(pki.pem(corp));
  REQUIRE(ca);
  CHECK_FALSE((*sig)->chains_to(**ca, *(*sig)->signing_time()));  // refused, as gitsign and openssl refuse it
}

// Robustness: SigstoreTrustRoot::parse promises "an Error says
// why", but nlohmann's value() throws on a field of the wrong type, past
// every caller (the whole run ends in "internal error" instead of the
// policy being invalid).
TEST_CASE("x509 attack: a trusted_root.json field of the wrong type is refused, not thrown", "[x509][attack]") {
  for (const char* json : {R"({"mediaType": 1})",
                           R"({"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1",
                               "tlogs":[{"baseUrl": 1}]})",
                           R"({"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1",
                               "certificateAuthorities":[{"uri": []}]})"}) {
    INFO(json);
    CHECK_NOTHROW(warden::SigstoreTrustRoot::parse(json));  // a malformed root, not an exception
  }
}


// Whether the throw above is reachable by someone who may not change the
// policy: carol (docs/ only) pushes a malformed trust root and a child.
TEST_CASE("x509 attack: a non-maintainer's malformed trusted_root.json on an unauthenticated commit", "[x509][attack]") {
  test::World w;
  std::string policy = w.repo.git("show HEAD:.warden/policy.yml");
  policy.replace(policy.find("people:\n"), 8,
                 "people:\n  ci:\n    keys: [\"sigstore:issuer=https://accounts.google.com,identity=billy@chainguard.dev\"]\n");
  w.repo.write(".warden/policy.yml", policy);
  w.repo.write(".warden/sigstore/trusted_root.json", test::gitsign_vector("trusted_root.json"));
  w.repo.commit("ci signs with gitsign", &w.alice);
  w.repo.write(".warden/sigstore/trusted_root.json", R"({"mediaType": 1})");
  w.repo.commit("carol breaks the trust root", &w.carol);
  w.repo.write("docs/index.md", "child\n");
  w.repo.commit("carol's child", &w.carol);
  warden::VerifyReport report;
  REQUIRE_NOTHROW(report = w.verify("HEAD", true));
  CHECK_FALSE(report.authenticated);
  w.repo.write(".warden/policy.yml", policy + "\n# alice, a maintainer\n");
  w.repo.commit("alice on top", &w.alice);
  REQUIRE_NOTHROW(report = w.verify("HEAD", true));
}

// gitsign's offline mode, by the tests' own Sigstore (support/fake_sigstore.hpp),
// with the names an attacker chooses, and a policy naming one identity.

namespace {

int64_t now() { return static_cast<int64_t>(time(nullptr)); }

struct Sigstore {
  test::FakeSigstore fake;

  // A certificate valid for a year from now, `san` and `subject` as
  // openssl writes them, logged at `integrated` (now).
  static test::FakeSigstore::Signing signing(const std::string& san, const std::string& subject = "",
                                             int64_t integrated = 0) {
    test::FakeSigstore::Signing s;
    s.issuer = "https://issuer.test";
    s.not_before = now() - 60;
    s.not_after = now() + 365 * 86400;
    s.integrated = integrated ? integrated : now();
    s.subject = subject;
    s.san = san;
    return s;
  }
  std::shared_ptr<warden::Policy> policy(const std::string& identity) {
    return policy_from("version: 1\npeople:\n  ci:\n    keys: [\"" + identity + "\"]\npolicy:\n  who: [ci]\n",
                       {{warden::kSigstoreRootPath, fake.trusted_root()}});
  }
};

}  // namespace

TEST_CASE("x509 attack harness: the fake Sigstore's offline signature is accepted for its SAN and issuer", "[x509][attack][harness]") {
  Sigstore s;
  std::string payload = "tree 0000\n\nrelease\n";
  auto sig = warden::X509Signature::verify(
      s.fake.sign(payload, Sigstore::signing("URI:https://github.com/o/r/.github/workflows/release.yml@refs/heads/main",
                                             "/O=sigstore.dev")),
      payload);
  REQUIRE(sig);
  auto who = s.policy("sigstore:issuer=https://issuer.test,identity=https://github.com/o/r/.github/workflows/release.yml@refs/heads/main")
                 ->owner_of_x509(**sig);
  INFO(who.problem);
  CHECK(who.person != nullptr);
}

// sigstore-go (which gitsign's verification uses) takes the certificate's
// one SAN (the first URI, else the first rfc822Name; never the subject's
// emailAddress) and compares the policy identity to it; warden once
// compared every SAN e-mail and URI and the subject's emailAddress.
TEST_CASE("x509 attack: a sigstore identity is not matched by the subject's emailAddress or a second SAN", "[x509][attack]") {
  Sigstore s;
  std::string payload = "tree 0000\n\nrelease\n";
  SECTION("subject emailAddress") {
    auto sig = warden::X509Signature::verify(
        s.fake.sign(payload, Sigstore::signing("email:mallory@example.org", "/emailAddress=admin@example.org")), payload);
    REQUIRE(sig);
    auto who = s.policy("sigstore:issuer=https://issuer.test,identity=admin@example.org")->owner_of_x509(**sig);
    CHECK(who.person == nullptr);  // sigstore-go never reads the subject
  }
  SECTION("an e-mail SAN beside a URI SAN") {
    auto sig = warden::X509Signature::verify(
        s.fake.sign(payload, Sigstore::signing("URI:https://github.com/mallory/r,email:admin@example.org", "/O=x")), payload);
    REQUIRE(sig);
    auto who = s.policy("sigstore:issuer=https://issuer.test,identity=admin@example.org")->owner_of_x509(**sig);
    CHECK(who.person == nullptr);  // sigstore-go's identity is the URI
  }
}

// sigstore-go does not verify a v1 inclusion proof without a checkpoint:
// nothing signs its root hash, so any root hash would be "proved". warden
// once accepted it, leaning on the SET alone.
TEST_CASE("x509 attack: an inclusion proof without a checkpoint is refused", "[x509][attack]") {
  Sigstore s;
  std::string payload = "tree 0000\n\nrelease\n";
  auto no_checkpoint = Sigstore::signing("email:ci@example.org", "/O=x");
  no_checkpoint.checkpoint = false;
  auto sig = warden::X509Signature::verify(s.fake.sign(payload, no_checkpoint), payload);
  REQUIRE(sig);
  auto root = warden::SigstoreTrustRoot::parse(s.fake.trusted_root());
  REQUIRE(root);
  auto logged = (*sig)->logged_in(**root);
  REQUIRE_FALSE(logged);
  CHECK_THAT(logged.error().message, Catch::Contains("the inclusion proof has no checkpoint"));
}

// What held: chain building and CMS structure an attacker writes.
TEST_CASE("x509 attack, held: attacker-built chains and CMS structures are refused", "[x509][attack][held]") {
  MiniPki pki;
  std::string corp = pki.ca("corp");
  auto ca = *warden::X509Authority::parse(pki.pem(corp));
  std::string payload = "tree 0000\n\nx\n";
  std::string bob = pki.leaf("bob", corp, "/CN=bob", std::string(kSigning) + "subjectAltName=email:bob@example.org\n");
  // bob's leaf (CA:FALSE) "issues" alice; so does a CA:TRUE,pathlen:0 sub-CA's sub-CA.
  std::string forged = pki.leaf("forged", bob, "/CN=alice", std::string(kSigning) + "subjectAltName=email:alice@example.org\n");
  auto s1 = warden::X509Signature::verify(pki.sign(forged, payload, {bob}), payload);
  REQUIRE(s1);
  CHECK_FALSE((*s1)->chains_to(*ca, *(*s1)->signing_time()));
  std::string sub = pki.ca("sub", corp, "basicConstraints=critical,CA:TRUE,pathlen:0\n");
  std::string subsub = pki.ca("subsub", sub);
  std::string deep = pki.leaf("deep", subsub, "/CN=alice", std::string(kSigning) + "subjectAltName=email:alice@example.org\n");
  auto s2 = warden::X509Signature::verify(pki.sign(deep, payload, {subsub, sub}), payload);
  REQUIRE(s2);
  auto r2 = (*s2)->chains_to(*ca, *(*s2)->signing_time());
  REQUIRE_FALSE(r2);
  CHECK_THAT(r2.error().message, Catch::Contains("path length"));
  auto r1 = (*s1)->chains_to(*ca, *(*s1)->signing_time());
  REQUIRE_FALSE(r1);
  CHECK_THAT(r1.error().message, Catch::Contains("invalid CA"));
  // A self-signed look-alike of the CA carried in the signature.
  std::string fake = pki.ca("corp-fake");
  pki.sb.sh("cd " + quote(fake) + " && openssl req -x509 -key key.pem -out cert.pem -days 3650 -subj /CN=corp"
            " -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign' 2>/dev/null");
  std::string mal = pki.leaf("mal", fake, "/CN=alice", std::string(kSigning) + "subjectAltName=email:alice@example.org\n");
  auto s3 = warden::X509Signature::verify(pki.sign(mal, payload, {fake}), payload);
  REQUIRE(s3);
  CHECK_FALSE((*s3)->chains_to(*ca, *(*s3)->signing_time()));
  // Two signers; attached content.
  pki.sb.write_file(pki.sb.dir() + "/payload", payload);
  std::string two = pki.sb.sh("openssl cms -sign -binary -md sha256 -signer " + quote(bob + "/cert.pem") + " -inkey " +
                              quote(bob + "/key.pem") + " -signer " + quote(forged + "/cert.pem") + " -inkey " +
                              quote(forged + "/key.pem") + " -in payload -outform DER | base64 -w 64");
  CHECK_FALSE(warden::X509Signature::verify("-----BEGIN SIGNED MESSAGE-----\n" + two + "\n-----END SIGNED MESSAGE-----\n", payload));
  std::string attached = pki.sb.sh("openssl cms -sign -nodetach -binary -md sha256 -signer " + quote(bob + "/cert.pem") +
                                   " -inkey " + quote(bob + "/key.pem") + " -in payload -outform DER | base64 -w 64");
  CHECK_FALSE(warden::X509Signature::verify("-----BEGIN SIGNED MESSAGE-----\n" + attached + "\n-----END SIGNED MESSAGE-----\n", payload));
  std::string noattr = pki.sb.sh("openssl cms -sign -noattr -binary -md sha256 -signer " + quote(bob + "/cert.pem") +
                                 " -inkey " + quote(bob + "/key.pem") + " -in payload -outform DER | base64 -w 64");
  // gpgsm and `openssl cms -verify` accept a signature without signed attributes; warden refuses it (stricter).
  CHECK_FALSE(warden::X509Signature::verify("-----BEGIN SIGNED MESSAGE-----\n" + noattr + "\n-----END SIGNED MESSAGE-----\n", payload));
}

TEST_CASE("x509 attack, held: a fake-Sigstore entry outside the certificate's life, or for another log, is refused", "[x509][attack][held]") {
  Sigstore s;
  std::string payload = "tree 0000\n\nrelease\n";
  auto root = *warden::SigstoreTrustRoot::parse(s.fake.trusted_root());
  auto late = warden::X509Signature::verify(
      s.fake.sign(payload, Sigstore::signing("email:ci@example.org", "/O=x", now() + 400 * 86400)), payload);
  REQUIRE(late);
  auto late_logged = (*late)->logged_in(*root);
  REQUIRE_FALSE(late_logged);
  CHECK_THAT(late_logged.error().message, Catch::Contains("certificate has expired"));
  auto ok = warden::X509Signature::verify(s.fake.sign(payload, Sigstore::signing("email:ci@example.org", "/O=x")), payload);
  REQUIRE(ok);
  CHECK((*ok)->logged_in(*root));
  // The same entry under a payload it does not sign: the CMS fails first.
  CHECK_FALSE(warden::X509Signature::verify(s.fake.sign(payload, Sigstore::signing("email:ci@example.org", "/O=x")),
                                            payload + "x"));
}


// The revocation finding through the whole engine: dana is listed as her
// certificate spells her address; her stolen key is revoked as a maintainer
// types it; a commit signed with it after the revocation landed is accepted.
TEST_CASE("x509 attack: end to end, a revocation that differs in case from the listed identity still revokes it",
          "[x509][attack]") {
  test::World w;
  test::Pki pki{w.sb};
  std::string corp = pki.ca("corp");
  std::string policy = w.repo.git("show HEAD:.warden/policy.yml");
  policy.replace(policy.find("people:\n"), 8, "people:\n  dana:\n    keys: [\"x509:ca=corp-root.pem,email=Dana@Example.org\"]\n");
  policy.replace(policy.find("who: [carol]"), 12, "who: [carol, dana]");
  w.repo.write(".warden/policy.yml", policy);
  w.repo.write(".warden/keys/corp-root.pem", w.sb.read_file(corp));
  w.repo.commit("dana signs with the corp PKI", &w.alice);
  auto dana = pki.openssl_person(corp, "dana@example.org", std::string(kSigning), "20250101000000Z", "20350101000000Z");
  w.repo.write(".warden/policy.yml", policy + "\nrevoked:\n  - key: \"x509:ca=corp-root.pem,email=dana@example.org\"\n"
                                              "    reason: \"smart card stolen\"\n");
  w.repo.commit("revoke dana's identity", &w.alice);
  w.repo.write("docs/x509.md", "by the thief\n");
  std::string c = pki.commit(w.repo, "signed with the stolen key", dana);
  auto report = w.verify();
  CHECK_FALSE(report.authenticated);
  const warden::Verdict* v = test::first_refusal(report);
  REQUIRE(v != nullptr);
  CHECK(v->commit.hex() == c);
  CHECK(v->rule_name() == "revocation");
}
