// An attack review of x509 and gitsign signatures: inputs an attacker or a
// careless policy writer controls, and what warden decides on them, next to
// what gitsign (Go's crypto/x509), `openssl cms -verify` or sigstore-go
// decide. Each case was a hole or a difference when it was written.
#include <catch2/catch.hpp>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "signatures/base64.hpp"
#include "support/sandbox.hpp"
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

#include "support/gitsign_vectors.hpp"
#include "support/world.hpp"

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

// ---------------------------------------------------------------------------
// A Sigstore of the test's own: a "Fulcio" root (openssl), a "Rekor" key, a
// trusted_root.json naming both, and gitsign-style offline signatures whose
// embedded TransparencyLogEntry this harness writes and signs as the log.

namespace {

std::string pb_varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string pb_bytes(int field, const std::string& b) { return pb_varint((field << 3) | 2) + pb_varint(b.size()) + b; }
std::string pb_int(int field, uint64_t v) { return pb_varint(field << 3) + pb_varint(v); }

std::string sha256_of(const std::string& s) {
  unsigned char md[32];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), md);
  return std::string(reinterpret_cast<const char*>(md), 32);
}
std::string hex_of(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

struct FakeSigstore {
  MiniPki pki;
  std::string fulcio = pki.ca("fulcio");
  std::string log_key_pem, log_key_der;

  FakeSigstore() {
    pki.sb.sh("openssl ecparam -name prime256v1 -genkey -noout -out log.key && openssl ec -in log.key -pubout -outform DER -out log.der 2>/dev/null");
    log_key_pem = pki.sb.read_file(pki.sb.dir() + "/log.key");
    log_key_der = pki.sb.read_file(pki.sb.dir() + "/log.der");
  }
  std::string trusted_root() {
    auto der = [&](const std::string& d) {
      return pki.sb.sh("openssl x509 -in " + quote(d + "/cert.pem") + " -outform DER | base64 -w0");
    };
    return R"({"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[{"baseUrl":"https://rekor.test","hashAlgorithm":"SHA2_256","publicKey":{"rawBytes":")" +
           warden::base64_encode(log_key_der) + R"(","keyDetails":"PKIX_ECDSA_P256_SHA_256","validFor":{"start":"2000-01-01T00:00:00Z"}},"logId":{"keyId":")" +
           warden::base64_encode(sha256_of(log_key_der)) + R"("}}],"certificateAuthorities":[{"uri":"https://fulcio.test","certChain":{"certificates":[{"rawBytes":")" +
           der(fulcio) + R"("}]},"validFor":{"start":"2000-01-01T00:00:00Z"}}]})";
  }
  // A Fulcio-like leaf: `san` (e.g. "email:x" or "URI:x"), the issuer extension, subject `subj`.
  std::string leaf(const std::string& name, const std::string& subj, const std::string& san,
                   const std::string& issuer = "https://issuer.test") {
    return pki.leaf(name, fulcio, subj,
                    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n"
                    "subjectAltName=critical," + san + "\n1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:" + issuer + "\n");
  }
  std::string log_sign(const std::string& msg) {
    BIO* b = BIO_new_mem_buf(log_key_pem.data(), static_cast<int>(log_key_pem.size()));
    EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    REQUIRE(k != nullptr);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t n = 0;
    REQUIRE(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, k) == 1);
    REQUIRE(EVP_DigestSign(ctx, nullptr, &n, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1);
    std::string sig(n, '\0');
    REQUIRE(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &n,
                           reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1);
    sig.resize(n);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    return sig;
  }
  // gitsign's offline mode: signs `payload` as `leaf_dir`, logs it (SET
  // always; the inclusion proof of a one-leaf tree, with a checkpoint only
  // if `checkpoint`), and embeds the entry.
  std::string sign(const std::string& leaf_dir, const std::string& payload, bool checkpoint, int64_t when) {
    std::string armored = pki.sign(leaf_dir, payload);
    std::string b64;
    std::istringstream in(armored);
    for (std::string l; std::getline(in, l);)
      if (!l.starts_with("-----")) b64 += l;
    std::string der = *warden::base64_decode(b64);
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size()));
    REQUIRE(cms != nullptr);
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
    std::vector<std::string> enc;
    for (int i = 0; i < CMS_signed_get_attr_count(si); ++i) {
      unsigned char* out = nullptr;
      int n = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &out);
      enc.emplace_back(reinterpret_cast<char*>(out), n);
      OPENSSL_free(out);
    }
    std::sort(enc.begin(), enc.end());
    std::string content;
    for (auto& e : enc) content += e;
    std::string attrs = "\x31";
    if (content.size() < 128) attrs += static_cast<char>(content.size());
    else if (content.size() < 256) attrs += std::string("\x81") + static_cast<char>(content.size());
    else attrs += std::string("\x82") + static_cast<char>(content.size() >> 8) + static_cast<char>(content.size() & 0xff);
    attrs += content;
    const ASN1_OCTET_STRING* sv = CMS_SignerInfo_get0_signature(si);
    std::string sigval(reinterpret_cast<const char*>(ASN1_STRING_get0_data(sv)), ASN1_STRING_length(sv));
    std::string body = R"({"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":")" +
                       hex_of(sha256_of(attrs)) + R"("}},"signature":{"content":")" + warden::base64_encode(sigval) +
                       R"(","publicKey":{"content":")" + warden::base64_encode(pki.pem(leaf_dir)) + R"("}}}})";
    std::string log_id = sha256_of(log_key_der);
    std::string set_payload = R"({"body":")" + warden::base64_encode(body) + R"(","integratedTime":)" + std::to_string(when) +
                              R"(,"logID":")" + hex_of(log_id) + R"(","logIndex":7})";
    std::string leaf_hash = sha256_of(std::string(1, '\0') + body);
    std::string proof = pb_int(1, 0) + pb_bytes(2, leaf_hash) + pb_int(3, 1);
    if (checkpoint) {
      std::string note = "rekor.test - 1\n1\n" + warden::base64_encode(leaf_hash) + "\n";
      std::string cp = note + "\n\xe2\x80\x94 rekor.test " + warden::base64_encode(log_id.substr(0, 4) + log_sign(note)) + "\n";
      proof += pb_bytes(5, pb_bytes(1, cp));
    }
    std::string entry = pb_int(1, 7) + pb_bytes(2, pb_bytes(1, log_id)) +
                        pb_bytes(3, pb_bytes(1, "hashedrekord") + pb_bytes(2, "0.0.1")) + pb_int(4, when) +
                        pb_bytes(5, pb_bytes(1, log_sign(set_payload))) + pb_bytes(6, proof);
    ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.57264.3.1", 1);
    REQUIRE(CMS_unsigned_add1_attr_by_OBJ(si, oid, V_ASN1_OCTET_STRING, entry.data(), static_cast<int>(entry.size())) == 1);
    ASN1_OBJECT_free(oid);
    unsigned char* out = nullptr;
    int n = i2d_CMS_ContentInfo(cms, &out);
    std::string signed_der(reinterpret_cast<char*>(out), n);
    OPENSSL_free(out);
    CMS_ContentInfo_free(cms);
    return "-----BEGIN SIGNED MESSAGE-----\n" + warden::base64_encode(signed_der) + "\n-----END SIGNED MESSAGE-----\n";
  }
  std::shared_ptr<warden::Policy> policy(const std::string& identity) {
    return policy_from("version: 1\npeople:\n  ci:\n    keys: [\"" + identity + "\"]\npolicy:\n  who: [ci]\n",
                       {{warden::kSigstoreRootPath, trusted_root()}});
  }
};

