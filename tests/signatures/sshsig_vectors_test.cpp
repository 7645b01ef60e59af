// OpenSSH's own SSHSIG test vectors, one per key type: each must verify
// with its key and namespace, and be refused with another key, another
// namespace, or data with one byte changed.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "signatures/sshsig.hpp"

namespace {

std::string vector_file(const std::string& name) {
  std::ifstream in(std::string(WARDEN_VECTORS_DIR) + "/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<const warden::SshPublicKey> vector_key(const std::string& type) {
  std::string line = vector_file(type + ".pub");
  while (!line.empty() && line.back() == '\n') line.pop_back();
  auto key = warden::SshPublicKey::parse_line(line);
  INFO(type << ": " << (key ? "" : key.error().message));
  REQUIRE(key.ok());
  return *key;
}

const char* kTypes[] = {"ed25519", "rsa", "ecdsa", "ed25519_sk", "ecdsa_sk", "ecdsa_sk_webauthn"};

}  // namespace

TEST_CASE("OpenSSH vectors verify with their own key and namespace", "[sshsig][vectors]") {
  std::string data = vector_file("signed-data");
  std::string ns = vector_file("namespace");
  REQUIRE(ns == "unittest");
  for (const char* type : kTypes) {
    INFO("type " << type);
    auto sig = warden::parse_sshsig(vector_file(std::string(type) + ".sig"));
    REQUIRE(sig.ok());
    auto key = vector_key(type);
    auto s = warden::verify_sshsig(*sig, *key, data, ns);
    INFO((s ? "" : s.error().message));
    CHECK(s.ok());
  }
}

TEST_CASE("OpenSSH vectors are refused with another key", "[sshsig][vectors]") {
  std::string data = vector_file("signed-data");
  for (const char* type : kTypes) {
    for (const char* other : kTypes) {
      if (std::string(type) == other) continue;
      INFO(type << " signature checked against the " << other << " key");
      auto sig = warden::parse_sshsig(vector_file(std::string(type) + ".sig"));
      REQUIRE(sig.ok());
      auto s = warden::verify_sshsig(*sig, *vector_key(other), data, "unittest");
      REQUIRE_FALSE(s.ok());
      CHECK(s.error().message == "signature was made by a different key");
      // Even with the embedded key swapped for the other key, the
      // signature itself must not verify.
      sig->public_key = vector_key(other)->blob();
      CHECK_FALSE(warden::verify_sshsig(*sig, *vector_key(other), data, "unittest").ok());
    }
  }
}

TEST_CASE("OpenSSH vectors are refused in another namespace", "[sshsig][vectors]") {
  std::string data = vector_file("signed-data");
  for (const char* type : kTypes) {
    INFO("type " << type);
    auto sig = warden::parse_sshsig(vector_file(std::string(type) + ".sig"));
    REQUIRE(sig.ok());
    auto s = warden::verify_sshsig(*sig, *vector_key(type), data, "git");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "signature namespace is 'unittest', not 'git'");
    // Claiming the expected namespace breaks the signature.
    sig->sig_namespace = "git";
    CHECK_FALSE(warden::verify_sshsig(*sig, *vector_key(type), data, "git").ok());
  }
}

TEST_CASE("OpenSSH vectors are refused when any byte of the data changes", "[sshsig][vectors]") {
  std::string data = vector_file("signed-data");
  for (const char* type : kTypes) {
    INFO("type " << type);
    auto sig = warden::parse_sshsig(vector_file(std::string(type) + ".sig"));
    REQUIRE(sig.ok());
    auto key = vector_key(type);
    for (size_t i = 0; i < data.size(); ++i) {
      std::string changed = data;
      changed[i] ^= 0x01;
      CHECK_FALSE(warden::verify_sshsig(*sig, *key, changed, "unittest").ok());
    }
    CHECK_FALSE(warden::verify_sshsig(*sig, *key, data + "x", "unittest").ok());
  }
}

TEST_CASE("OpenSSH vectors are refused when any byte of the signature changes", "[sshsig][vectors]") {
  std::string data = vector_file("signed-data");
  for (const char* type : kTypes) {
    INFO("type " << type);
    auto sig = warden::parse_sshsig(vector_file(std::string(type) + ".sig"));
    REQUIRE(sig.ok());
    auto key = vector_key(type);
    for (size_t i = 0; i < sig->signature.size(); ++i) {
      auto changed = *sig;
      changed.signature[i] ^= 0x01;
      INFO("byte " << i);
      CHECK_FALSE(warden::verify_sshsig(changed, *key, data, "unittest").ok());
    }
  }
}

TEST_CASE("SSHSIG armor and structure are parsed strictly", "[sshsig]") {
  std::string good = vector_file("ed25519.sig");
  SECTION("two armored blocks") {
    auto r = warden::parse_sshsig(good + good);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "more than one signature block");
  }
  SECTION("text around the block") {
    CHECK_FALSE(warden::parse_sshsig("junk\n" + good).ok());
    CHECK_FALSE(warden::parse_sshsig(good + "junk").ok());
  }
  SECTION("invalid base64") {
    std::string bad = good;
    bad[40] = '*';
    auto r = warden::parse_sshsig(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "SSH signature armor has invalid base64");
  }
  SECTION("empty and garbage input") {
    CHECK_FALSE(warden::parse_sshsig("").ok());
    CHECK_FALSE(warden::parse_sshsig("-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----").ok());
    CHECK_FALSE(warden::parse_sshsig(std::string(1000, '\0')).ok());
  }
}
