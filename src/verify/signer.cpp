#include "verify/signer.hpp"

#include <fmt/format.h>

namespace warden::verify {

namespace {

// `check_openpgp(sig, cert)` checks an OpenPGP signature against the
// certificate the policy holds for its issuer.
template <class CheckOpenPgp>
Signer identify_with(const CommitSignature& sig, const Policy* policy, CheckOpenPgp check_openpgp) {
  Signer s;
  switch (sig.kind) {
    case SignatureKind::none:
      s.description = "unsigned";
      return s;
    case SignatureKind::unsupported:
      // Signed, by nobody warden can verify: an unauthenticated commit.
      s.is_signed = s.unsupported = true;
      s.problem = sig.problem;
      if (sig.openpgp) {
        s.fingerprint = sig.openpgp->issuer();
        s.problem += fmt::format(", by OpenPGP key {}", s.fingerprint);
      }
      s.description = s.problem;
      return s;
    case SignatureKind::bad:
      s.is_signed = s.bad = true;
      s.problem = sig.problem;
      s.description = "bad signature";
      return s;
    case SignatureKind::ssh:
      s.is_signed = true;
      s.fingerprint = sig.key->fingerprint();
      if (policy != nullptr) s.person = policy->owner_of(*sig.key);
      s.description = s.person ? *s.person : fmt::format("key not in policy ({})", s.fingerprint);
      return s;
    case SignatureKind::x509: {
      s.is_signed = true;
      s.fingerprint = sig.x509->fingerprint();
      if (policy == nullptr) {
        s.description = fmt::format("key not in policy (x509 certificate {})", s.fingerprint);
        return s;
      }
      X509Signer who = policy->owner_of_x509(*sig.x509);
      if (who.person != nullptr) {
        s.person = who.person;
        s.fingerprint = who.identity;  // what verdicts name
        // What revocations name: the identity whatever its CA file or
        // case, and every other name of the certificate.
        s.aliases = x509_revocation_names(*sig.x509);
        s.aliases.insert(s.aliases.begin(), who.key);
        s.description = *who.person;
      } else if (who.bad) {
        s.bad = true;
        s.problem = who.problem;
        s.description = "bad signature";
      } else {
        s.description = fmt::format("key not in policy ({})", who.problem);
      }
      return s;
    }
    case SignatureKind::openpgp: {
      s.is_signed = true;
      const OpenPgpSignature& pgp = *sig.openpgp;
      s.fingerprint = pgp.issuer();
      const OpenPgpCert* cert = policy != nullptr ? policy->openpgp_cert_for(pgp.issuer()) : nullptr;
      if (cert == nullptr) {
        s.description = fmt::format("key not in policy (OpenPGP {})", pgp.issuer());
        return s;
      }
      s.fingerprint = cert->fingerprint();
      const OpenPgpCheck check = check_openpgp(pgp, *cert);
      if (!check.good()) {
        s.bad = true;
        s.problem = check.problem;
        s.description = "bad signature";
        return s;
      }
      s.person = policy->owner_of_openpgp(cert->fingerprint());
      s.description = s.person ? *s.person : fmt::format("key not in policy (OpenPGP {})", cert->fingerprint());
      return s;
    }
  }
  return s;
}

}  // namespace

Signer identify(const CommitSignature& sig, const Policy* policy, CommitFacts& facts) {
  return identify_with(sig, policy, [&](const OpenPgpSignature& pgp, const OpenPgpCert& cert) {
    return facts.openpgp_check(pgp, cert);
  });
}

MaybeRefusal authorize(const Policy& policy, const Signer& signer, const std::vector<std::string>& paths,
                       ApprovalContext* approvals) {
  if (signer.bad) return Refusal{Rule::signature, fmt::format("bad signature: {}", signer.problem), ""};
  std::string nobody = !signer.is_signed ? "unsigned change"
                       : signer.unsupported
                           ? fmt::format("change whose signature warden cannot verify ({})", signer.problem)
                           : "change not signed by any key the policy lists";
  return may_change(policy, signer.person, paths, nobody, approvals);
}

Result<std::string> tag_signer(const TagData& tag, const Policy& policy, CommitFacts& facts) {
  return signer_of("the tag", facts.check_signed(tag.signature, tag.signed_payload), policy);
}

Result<std::string> signer_of(const std::string& what, const CommitSignature& sig, const Policy& policy) {
  // Not through the per-commit cache of OpenPGP checks: it is keyed by the
  // signature object, and a tag's is gone when the call returns.
  Signer s = identify_with(sig, &policy, [](const OpenPgpSignature& pgp, const OpenPgpCert& cert) {
    return cert.check(pgp);
  });
  switch (sig.kind) {
    case SignatureKind::none: return make_error(fmt::format("{} is not signed", what));
    case SignatureKind::unsupported: return make_error(fmt::format("{} has an {}", what, sig.problem));
    case SignatureKind::bad: break;
    case SignatureKind::ssh:
    case SignatureKind::openpgp:
    case SignatureKind::x509:
      if (s.bad || s.person != nullptr) break;
      return make_error(fmt::format("{} is signed by a key not in the policy ({}{})", what,
                                    sig.kind == SignatureKind::openpgp ? "OpenPGP " : "",
                                    sig.kind == SignatureKind::x509 ? s.description : s.fingerprint));
  }
  if (s.bad) return make_error(fmt::format("{} has a bad signature: {}", what, s.problem));
  // A tag or a snapshot is a statement made now, judged by the policy in
  // force: a key that policy revokes makes none (DESIGN section 6a).
  auto revocation = [&](const std::string& name) { return policy.revocation_of(name); };
  if (const Revocation* r = by_any_name(s.fingerprint, s.aliases, revocation))
    return make_error(fmt::format("{} is signed by {}'s revoked key {} ({})", what, *s.person, s.fingerprint, r->reason));
  return *s.person;
}

}  // namespace warden::verify