int64_t now() { return static_cast<int64_t>(time(nullptr)); }

}  // namespace

TEST_CASE("x509 attack harness: the fake Sigstore's offline signature is accepted for its SAN and issuer", "[x509][attack][harness]") {
  FakeSigstore s;
  std::string leaf = s.leaf("ci", "/O=sigstore.dev", "URI:https://github.com/o/r/.github/workflows/release.yml@refs/heads/main");
  std::string payload = "tree 0000\n\nrelease\n";
  auto sig = warden::X509Signature::verify(s.sign(leaf, payload, true, now()), payload);
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
  FakeSigstore s;
  std::string payload = "tree 0000\n\nrelease\n";
  SECTION("subject emailAddress") {
    std::string leaf = s.leaf("ci", "/emailAddress=admin@example.org", "email:mallory@example.org");
    auto sig = warden::X509Signature::verify(s.sign(leaf, payload, true, now()), payload);
    REQUIRE(sig);
    auto who = s.policy("sigstore:issuer=https://issuer.test,identity=admin@example.org")->owner_of_x509(**sig);
    CHECK(who.person == nullptr);  // sigstore-go never reads the subject
  }
  SECTION("an e-mail SAN beside a URI SAN") {
    std::string leaf = s.leaf("ci", "/O=x", "URI:https://github.com/mallory/r,email:admin@example.org");
    auto sig = warden::X509Signature::verify(s.sign(leaf, payload, true, now()), payload);
    REQUIRE(sig);
    auto who = s.policy("sigstore:issuer=https://issuer.test,identity=admin@example.org")->owner_of_x509(**sig);
    CHECK(who.person == nullptr);  // sigstore-go's identity is the URI
  }
}

// sigstore-go does not verify a v1 inclusion proof without a checkpoint:
// nothing signs its root hash, so any root hash would be "proved". warden
// once accepted it, leaning on the SET alone.
TEST_CASE("x509 attack: an inclusion proof without a checkpoint is refused", "[x509][attack]") {
  FakeSigstore s;
  std::string leaf = s.leaf("ci", "/O=x", "email:ci@example.org");
  std::string payload = "tree 0000\n\nrelease\n";
  auto sig = warden::X509Signature::verify(s.sign(leaf, payload, false, now()), payload);
  REQUIRE(sig);
  auto root = warden::SigstoreTrustRoot::parse(s.trusted_root());
  REQUIRE(root);
  CHECK_FALSE((*sig)->logged_in(**root));
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
  FakeSigstore s;
  std::string leaf = s.leaf("ci", "/O=x", "email:ci@example.org");
  std::string payload = "tree 0000\n\nrelease\n";
  auto root = *warden::SigstoreTrustRoot::parse(s.trusted_root());
  auto late = warden::X509Signature::verify(s.sign(leaf, payload, true, now() + 400 * 86400), payload);
  REQUIRE(late);
  CHECK_FALSE((*late)->logged_in(*root));
  auto ok = warden::X509Signature::verify(s.sign(leaf, payload, true, now()), payload);
  REQUIRE(ok);
  CHECK((*ok)->logged_in(*root));
  // The same entry under a payload it does not sign: the CMS fails first.
  CHECK_FALSE(warden::X509Signature::verify(s.sign(leaf, payload, true, now()), payload + "x"));
}

#include "support/x509_pki.hpp"

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
