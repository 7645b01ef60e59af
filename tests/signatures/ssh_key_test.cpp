// SSH public key parsing and raw signature checks that need hand-made
// inputs: refused algorithms, trailing bytes, weak keys.
#include <catch2/catch.hpp>

#include "signatures/ssh_buffer.hpp"
#include "support/sandbox.hpp"
#include "signatures/base64.hpp"
#include "signatures/sshsig.hpp"

using warden::SshPublicKey;

namespace {

// Signs `data` with ssh-keygen and returns the parsed signature.
warden::SshSig sign(test::Sandbox& sb, const test::Key& key, const std::string& data, const std::string& ns = "git") {
  sb.write_file(sb.dir() + "/msg", data);
  sb.run("rm -f msg.sig");
  sb.sh("ssh-keygen -q -Y sign -n " + ns + " -f " + test::quote(key.private_path) + " msg");
  auto sig = warden::parse_sshsig(sb.read_file(sb.dir() + "/msg.sig"));
  REQUIRE(sig.ok());
  return *sig;
}

// Rewrites the algorithm name inside a raw SSH signature.
std::string with_algorithm(const std::string& raw_sig, const std::string& alg) {
  warden::ssh::Reader r(raw_sig);
  std::string_view old_alg, body;
  REQUIRE(r.string(old_alg));
  REQUIRE(r.string(body));
  return warden::ssh::Writer().string(alg).string(body).bytes();
}

}  // namespace

TEST_CASE("key lines of every generated type parse and fingerprint like ssh-keygen", "[ssh][key]") {
  test::Sandbox sb;
  for (const char* type : {"ed25519", "ecdsa-256", "ecdsa-384", "ecdsa-521", "rsa"}) {
    const auto& k = sb.key(type, type);
    auto key = SshPublicKey::parse_line(k.public_line);
    INFO(type << ": " << (key ? "" : key.error().message));
    REQUIRE(key.ok());
    CHECK((*key)->fingerprint() == k.fingerprint);
  }
}

TEST_CASE("malformed key lines are refused with a reason", "[ssh][key]") {
  CHECK(SshPublicKey::parse_line("ssh-ed25519").error().message == "SSH key line needs a type and a base64 key");
  CHECK(SshPublicKey::parse_line("ssh-ed25519 !!!!").error().message == "SSH key line has invalid base64");
  CHECK(SshPublicKey::parse_line("ssh-ed25519 AAAA").error().message == "malformed SSH public key");
  // A valid ed25519 blob (the base point) announced as another type.
  std::string blob = warden::ssh::Writer().string("ssh-ed25519").string("\x58" + std::string(31, '\x66')).bytes();
  std::string b64 = warden::base64_encode(blob);
  CHECK(SshPublicKey::parse_line("ssh-rsa " + b64).error().message ==
        "SSH key line says 'ssh-rsa' but the key is 'ssh-ed25519'");
  // An ed25519 key of another length.
  std::string short_key = warden::ssh::Writer().string("ssh-ed25519").string(std::string(31, '\x66')).bytes();
  CHECK(SshPublicKey::parse_line("ssh-ed25519 " + warden::base64_encode(short_key)).error().message ==
        "ed25519 public key is not 32 bytes");
  // Trailing bytes after the key.
  std::string trailing = warden::base64_encode(blob + "x");
  CHECK(SshPublicKey::parse_line("ssh-ed25519 " + trailing).error().message == "trailing bytes after SSH public key");
  // Unknown type.
  std::string dsa = warden::base64_encode(warden::ssh::Writer().string("ssh-dss").bytes());
  CHECK(SshPublicKey::parse_line("ssh-dss " + dsa).error().message == "unsupported SSH key type 'ssh-dss'");
  // An ECDSA point not on the curve.
  std::string point(65, '\x01');
  point[0] = 0x04;
  std::string ec = warden::ssh::Writer().string("ecdsa-sha2-nistp256").string("nistp256").string(point).bytes();
  CHECK_FALSE(SshPublicKey::parse_blob(ec).ok());
}

TEST_CASE("weak RSA keys are refused", "[ssh][key]") {
  test::Sandbox sb;
  sb.sh("ssh-keygen -q -t rsa -b 1024 -N '' -f weak");
  auto key = SshPublicKey::parse_line(sb.sh("cat weak.pub"));
  REQUIRE_FALSE(key.ok());
  CHECK(key.error().message == "RSA key of 1024 bits is too weak (at least 2048)");
}

TEST_CASE("ssh-rsa (SHA-1) signatures are refused", "[ssh][sig]") {
  test::Sandbox sb;
  const auto& k = sb.key("rsa", "rsa");
  auto key = *SshPublicKey::parse_line(k.public_line);
  auto sig = sign(sb, k, "payload");
  REQUIRE(warden::verify_sshsig(sig, *key, "payload", "git").ok());
  sig.signature = with_algorithm(sig.signature, "ssh-rsa");
  auto s = warden::verify_sshsig(sig, *key, "payload", "git");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message == "ssh-rsa (SHA-1) signatures are refused");
}

