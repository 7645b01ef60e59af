// Real gitsign signatures (sigstore/gitsign's test data: a commit signed in
// offline mode, with its transparency-log entry embedded, and one in online
// mode), read from git objects as warden reads any commit, checked against
// Sigstore's public-good trusted root; then altered byte by byte.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "support/gitsign_vectors.hpp"
#include "support/sandbox.hpp"
#include "signatures/base64.hpp"
#include "warden/repository.hpp"
#include "warden/x509_signature.hpp"

namespace {

// A commit (or tag) object of the vectors, as warden reads it from a repository.
struct Vector {
  test::Sandbox sb;
  std::string signature, payload;

  explicit Vector(const std::string& name, const std::string& type = "commit") {
    sb.sh("git init -q repo");
    sb.write_file(sb.dir() + "/object", test::gitsign_vector(name));
    std::string id = sb.sh("git hash-object --literally -t " + type + " -w ../object", sb.dir() + "/repo");
    auto repo = warden::Repository::open(sb.dir() + "/repo");
    REQUIRE(repo);
    auto oid = warden::ObjectId::from_hex(id);
    REQUIRE(oid);
    if (type == "commit") {
      auto c = repo->read_commit(*oid);
      REQUIRE(c);
      signature = c->signature;
      payload = c->signed_payload;
    } else {
      auto t = repo->read_tag(*oid);
      REQUIRE(t);
      signature = t->signature;
      payload = t->signed_payload;
    }
  }
};

std::shared_ptr<const warden::SigstoreTrustRoot> public_good() {
  auto root = warden::SigstoreTrustRoot::parse(test::gitsign_vector("trusted_root.json"));
  REQUIRE(root);
  return *root;
}

// The armored signature with its DER's byte `at` XORed with `mask`.
std::string flip(const std::string& armored, size_t at, unsigned char mask = 0x01) {
  std::string b64;
  for (const auto& line : {armored}) {
    std::istringstream in(line);
    std::string l;
    while (std::getline(in, l))
      if (!l.starts_with("-----")) b64 += l;
  }
  auto der = warden::base64_decode(b64);
  REQUIRE(der);
  REQUIRE(at < der->size());
  (*der)[at] = static_cast<char>((*der)[at] ^ mask);
  return "-----BEGIN SIGNED MESSAGE-----\n" + warden::base64_encode(*der) + "\n-----END SIGNED MESSAGE-----\n";
}

size_t der_size(const std::string& armored) {
  std::string b64;
  std::istringstream in(armored);
  std::string l;
  while (std::getline(in, l))
    if (!l.starts_with("-----")) b64 += l;
  return warden::base64_decode(b64)->size();
}

}  // namespace

TEST_CASE("a gitsign commit signed in offline mode verifies offline, with its identity and issuer", "[x509][sigstore]") {
  Vector v("offline.commit");
  auto sig = warden::X509Signature::verify(v.signature, v.payload);
  REQUIRE(sig);
  const auto& s = **sig;
  CHECK(s.emails() == std::vector<std::string>{"billy@chainguard.dev"});
  CHECK(s.oidc_issuer() == "https://accounts.google.com");
  CHECK(s.has_log_entry());
  REQUIRE(s.signing_time());
  auto when = s.logged_in(*public_good());
  REQUIRE(when);
  CHECK(*when == 1685981480);  // the log's integrated time, not the signer's claim
}

TEST_CASE("a gitsign commit signed in online mode is refused offline, saying how to sign offline", "[x509][sigstore]") {
  Vector v("online.commit");
  auto sig = warden::X509Signature::verify(v.signature, v.payload);
  REQUIRE(sig);  // the signature itself is good
  CHECK_FALSE((*sig)->has_log_entry());
  auto when = (*sig)->logged_in(*public_good());
  REQUIRE_FALSE(when);
  CHECK_THAT(when.error().message, Catch::Contains("no transparency-log entry is embedded") &&
                                       Catch::Contains("gitsign.rekorMode offline"));
}

TEST_CASE("a changed payload is refused before any policy is asked", "[x509][sigstore]") {
  Vector v("offline.commit");
  std::string payload = v.payload;
  payload[payload.size() - 2] ^= 0x20;
  auto sig = warden::X509Signature::verify(v.signature, payload);
  REQUIRE_FALSE(sig);
  CHECK_THAT(sig.error().message, Catch::StartsWith("x509 signature does not verify"));
}

