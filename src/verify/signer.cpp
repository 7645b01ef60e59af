#include "verify/signer.hpp"

#include <fmt/format.h>

namespace warden::verify {

Signer identify(const CommitSignature& sig, const Policy* policy, CommitFacts& facts) {
  Signer s;
  switch (sig.kind) {
    case SignatureKind::none:
      s.description = "unsigned";
      return s;
    case SignatureKind::unsupported:
      s.is_signed = true;
      s.description = sig.problem;
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
      const OpenPgpCheck& check = facts.openpgp_check(pgp, *cert);
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

std::optional<PathRefusal> authorize(const Policy& policy, const Signer& signer, const std::vector<std::string>& paths) {
  if (signer.bad) return PathRefusal{"signature", "", fmt::format("bad signature: {}", signer.problem)};
  return authorize_changes(policy, signer.person, paths, signer.person == nullptr && signer.is_signed);
}

}  // namespace warden::verify
