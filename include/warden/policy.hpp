// The policy file, .warden/policy.yml, version 1 (DESIGN section 2): who
// exists (people and their keys), who may change which paths (grants),
// what needs no signature (unprotected), who may change the policy itself,
// how unsigned merges are treated, and the server's ref rules.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "warden/openpgp_cert.hpp"
#include "warden/path_pattern.hpp"
#include "warden/result.hpp"
#include "warden/ssh_key.hpp"
#include "warden/x509_signature.hpp"

namespace warden {

inline constexpr const char* kPolicyPath = ".warden/policy.yml";
inline constexpr const char* kPolicyDir = ".warden";
// Where the certificate of "openpgp:FPR" lives, in the policy's tree.
std::string certificate_path(const std::string& fingerprint);
inline constexpr size_t kMaxPolicyBytes = 1 << 20;

// Where the CA certificate of "x509:ca=FILE,..." lives, and the Sigstore
// trust root of "sigstore:..." identities, in the policy's tree.
std::string x509_ca_path(const std::string& file);
inline constexpr const char* kSigstoreRootPath = ".warden/sigstore/trusted_root.json";
inline constexpr size_t kMaxTrustFileBytes = 1 << 20;

// "x509:ca=FILE,email=ADDRESS" or "x509:ca=FILE,subject=DN" (DESIGN
// section 2): a certificate that chains to the CA certificate FILE (in
// .warden/keys/) at its signing time and carries that e-mail address
// (compared without case) or exactly that subject (RFC 2253, as `openssl
// x509 -noout -subject -nameopt RFC2253` prints it).
struct X509Identity {
  std::string text;  // canonical: how the policy and verdicts name it
  std::string ca_file;
  std::string email;  // in lower case
  std::string subject;
};

// "sigstore:issuer=URL,identity=ID": a Fulcio certificate for identity ID
// (a SAN e-mail address or URI) from OIDC issuer URL, whose transparency
// log entry is embedded and verifies against .warden/sigstore/trusted_root.json.
struct SigstoreIdentity {
  std::string text;
  std::string issuer;
  std::string identity;
};

// What revokes an identity, whatever CA file or case a policy wrote it
// with: "x509:email=ADDRESS" (lower case), "x509:subject=DN", or the
// sigstore: identity's text. Revocations name x509 and sigstore signers
// by these, and a signature is revoked when any name of its certificate is
// (x509_revocation_names).
std::string revocation_key(const X509Identity& id);
std::string revocation_key(const SigstoreIdentity& id);
// Every name by which a revocation could mean the signer of `sig`: each
// of its e-mail addresses and its subject, and (with an OIDC issuer) its
// Sigstore identity under that issuer.
std::vector<std::string> x509_revocation_names(const X509Signature& sig);

// Parses the text of an x509: or sigstore: key (after its prefix); an
// Error says what is wrong.
Result<X509Identity> parse_x509_identity(std::string_view text);
Result<SigstoreIdentity> parse_sigstore_identity(std::string_view text);

// An x509: or sigstore: key as an anchor or a revocation writes it (its
// prefix included): its canonical text, or the revocation_key it names.
// nullopt when `text` has neither prefix; an Error says what is wrong.
std::optional<Result<std::string>> identity_text(std::string_view text);
std::optional<Result<std::string>> identity_revocation_key(std::string_view text);

struct Person {
  std::string name;
  std::vector<std::shared_ptr<const SshPublicKey>> ssh_keys;
  std::vector<std::string> openpgp_fingerprints;  // upper-case hex, v4
  std::vector<X509Identity> x509;
  std::vector<SigstoreIdentity> sigstore;
};

// Who made an x509 signature, under a policy: the person and the identity
// (X509Identity::text or SigstoreIdentity::text) it matched, or why not.
struct X509Signer {
  const std::string* person = nullptr;
  std::string identity;    // the identity's text, as the policy writes it
  std::string key;         // its revocation_key
  std::string issuer;      // sigstore: the OIDC issuer
  bool bad = false;        // an identity of the policy matches by name, but the chain or log does not verify
  std::string problem;     // why not (bad), or what the certificate names (no match)
};

// People and groups as a rule names them ("who: [...]"). Groups are not
// expanded into each rule that names them (a policy naming one large group
// in many rules would cost their product): membership is looked up in the
// policy's groups. See Policy::includes.
struct Members {
  std::vector<std::string> names;  // as written
  std::set<std::string> people;    // the people named directly
  std::vector<std::string> groups; // the groups named
};

// Limits on what one policy may hold, so that parsing and evaluating it
// cost in proportion to its size (a policy is read before its commit is
// judged only when that commit's parent is authenticated, but the server
// and every client still read it).
inline constexpr size_t kMaxPolicyNodes = 100000;   // YAML scalars, lists and mappings
inline constexpr size_t kMaxPeople = 10000;
inline constexpr size_t kMaxKeys = 20000;
inline constexpr size_t kMaxGroups = 1000;
inline constexpr size_t kMaxGrants = 10000;
inline constexpr size_t kMaxPatterns = 50000;     // paths in grants and unprotected
inline constexpr size_t kMaxRefRules = 1000;

struct Grant {
  std::vector<PathPattern> paths;
  Members who;
  // Distinct people of `who` a change to these paths needs (the signer,
  // if among them, plus approvals); a requirement no other grant lifts.
  int threshold = 1;
  bool covers(std::string_view path) const;
};

// A review rule (DESIGN section 6): a change to these paths needs `count`
// approving reviews (git warden attest review) by distinct people of
// `who` other than the commit's signer.
struct ReviewRule {
  std::vector<PathPattern> paths;
  Members who;
  int count = 1;
  bool covers(std::string_view path) const;
};

struct RefRule {
  std::string pattern;  // "refs/heads/main", "refs/tags/v*"
  std::optional<bool> fast_forward_only;
  std::optional<bool> deletion_allowed;
  std::optional<bool> immutable;
  std::optional<bool> verify;
  Members signed_by;
  int line = 0;
};

// A compromised key (DESIGN section 6a): whatever it signed after the
// revocation landed is refused, even where an older policy still lists it.
struct Revocation {
  std::string fingerprint;  // "SHA256:..." for an SSH key, the v4 hex fingerprint for OpenPGP, the
                            // canonical text of an x509: or sigstore: identity
  std::string reason;
  int line = 0;
};
inline constexpr size_t kMaxRevocations = 10000;

// Signed snapshots of the refs (DESIGN section 6b): who may sign them and
// how old the newest may be before a client calls the mirror frozen.
struct SnapshotRule {
  std::vector<std::string> who;  // as written
  std::set<std::string> people;  // expanded
  int64_t max_age = 0;           // seconds
  std::string max_age_text;      // as written ("7d")
};
// "7d", "12h", "30m", "90s", "2w": seconds, or nullopt if malformed.
std::optional<int64_t> parse_duration(std::string_view text);

// Build attestations (DESIGN section 6): the people whose signed builds
// count, and how many distinct ones must agree on an output by default.
struct BuilderRule {
  std::vector<std::string> who;  // as written
  std::set<std::string> people;  // expanded
  int threshold = 1;
};

struct PolicyRule {
  std::vector<std::string> who;
  std::set<std::string> people;
  int threshold = 1;
};

class Policy {
 public:
  std::map<std::string, Person> people;
  std::map<std::string, std::set<std::string>> groups;
  std::vector<Grant> grants;
  std::vector<PathPattern> unprotected;
  PolicyRule policy;
  bool unsigned_merges_allowed = false;
  // merges.vouch: signed. A merge signed by someone whose grants cover
  // every path it brings in vouches for the brought-in commits that do not
  // authenticate on their own (a topic forked before the anchor, unsigned
  // contributors' commits): DESIGN section 2.
  bool signed_merges_vouch = false;
  bool grant_thresholds = false;  // some grant has a threshold above 1
  std::vector<RefRule> refs;
  std::vector<Revocation> revoked;
  std::optional<SnapshotRule> snapshots;
  std::optional<BuilderRule> builders;
  std::vector<ReviewRule> reviews;
  // The certificates of the people's OpenPGP keys, by primary fingerprint,
  // as found beside the policy (.warden/keys/<FPR>.asc). A listed key
  // without one cannot sign.
  std::map<std::string, std::shared_ptr<const OpenPgpCert>> openpgp_certs;
  // The CA certificates of x509: identities, by file name (.warden/keys/),
  // and the Sigstore trust root of sigstore: identities, as found beside
  // the policy. An identity without them cannot sign.
  std::map<std::string, std::shared_ptr<const X509Authority>> x509_cas;
  std::shared_ptr<const SigstoreTrustRoot> sigstore_root;

