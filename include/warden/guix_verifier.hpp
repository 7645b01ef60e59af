// Guix channel authentication (`guix git authenticate`), in process: from
// an introduction (a commit and the OpenPGP key that signed it), every
// commit must be signed by a key from the keyring branch that the
// .guix-authorizations of each of its parents lists. Decisions equal
// Guix's; where warden's stricter view of a key differs (expired, revoked,
// unbound when it signed), a warning says so, and `strict` refuses.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "warden/openpgp_cert.hpp"
#include "warden/git_reads.hpp"
#include "warden/verifier.hpp"

namespace warden {

struct GuixKeyring {
  std::string reference;  // as given ("keyring", "origin/keyring")
  std::string ref;        // the full ref it resolved to
  ObjectId commit;        // the tip whose *.key files were read
  std::vector<std::shared_ptr<const OpenPgpCert>> certs;

  // The certificate holding the key `issuer` (fingerprint or key id of a
  // primary key or subkey), or nullptr.
  const OpenPgpCert* openpgp_cert_for(const std::string& issuer) const;
};

// Reads every *.key file (armored or binary, at any depth) at the tip of
// the branch `reference`: refs/heads/REFERENCE, else refs/remotes/REFERENCE,
// as Guix looks it up.
Result<GuixKeyring> load_guix_keyring(const GitReads& repo, const std::string& reference);

struct GuixRequest {
  ObjectId introduction;
  std::string signer;  // the introduction's expected signer, 40 hex digits
  ObjectId target;
  const GuixKeyring* keyring = nullptr;
  // Commits authenticated by an earlier run from this introduction (the
  // cache); they and their ancestors are not checked again.
  std::vector<ObjectId> authenticated;
  // An earlier run checked the introduction's signature (a valid cache).
  bool introduction_checked = false;
  bool keep_going = false;
  // Refuse what Guix accepts but warden's stricter view would not: a
  // signature by a key that was expired, revoked or not validly bound to
  // its primary key when it signed. Without it, each is a warning.
  bool strict = false;
  size_t parallel_from = 64;
  std::function<void(size_t done, size_t total)> progress;
};

// Authenticates request.target. Verdicts use Guix's wording. An Error is a
// setup problem (missing object, unreadable repository).
Result<VerifyReport> authenticate_guix(const GitReads& repo, const GuixRequest& request);

}  // namespace warden
