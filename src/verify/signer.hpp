// Who made a commit's signature, as one policy sees it: a person of that
// policy, nobody it knows ("key not in policy"), or a bad signature.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "verify/authorization.hpp"
#include "verify/commit_facts.hpp"
#include "warden/policy.hpp"

namespace warden::verify {

struct Signer {
  const std::string* person = nullptr;  // set when the policy knows the key
  bool is_signed = false;               // there is a signature at all
  bool bad = false;                     // does not verify against the key the policy lists
  bool unsupported = false;             // a kind or algorithm warden does not verify (X.509, ElGamal)
  std::string problem;                  // why it is bad or unsupported
  std::string description;              // person, "unsigned", "key not in policy (...)", "bad signature"
  std::string fingerprint;              // of the key (the primary key's for OpenPGP), if known
  // x509: every other name a revocation could give the signer
  // (x509_revocation_names), beside `fingerprint` (the identity's own).
  std::vector<std::string> aliases;
};

// What `find` gives for the first of a signer's names (its key's own,
// then its aliases) it gives anything for: whether, or by what, the key
// is revoked under any of its names. A default (false, null) if none.
template <class Find>
auto by_any_name(const std::string& fingerprint, const std::vector<std::string>& aliases, Find find) {
  using Found = decltype(find(fingerprint));
  if (!fingerprint.empty())
    if (Found f = find(fingerprint)) return f;
  for (const auto& a : aliases)
    if (Found f = find(a)) return f;
  return Found{};
}

// `policy` null: nobody is known yet. OpenPGP signatures are checked
// against the certificate `policy` holds for their issuer; a signature by
// a key that was expired or revoked when it signed is bad.
Signer identify(const CommitSignature& sig, const Policy* policy, CommitFacts& facts);

// Whether the signer (as identified under `policy`) may make `paths`
// under `policy`: a bad signature never may; otherwise see may_change.
// `approvals`: what thresholds may count (see may_change).
MaybeRefusal authorize(const Policy& policy, const Signer& signer, const std::vector<std::string>& paths,
                       ApprovalContext* approvals = nullptr);

// The person of `policy` who signed an annotated tag, or why there is none.
Result<std::string> tag_signer(const TagData& tag, const Policy& policy, CommitFacts& facts);
// The same for any signature, classified and checked by the one checker
// (CommitFacts): `what` names the signed object in messages ("the tag").
// A key `policy` revokes signs nothing that counts.
Result<std::string> signer_of(const std::string& what, const CommitSignature& sig, const Policy& policy);

}  // namespace warden::verify