  // The person who owns `key`, or nullptr if no one in this policy does.
  const std::string* owner_of(const SshPublicKey& key) const;
  // The person whose OpenPGP key has this primary fingerprint, or nullptr.
  const std::string* owner_of_openpgp(const std::string& primary_fingerprint) const;
  // The certificate that holds the key `issuer` (a fingerprint or key id of
  // a primary key or subkey), or nullptr.
  const OpenPgpCert* openpgp_cert_for(const std::string& issuer) const;
  // The person whose x509: or sigstore: identity made `sig`.
  X509Signer owner_of_x509(const X509Signature& sig) const;
  // Whether someone holds an x509: (sigstore:) identity: asked for every
  // x509-signed statement a note holds, so known from index_keys().
  bool has_x509_identities() const { return has_x509_; }
  bool has_sigstore_identities() const { return has_sigstore_; }
  bool is_unprotected(std::string_view path) const;
  // True if a grant lets `person` change `path`. Never for .warden/.
  bool granted(const std::string& person, std::string_view path) const;
  // The grants with a threshold above 1 that cover `path`.
  std::vector<const Grant*> thresholds_for(std::string_view path) const;
  bool may_change_policy(const std::string& person) const { return policy.people.count(person) > 0; }
  // True if `person` is one of `who`, directly or through a group.
  bool includes(const Members& who, const std::string& person) const;
  // The revocation of the key with this fingerprint, or nullptr.
  const Revocation* revocation_of(const std::string& fingerprint) const;
  // The first ref rule whose pattern matches `ref` ('*' matches any run of
  // characters, '/' included), or nullptr.
  const RefRule* rule_for(const std::string& ref) const;

  // Called by the parser once people are known.
  void index_keys();

 private:
  std::unordered_map<std::string, std::string> key_owner_;  // key blob or "openpgp:FPR" -> person
  bool has_x509_ = false, has_sigstore_ = false;
};

// Keys parsed so far, by their "type base64" text, so that a key listed in
// many policies is parsed once.
using KeyCache = std::unordered_map<std::string, std::shared_ptr<const SshPublicKey>>;

struct PolicyParse {
  std::shared_ptr<const Policy> policy;  // set when problems is empty
  std::vector<std::string> problems;     // "SOURCE:LINE: problem", in file order
};

// Parses and validates policy text. `source` names the file in messages
// (for example "abc1234:.warden/policy.yml"). Never throws.
PolicyParse parse_policy(std::string_view text, const std::string& source, KeyCache* keys = nullptr);

}  // namespace warden
