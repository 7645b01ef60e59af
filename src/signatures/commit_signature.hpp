// What a commit's gpgsig header says, independent of any policy: no
// signature, a cryptographically valid SSH signature by some key, a
// well-formed OpenPGP signature (hashed, to be checked against the
// certificate a policy names), an unsupported kind, or a bad one. Policies
// then decide whose key it is.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "signatures/openpgp_signature.hpp"
#include "warden/signature_kind.hpp"
#include "warden/git_reads.hpp"
#include "warden/ssh_key.hpp"
#include "warden/x509_signature.hpp"

namespace warden {

struct CommitSignature {
  SignatureKind kind = SignatureKind::none;
  std::shared_ptr<const SshPublicKey> key;  // set for ssh
  // Set for openpgp, for bad ones made with a broken hash, and for
  // unsupported ones made with an algorithm warden does not verify.
  std::shared_ptr<const OpenPgpSignature> openpgp;
  std::shared_ptr<const X509Signature> x509;  // set for x509
  std::string problem;                      // why, for unsupported and bad
};

// Checks commit and tag signatures, parsing each distinct signing key only once.
// check() may be called from several threads at once. OpenPGP signatures
// with SHA-1 are bad unless `allow_sha1` (Guix's rule for old commits is
// applied by its caller).
class SignatureChecker {
 public:
  explicit SignatureChecker(bool allow_sha1 = false) : allow_sha1_(allow_sha1) {}
  CommitSignature check(const CommitData& commit);
  // The same for any signed object (an annotated tag): `signature` as it
  // stands in the object ("" if unsigned), `payload` what it signs.
  CommitSignature check_signed(std::string_view signature, std::string_view payload);
  // Whose key `signature` claims to be made by, without verifying it (a
  // parse only): an SSH key, or an OpenPGP issuer. Neither when it is no
  // signature warden can read (check_signed says why). Lets a reader skip
  // the checks of signatures no policy it judges by would count.
  struct Claimed {
    std::shared_ptr<const SshPublicKey> ssh;
    std::string openpgp_issuer;
    bool x509 = false;  // git's x509 format: its signer is known only once it verifies
  };
  Claimed claimed_signer(std::string_view signature);
  // How many signatures were verified cryptographically so far.
  size_t verifications() const { return verifications_.load(); }

 private:
  Result<std::shared_ptr<const SshPublicKey>> key_for(const std::string& blob);
  std::mutex keys_mutex_;
  std::unordered_map<std::string, std::shared_ptr<const SshPublicKey>> keys_;
  std::atomic<size_t> verifications_{0};
  bool allow_sha1_;
};

}  // namespace warden