TEST_CASE("a flipped byte anywhere in an offline-mode signature is refused", "[x509][sigstore]") {
  Vector v("offline.commit");
  auto root = public_good();
  const size_t n = der_size(v.signature);
  size_t accepted = 0;
  std::vector<std::string> messages;
  // Every byte of the CMS structure: certificate, signed attributes,
  // signature, the embedded entry (SET, inclusion proof, checkpoint).
  // Except the two version numbers (of the SignedData and of its signer
  // info), which OpenSSL does not read and which change nothing that is
  // signed or checked.
  auto der = warden::base64_decode(flip(v.signature, 0, 0).substr(31, flip(v.signature, 0, 0).size() - 31 - 30));
  REQUIRE(der);
  for (size_t version : {size_t{25}, size_t{788}})  // INTEGER 1
    REQUIRE(der->substr(version - 2, 3) == std::string("\x02\x01\x01"));
  for (size_t at = 0; at < n; ++at) {
    if (at == 25 || at == 788) continue;
    std::string altered = flip(v.signature, at);
    auto sig = warden::X509Signature::verify(altered, v.payload);
    if (!sig) continue;
    auto when = (*sig)->logged_in(*root);
    if (when) {
      ++accepted;
      UNSCOPED_INFO("byte " << at << " of " << n << " flipped and still accepted");
    }
  }
  CHECK(accepted == 0);
}

TEST_CASE("a gitsign signature is judged against the trust root it is given", "[x509][sigstore]") {
  Vector v("offline.commit");
  auto sig = warden::X509Signature::verify(v.signature, v.payload);
  REQUIRE(sig);
  // A trusted root whose log key is another's: the entry is from a log it does not list.
  std::string json = test::gitsign_vector("trusted_root.json");
  auto at = json.find("wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=");
  REQUIRE(at != std::string::npos);
  json.replace(at, 4, "AAAA");
  auto other = warden::SigstoreTrustRoot::parse(json);
  REQUIRE(other);
  auto when = (*sig)->logged_in(**other);
  REQUIRE_FALSE(when);
  CHECK_THAT(when.error().message, Catch::Contains("from a log the Sigstore trusted root does not list"));
}

TEST_CASE("a Sigstore trusted root that is not one is refused with a reason", "[x509][sigstore]") {
  CHECK_FALSE(warden::SigstoreTrustRoot::parse("{}"));
  CHECK_FALSE(warden::SigstoreTrustRoot::parse("not json"));
  auto r = warden::SigstoreTrustRoot::parse(R"({"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"})");
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("no transparency log"));
}

TEST_CASE("x509 armor that is not one block of base64 CMS is refused", "[x509]") {
  for (const char* text : {"-----BEGIN SIGNED MESSAGE-----\n-----END SIGNED MESSAGE-----\n",
                           "-----BEGIN SIGNED MESSAGE-----\n!!!!\n-----END SIGNED MESSAGE-----\n",
                           "-----BEGIN SIGNED MESSAGE-----\nAAAA\n-----END SIGNED MESSAGE-----\n",
                           "junk-----BEGIN SIGNED MESSAGE-----\nAAAA\n-----END SIGNED MESSAGE-----\n"}) {
    auto sig = warden::X509Signature::verify(text, "payload");
    REQUIRE_FALSE(sig);
    CHECK_THAT(sig.error().message, Catch::StartsWith("malformed x509 signature"));
  }
}

TEST_CASE("a real gitsign tag and another real commit: their CMS verifies, and without an embedded entry they are refused offline",
          "[x509][sigstore]") {
  auto root = public_good();
  // pkg/git/testdata/tag.txt (2022, online mode) and internal/rekor/oid/testdata/commit.txt.
  for (auto [name, type] : {std::pair<const char*, const char*>{"tag.txt", "tag"}, {"oid-commit.txt", "commit"}}) {
    INFO(name);
    Vector v(name, type);
    auto sig = warden::X509Signature::verify(v.signature, v.payload);
    INFO((sig ? "" : sig.error().message));
    REQUIRE(sig);
    CHECK_FALSE((*sig)->oidc_issuer().empty());
    auto when = (*sig)->logged_in(*root);
    if ((*sig)->has_log_entry()) {
      INFO((when ? "" : when.error().message));
      CHECK(when);
    } else {
      REQUIRE_FALSE(when);
      CHECK_THAT(when.error().message, Catch::Contains("no transparency-log entry is embedded"));
    }
  }
}
