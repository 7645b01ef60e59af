#include "warden/tag_signer.hpp"

#include <fmt/format.h>

#include "signatures/openpgp_signature.hpp"
#include "signatures/sshsig.hpp"

namespace warden {

Result<std::string> tag_signer(const TagData& tag, const Policy& policy) {
  if (tag.signature.empty()) return make_error("the tag is not signed");
  if (tag.signature.starts_with("-----BEGIN PGP SIGNATURE-----")) {
    auto sig = parse_openpgp_signature(tag.signature, tag.signed_payload);
    if (!sig) return make_error(fmt::format("bad tag signature: {}", sig.error().message));
    if (sig->weak_hash()) return make_error("bad tag signature: SHA1 signature (refused: SHA-1 is broken)");
    const OpenPgpCert* cert = policy.openpgp_cert_for(sig->issuer());
    if (cert == nullptr)
      return make_error(fmt::format("the tag is signed by a key not in the policy (OpenPGP {})", sig->issuer()));
    OpenPgpCheck check = cert->check(*sig);
    if (!check.good()) return make_error(fmt::format("bad tag signature: {}", check.problem));
    const std::string* who = policy.owner_of_openpgp(cert->fingerprint());
    if (who == nullptr) return make_error(fmt::format("the tag is signed by a key not in the policy (OpenPGP {})", cert->fingerprint()));
    return *who;
  }
  auto sig = parse_sshsig(tag.signature);
  if (!sig) return make_error(fmt::format("bad tag signature: {}", sig.error().message));
  auto key = SshPublicKey::parse_blob(sig->public_key);
  if (!key) return make_error(fmt::format("bad tag signature: {}", key.error().message));
  if (auto s = verify_sshsig(*sig, **key, tag.signed_payload, "git"); !s)
    return make_error(fmt::format("bad tag signature: {}", s.error().message));
  const std::string* who = policy.owner_of(**key);
  if (who == nullptr) return make_error(fmt::format("the tag is signed by a key not in the policy ({})", (*key)->fingerprint()));
  return *who;
}

}  // namespace warden
