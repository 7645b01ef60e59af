// An SSH public key as OpenSSH writes it ("ssh-ed25519 AAAA... comment"),
// parsed once into an OpenSSL key and able to verify raw SSH signatures.
//
// Supported: ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa (verified
// only with rsa-sha2-256/512 signatures), sk-ssh-ed25519@openssh.com and
// sk-ecdsa-sha2-nistp256@openssh.com (FIDO security keys).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "warden/result.hpp"

namespace warden {

class SshPublicKey {
 public:
  // Parses "TYPE BASE64 [COMMENT]". The type word must match the blob.
  static Result<std::shared_ptr<const SshPublicKey>> parse_line(std::string_view line);
  // Parses the wire encoding of a public key.
  static Result<std::shared_ptr<const SshPublicKey>> parse_blob(std::string_view blob);

  ~SshPublicKey();
  SshPublicKey(const SshPublicKey&) = delete;
  SshPublicKey& operator=(const SshPublicKey&) = delete;

  const std::string& type() const { return type_; }
  const std::string& blob() const { return blob_; }
  // "SHA256:<base64, no padding>", as `ssh-keygen -l` prints it.
  std::string fingerprint() const;

  // Verifies a raw SSH signature (string algorithm, string signature, and
  // for security keys flags and counter) over `data`. Refuses ssh-rsa
  // (SHA-1) signatures, an algorithm that does not match the key, trailing
  // bytes, and security-key signatures made without user presence.
  Status verify(std::string_view signature, std::string_view data) const;

 private:
  struct Impl;
  SshPublicKey();
  std::string type_;
  std::string blob_;
  std::unique_ptr<Impl> impl_;
};

// SHA-256 fingerprint of a key blob in OpenSSH's form.
std::string ssh_fingerprint(std::string_view blob);

}  // namespace warden
