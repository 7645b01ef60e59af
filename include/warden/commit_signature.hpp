// What a commit's gpgsig header says, independent of any policy: no
// signature, a cryptographically valid SSH signature by some key, an
// unsupported kind, or a bad one. Policies then decide whose key it is.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "warden/repository.hpp"
#include "warden/ssh_key.hpp"

namespace warden {

enum class SignatureKind {
  none,         // no gpgsig header
  ssh,          // valid SSHSIG in namespace "git"; `key` says by whom
  unsupported,  // a kind warden does not verify yet (OpenPGP, X.509)
  bad,          // malformed, wrong namespace, weak hash, does not verify
};

struct CommitSignature {
  SignatureKind kind = SignatureKind::none;
  std::shared_ptr<const SshPublicKey> key;  // set for ssh
  std::string problem;                      // why, for unsupported and bad
};

std::string_view to_string(SignatureKind kind);

// Checks commit signatures, parsing each distinct signing key only once.
// check() may be called from several threads at once.
class SignatureChecker {
 public:
  CommitSignature check(const CommitData& commit);
  // How many signatures were verified cryptographically so far.
  size_t verifications() const { return verifications_.load(); }

 private:
  Result<std::shared_ptr<const SshPublicKey>> key_for(const std::string& blob);
  std::mutex keys_mutex_;
  std::unordered_map<std::string, std::shared_ptr<const SshPublicKey>> keys_;
  std::atomic<size_t> verifications_{0};
};

}  // namespace warden
