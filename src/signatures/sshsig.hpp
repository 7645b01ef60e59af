// SSHSIG: OpenSSH's detached signature format (PROTOCOL.sshsig), as git
// writes it into a commit's gpgsig header for gpg.format=ssh.
#pragma once

#include <string>
#include <string_view>

#include "warden/result.hpp"
#include "warden/ssh_key.hpp"

namespace warden {

struct SshSig {
  std::string public_key;   // wire blob of the signer's key
  std::string sig_namespace;
  std::string hash_algorithm;
  std::string signature;    // raw SSH signature blob
};

// The binary SSHSIG blob inside exactly one armored block (surrounding
// whitespace allowed, nothing else).
Result<std::string> dearmor_sshsig(std::string_view armored);

// Parses exactly one "-----BEGIN SSH SIGNATURE-----" block (surrounding
// whitespace allowed, nothing else). Refuses a version other than 1, more
// than one armored block, and trailing bytes.
Result<SshSig> parse_sshsig(std::string_view armored);

// Checks `sig` over `message`: namespace must equal `expected_namespace`,
// the hash must be sha256 or sha512, the embedded key must be `key`, and
// the signature must verify.
Status verify_sshsig(const SshSig& sig, const SshPublicKey& key, std::string_view message,
                     std::string_view expected_namespace);

}  // namespace warden
