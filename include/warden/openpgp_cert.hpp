// An OpenPGP certificate (a transferable public key: primary key, user
// ids, subkeys and their self-signatures), imported with RNP. RNP does the
// rare, hard part once per certificate: self-signatures, subkey bindings,
// expiry and revocation. What is kept is each key's public material as an
// OpenSSL key and the window in which it could sign, so that checking a
// commit signature is one OpenSSL operation and needs RNP no more.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warden/result.hpp"

namespace warden {

struct OpenPgpSignature;

// The outcome of checking one signature against one certificate.
struct OpenPgpCheck {
  enum class Outcome {
    good,          // verifies, and the key could sign at the signature's time
    bad,           // does not verify (or an unusable key algorithm)
    key_validity,  // verifies, but the key was expired, revoked, unbound or
                   // not a signing key when it signed (Guix would accept it)
  };
  Outcome outcome = Outcome::bad;
  std::string problem;  // why, when not good
  bool good() const { return outcome == Outcome::good; }
};

// Larger certificate files are refused unread.
inline constexpr size_t kMaxCertificateBytes = 1 << 20;

class OpenPgpCert {
 public:
  // Parses exactly one certificate (armored or binary). Secret key
  // material, if any, is ignored.
  static Result<std::shared_ptr<const OpenPgpCert>> parse(std::string_view data);
  // Parses every certificate in `data` (a keyring file).
  static Result<std::vector<std::shared_ptr<const OpenPgpCert>>> parse_all(std::string_view data);

  ~OpenPgpCert();
  OpenPgpCert(const OpenPgpCert&) = delete;
  OpenPgpCert& operator=(const OpenPgpCert&) = delete;

  // The primary key's v4 fingerprint, 40 upper-case hex digits.
  const std::string& fingerprint() const;
  // The first user id, or "".
  const std::string& user_id() const;
  // The certificate, ASCII-armored (public parts only).
  const std::string& armored() const;
  // True if the primary key or a subkey has this fingerprint or key id.
  bool has_key(const std::string& fingerprint_or_key_id) const;
  // The fingerprints of the primary key and every subkey.
  std::vector<std::string> key_fingerprints() const;
  // The fingerprint of the key (the primary or a subkey) whose fingerprint
  // or key id is `fingerprint_or_key_id`, or "" if none is: the key that
  // made a signature naming that issuer.
  std::string key_fingerprint(const std::string& fingerprint_or_key_id) const;

  // This certificate brought up to date by `update` (a copy of the same
  // certificate, with the same primary key): its newer self-signatures
  // (a new expiry), user ids and subkeys count, but not its revocations:
  // every key this certificate holds keeps the revocation state it has
  // here, and keys new in `update` are taken as unrevoked (sequoia-git
  // strips the revocations of a child policy's copy before merging it).
  Result<std::shared_ptr<const OpenPgpCert>> updated_with(const OpenPgpCert& update) const;
  // The keys (primary or subkeys) revoked for a reason that voids every
  // signature they made, earlier or later: compromised, or none given.
  std::vector<std::string> hard_revoked_keys() const;
  // Every signature the certificate made over its own parts (self-
  // signatures of its user ids, direct-key signatures, subkey bindings,
  // revocations), each as "part|type|hash|creation time", sorted: what
  // sequoia-git compares to see whether a copy of the certificate lost one.
  const std::vector<std::string>& self_signatures() const { return self_signatures_; }

  // Checks `sig` against the key it names. REQUIRES: has_key(sig.issuer()).
  OpenPgpCheck check(const OpenPgpSignature& sig) const;

  struct Key;

 private:
  OpenPgpCert();
  std::vector<std::unique_ptr<Key>> keys_;  // the primary first
  std::string user_id_;
  std::string armored_;
  std::vector<std::string> self_signatures_;
};

// "3CE4 6455 8A84 FDC6 9DB4  0CFB 090B 1199 3D9A EBB5", as gpg and Guix print it.
std::string format_openpgp_fingerprint(const std::string& fingerprint);
// Removes spaces and upper-cases; nullopt unless 40 hex digits remain.
std::optional<std::string> normalize_openpgp_fingerprint(std::string_view text);

}  // namespace warden
