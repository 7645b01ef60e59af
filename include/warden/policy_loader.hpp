// Reads the policy a commit carries from its tree: .warden/policy.yml and
// the certificate of each OpenPGP key it lists (.warden/keys/<FPR>.asc).
// Everything is parsed once per distinct object: policy files by blob,
// certificates by blob, the whole policy directory by its tree id.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "warden/policy.hpp"
#include "warden/git_reads.hpp"

namespace warden {

struct LoadedPolicy {
  std::shared_ptr<const Policy> policy;  // null if absent or invalid
  std::string problem;                   // why it is invalid ("" if absent or valid)
  // The policy file is there but the repository cannot give it (a missing
  // or corrupt object): not the committer's mistake, and nothing is known
  // of what it says.
  bool unreadable = false;
};

// The certificate of one OpenPGP key, from wherever the policy's files
// are (a tree, a directory on disk): null if there is none; an Error, which
// names the file, if it is unreadable, too large, malformed or for another
// key.
using CertificateSource = std::function<Result<std::shared_ptr<const OpenPgpCert>>(const std::string& fingerprint)>;

// Attaches to `policy` the certificate of each of its OpenPGP keys, with
// the rules the verifier applies: a missing certificate leaves its key
// unable to sign; a bad one, or a key found in two certificates (which
// would make "who signed" ambiguous), makes the policy invalid. `where`
// names a key's certificate file in messages. Returns the first problem;
// with `problems`, checks everything and adds every problem there.
Status attach_certificates(Policy& policy, const CertificateSource& source,
                           const std::function<std::string(const std::string& fingerprint)>& where,
                           std::vector<std::string>* problems = nullptr);

// A file of the policy directory by its path in the tree (".warden/keys/
// corp-root.pem"): nullopt if absent; an Error if unreadable or too large.
using TrustFileSource = std::function<Result<std::optional<std::string>>(const std::string& path)>;

// Attaches to `policy` the CA certificates of its x509: identities and the
// Sigstore trust root of its sigstore: identities, with the rules of
// attach_certificates: one that is missing leaves its identities unable to
// sign; one that is unreadable or malformed makes the policy invalid.
// `where` turns a path into how messages name it.
Status attach_x509_trust(Policy& policy, const TrustFileSource& source,
                         const std::function<std::string(const std::string& path)>& where,
                         std::vector<std::string>* problems = nullptr);

// The certificate in `bytes` (a file's content), if it is the certificate
// of the primary key `fingerprint`; an Error says why not.
Result<std::shared_ptr<const OpenPgpCert>> certificate_for_key(std::string_view bytes, const std::string& fingerprint);

class PolicyLoader {
 public:
  explicit PolicyLoader(const GitReads& repo) : repo_(repo) {}

  // The policy in `tree`; `label` (a short commit id) prefixes messages.
  // A certificate that is missing leaves its key unable to sign; one that
  // is unreadable, malformed or for another key makes the policy invalid.
  // An Error is a repository problem.
  Result<const LoadedPolicy*> load(const ObjectId& tree, const std::string& label);

  // The certificate for `fingerprint` in `tree`, or null if there is none.
  Result<std::shared_ptr<const OpenPgpCert>> certificate(const ObjectId& tree, const std::string& fingerprint,
                                                         const std::string& label);

  // How many distinct policy files were parsed so far.
  size_t files_parsed() const { return files_.size(); }

 private:
  Result<std::shared_ptr<const OpenPgpCert>> certificate_blob(const ObjectId& blob, const std::string& fingerprint,
                                                              const std::string& where);
  const GitReads& repo_;
  KeyCache keys_;
  std::unordered_map<ObjectId, PolicyParse, ObjectIdHash> files_;  // by blob
  std::unordered_map<ObjectId, Result<std::shared_ptr<const OpenPgpCert>>, ObjectIdHash> certs_;  // by blob
  std::unordered_map<ObjectId, LoadedPolicy, ObjectIdHash> dirs_;  // by .warden tree
  LoadedPolicy absent_;
};

}  // namespace warden
