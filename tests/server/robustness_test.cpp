// Bad input never crashes a parser: thousands of random mutations of valid
// SSH signatures, keys, policies, hook input, OpenPGP certificates and
// signatures, each parsed (under the
// sanitizers in scripts/test). Every result is a value or an error with a
// one-line message.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>

#include "support/gpg.hpp"
#include "support/sandbox.hpp"
#include "warden/openpgp_cert.hpp"
#include "signatures/openpgp_signature.hpp"
#include "warden/policy.hpp"
#include "warden/push_check.hpp"
#include "signatures/sshsig.hpp"

namespace {

std::string vector_file(const std::string& name) {
  std::ifstream in(std::string(WARDEN_VECTORS_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A copy of `s` with a few random byte flips, insertions, deletions or a cut.
std::string mutate(const std::string& s, std::mt19937& rng) {
  std::string out = s;
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits && !out.empty(); ++i) {
    size_t at = rng() % out.size();
    switch (rng() % 4) {
      case 0: out[at] = static_cast<char>(rng() & 0xff); break;
      case 1: out.insert(at, 1, static_cast<char>(rng() & 0xff)); break;
      case 2: out.erase(at, 1 + rng() % 8); break;
      case 3: out.resize(at); break;
    }
  }
  return out;
}

bool one_line(const std::string& message) { return !message.empty() && message.find('\n') == std::string::npos; }

}  // namespace

TEST_CASE("mutated SSH signatures and keys are refused, never crash", "[robustness]") {
  std::mt19937 rng(1);
  std::string data = vector_file("signed-data");
  for (const char* type : {"ed25519", "rsa", "ecdsa", "ed25519_sk", "ecdsa_sk", "ecdsa_sk_webauthn"}) {
    std::string sig_text = vector_file(std::string(type) + ".sig");
    std::string key_line = vector_file(std::string(type) + ".pub");
    auto key = *warden::SshPublicKey::parse_line(key_line.substr(0, key_line.find('\n')));
    auto sig = *warden::parse_sshsig(sig_text);
    INFO(type);
    REQUIRE(warden::verify_sshsig(sig, *key, data, "unittest").ok());  // the control
    int refused = 0;
    for (int i = 0; i < 300; ++i) {
      auto parsed = warden::parse_sshsig(mutate(sig_text, rng));
      if (!parsed.ok()) {
        CHECK(one_line(parsed.error().message));
      } else if (warden::verify_sshsig(*parsed, *key, data, "unittest").ok()) {
        // Only a mutation of the armor's layout may still verify: the
        // signature it decodes to is the original, byte for byte.
        CHECK(parsed->signature == sig.signature);
        CHECK(parsed->public_key == sig.public_key);
      }
      // Mutate the decoded blob parts too, below the armor: a signature
      // that is not the original never verifies.
      auto raw = sig;
      raw.signature = mutate(sig.signature, rng);
      auto s = warden::verify_sshsig(raw, *key, data, "unittest");
      if (!s.ok()) {
        CHECK(one_line(s.error().message));
        ++refused;
      } else {
        CHECK(raw.signature == sig.signature);
      }
      auto k = warden::SshPublicKey::parse_blob(mutate(key->blob(), rng));
      if (!k.ok()) CHECK(one_line(k.error().message));
    }
    CHECK(refused > 250);
  }
}

TEST_CASE("mutated policies are parsed into problems, never crash", "[robustness]") {
  test::Sandbox sb;
  std::string text = "version: 1\npeople:\n  alice:\n    keys: [\"" + sb.key("alice").public_line +
                     "\"]\ngroups:\n  g: [alice]\ngrants:\n  - paths: [\"/\", \"docs/\"]\n    who: [g]\n"
                     "unprotected: [\"drafts/\"]\npolicy:\n  who: [alice]\n  threshold: 1\nmerges:\n  unsigned: allow\n"
                     "refs:\n  - pattern: \"refs/tags/v*\"\n    immutable: true\n    signed-by: [g]\n";
  REQUIRE(warden::parse_policy(text, "p.yml").problems.empty());
  std::mt19937 rng(2);
  for (int i = 0; i < 2000; ++i) {
    auto parsed = warden::parse_policy(mutate(text, rng), "p.yml");
    CHECK((parsed.policy != nullptr) == parsed.problems.empty());
    for (const auto& p : parsed.problems) {
      INFO(p);
      CHECK(one_line(p));
    }
  }
}

TEST_CASE("mutated hook input is refused, never crashes", "[robustness]") {
  std::string line = std::string(40, 'a') + " " + std::string(40, 'b') + " refs/heads/main\n";
  std::string input = line + line + line;
  REQUIRE(warden::parse_ref_updates(input).ok());
  std::mt19937 rng(3);
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    auto parsed = warden::parse_ref_updates(mutate(input, rng));
    if (!parsed.ok()) {
      CHECK(one_line(parsed.error().message));
      ++refused;
      continue;
    }
    // What is accepted is well-formed: a ref name under refs/ for each
    // update, and no more updates than lines.
    CHECK(parsed->size() <= 3);
    for (const auto& u : *parsed) CHECK(u.ref.starts_with("refs/"));
  }
  CHECK(refused > 1500);
}

TEST_CASE("random mutations of OpenPGP certificates and signatures never crash", "[robustness][openpgp]") {
  test::Sandbox sb;
  test::Gpg gpg(sb);
  const auto& key = gpg.key("alice", "ed25519", /*subkey=*/true);
  std::string binary = gpg.cert(key, false), armored = gpg.cert(key, true);
  sb.write_file(sb.dir() + "/data", "payload\n");
  std::string sig = sb.sh(gpg.env() + "gpg --batch --armor --detach-sign -u " + key.signing + " -o - " +
                          test::quote(sb.dir() + "/data"));
  auto good = warden::parse_openpgp_signature(sig, "payload\n");
  REQUIRE(good);
  {
    // The control: unmutated, the certificate verifies the signature.
    auto cert = warden::OpenPgpCert::parse(binary);
    REQUIRE(cert);
    REQUIRE((*cert)->check(*good).good());
  }
  std::mt19937 rng(11);
  int certs = 0, verified = 0;
  for (int i = 0; i < 400; ++i) {
    auto cert = warden::OpenPgpCert::parse(mutate(i % 2 ? binary : armored, rng));
    if (!cert) {
      CHECK(cert.error().message.find('\n') == std::string::npos);
      continue;
    }
    ++certs;
    if ((*cert)->has_key(good->issuer()) && (*cert)->check(*good).good()) {
      // A mutated certificate that still verifies the signature is still
      // alice's: no mutation makes another key sign for her.
      CHECK((*cert)->fingerprint() == key.fingerprint);
      ++verified;
    }
  }
  for (int i = 0; i < 2000; ++i) {
    auto s = warden::parse_openpgp_signature(mutate(sig, rng), "payload\n");
    if (!s) CHECK(s.error().message.find('\n') == std::string::npos);
  }
  // Some mutations only touch what the checks ignore (an unhashed
  // subpacket, the armor's line breaks); most are refused.
  CHECK(certs < 400);
}