TEST_CASE("an algorithm that does not match the key is refused", "[ssh][sig]") {
  test::Sandbox sb;
  const auto& k = sb.key("e", "ecdsa-256");
  auto key = *SshPublicKey::parse_line(k.public_line);
  auto sig = sign(sb, k, "payload");
  sig.signature = with_algorithm(sig.signature, "ecdsa-sha2-nistp384");
  auto s = warden::verify_sshsig(sig, *key, "payload", "git");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message == "signature algorithm 'ecdsa-sha2-nistp384' does not match key type 'ecdsa-sha2-nistp256'");
}

TEST_CASE("hashes other than sha256 and sha512 are refused", "[ssh][sig]") {
  test::Sandbox sb;
  const auto& k = sb.key("a");
  auto key = *SshPublicKey::parse_line(k.public_line);
  auto sig = sign(sb, k, "payload");
  for (const char* h : {"sha1", "md5", "sha384", ""}) {
    sig.hash_algorithm = h;
    auto s = warden::verify_sshsig(sig, *key, "payload", "git");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == std::string("signature hash '") + h + "' is refused (sha256 or sha512 only)");
  }
}

TEST_CASE("trailing bytes after a signature and other SSHSIG versions are refused", "[ssh][sig]") {
  test::Sandbox sb;
  const auto& k = sb.key("a");
  auto key = *SshPublicKey::parse_line(k.public_line);
  auto sig = sign(sb, k, "payload");
  auto trailing = sig;
  trailing.signature += "x";
  CHECK(warden::verify_sshsig(trailing, *key, "payload", "git").error().message == "trailing bytes after SSH signature");

  // Re-armor the blob with a trailing byte, and with version 2.
  auto armor = [](const std::string& blob) {
    return "-----BEGIN SSH SIGNATURE-----\n" + warden::base64_encode(blob) + "\n-----END SSH SIGNATURE-----\n";
  };
  auto blob_of = [&](uint32_t version) {
    return warden::ssh::Writer()
        .raw("SSHSIG")
        .u32(version)
        .string(sig.public_key)
        .string(sig.sig_namespace)
        .string("")
        .string(sig.hash_algorithm)
        .string(sig.signature)
        .bytes();
  };
  REQUIRE(warden::parse_sshsig(armor(blob_of(1))).ok());
  CHECK(warden::parse_sshsig(armor(blob_of(1) + "x")).error().message == "trailing bytes after SSH signature");
  CHECK(warden::parse_sshsig(armor(blob_of(2))).error().message == "unsupported SSHSIG version 2");
  CHECK(warden::parse_sshsig(armor(blob_of(1).substr(0, 30))).error().message == "truncated SSH signature");
}

// The identity point as an ed25519 key: with R the identity too and S = 0,
// [S]B = R + [k]A holds for every message, so OpenSSL and ssh-keygen
// accept this "signature" for anything; warden (libsodium) refuses it.
TEST_CASE("a universal forgery for an ed25519 key of small order is refused", "[ssh][sig][attack]") {
  const std::string identity = std::string(1, '\x01') + std::string(31, '\0');
  std::string blob = warden::ssh::Writer().string("ssh-ed25519").string(identity).bytes();
  std::string forged = warden::ssh::Writer().string("ssh-ed25519").string(identity + std::string(32, '\0')).bytes();

  test::Sandbox sb;
  // ssh-keygen (so git verify-commit) accepts the forgery for any message.
  std::string b64 = warden::base64_encode(blob);
  std::string armored = "-----BEGIN SSH SIGNATURE-----\n" +
                        warden::base64_encode(warden::ssh::Writer()
                                                  .raw("SSHSIG")
                                                  .u32(1)
                                                  .string(blob)
                                                  .string("git")
                                                  .string("")
                                                  .string("sha512")
                                                  .string(forged)
                                                  .bytes()) +
                        "\n-----END SSH SIGNATURE-----\n";
  sb.write_file(sb.dir() + "/msg", "any message at all\n");
  sb.write_file(sb.dir() + "/msg.sig", armored);
  sb.write_file(sb.dir() + "/allowed", "mallory ssh-ed25519 " + b64 + "\n");
  auto keygen = sb.run("ssh-keygen -Y verify -f allowed -I mallory -n git -s msg.sig < msg");
  INFO(keygen.out << keygen.err);
  CHECK(keygen.status == 0);

  // warden reads the key (a policy may list it) but nothing verifies
  // with it: not the forgery, not the forgery's SSHSIG.
  auto key = SshPublicKey::parse_line("ssh-ed25519 " + b64);
  REQUIRE(key.ok());
  auto raw = (*key)->verify(forged, "any message at all\n");
  REQUIRE_FALSE(raw.ok());
  CHECK(raw.error().message == "signature does not verify");
  auto sig = warden::parse_sshsig(armored);
  REQUIRE(sig.ok());
  auto s = warden::verify_sshsig(*sig, **key, "any message at all\n", "git");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message == "signature does not verify");
}
