// sequoia-git's signing policy, openpgp-policy.toml at the root of a tree:
//
//   version = 0
//   commit_goodlist = ["<commit id>", ...]
//   [authorization."Alice <alice@example.org>"]
//   sign_commit = true        # also sign_tag, sign_archive, add_user,
//   retire_user = false       # retire_user, audit; absent means false
//   keyring = """-----BEGIN PGP PUBLIC KEY BLOCK----- ..."""
//
// read with toml++ as sq-git 0.6 reads it with serde: absent fields take
// their defaults (version 0, no goodlist, no users, capabilities false)
// except a user's keyring, which is required; fields of the wrong type are
// errors; fields sq-git does not know are ignored (the names are kept, so
// that `verify --sequoia` can warn); any version is read as sq-git reads
// it (it checks none). Also what a child policy changes relative
// to its parent's, and which capability each change needs.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "warden/openpgp_cert.hpp"
#include "warden/result.hpp"

namespace warden {

inline constexpr const char* kSequoiaPolicyPath = "openpgp-policy.toml";
// Larger policy files are refused unread.
inline constexpr size_t kMaxSequoiaPolicyBytes = 4 << 20;

enum class SequoiaCapability : uint8_t { sign_commit, sign_tag, sign_archive, add_user, retire_user, audit };
inline constexpr size_t kSequoiaCapabilityCount = 6;
inline constexpr std::array<SequoiaCapability, kSequoiaCapabilityCount> kSequoiaCapabilities = {
    SequoiaCapability::sign_commit, SequoiaCapability::sign_tag,    SequoiaCapability::sign_archive,
    SequoiaCapability::add_user,    SequoiaCapability::retire_user, SequoiaCapability::audit};
// "sign_commit", as the file spells it.
std::string_view name_of(SequoiaCapability c);

struct SequoiaUser {
  std::string name;  // the table's key
  std::array<bool, kSequoiaCapabilityCount> can{};
  std::vector<std::shared_ptr<const OpenPgpCert>> certs;  // the keyring, each certificate once
  bool has(SequoiaCapability c) const { return can[static_cast<size_t>(c)]; }
  bool holds(const std::string& primary_fingerprint) const;
};

struct SequoiaPolicy {
  uint64_t version = 0;
  std::set<std::string> goodlist;    // commit ids, as written
  std::vector<SequoiaUser> users;    // sorted by name
  std::vector<std::string> unknown;  // fields sq-git ignores ("authorization.NAME.field" or "field")

  const SequoiaUser* user(std::string_view name) const;
  // The certificate that holds the key `issuer` (fingerprint or key id of a
  // primary key or subkey) in any user's keyring, or nullptr.
  const OpenPgpCert* openpgp_cert_for(const std::string& issuer) const;
  // The users whose keyring holds the certificate with this primary key.
  std::vector<const SequoiaUser*> users_of(const std::string& primary_fingerprint) const;
};

// Parses openpgp-policy.toml. Errors name the line or the field.
Result<SequoiaPolicy> parse_sequoia_policy(std::string_view text);

// One difference between a parent's policy and a child's, as sq-git's
// policy diff lists them, with the capabilities its signer needs.
struct SequoiaChange {
  enum class Kind {
    version,              // the version changed
    goodlist_commit,      // a commit added to commit_goodlist
    ungoodlist_commit,    // a commit removed from it
    add_user,
    retire_user,
    add_right,            // a capability given to a user
    remove_right,
    add_certificate,      // a certificate added to a user's keyring
    remove_certificate,
    remove_self_signature,  // a certificate's copy loses a signature it made itself (a revocation, a binding)
  };
  Kind kind;
  std::string user;       // for the user kinds
  std::string detail;     // the commit, the capability or the fingerprint
  // What the signer must hold: add_right needs add_user and the right itself.
  std::vector<SequoiaCapability> needs;
  // "adds Bob's capability add_user", for messages.
  std::string describe() const;
};

// What `child` changes relative to `parent`, in a stable order.
std::vector<SequoiaChange> sequoia_changes(const SequoiaPolicy& parent, const SequoiaPolicy& child);

}  // namespace warden
