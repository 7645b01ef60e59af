#include "warden/tag_signer.hpp"

#include <fmt/format.h>

#include "warden/sshsig.hpp"

namespace warden {

Result<std::string> tag_signer(const TagData& tag, const Policy& policy) {
  if (tag.signature.empty()) return make_error("the tag is not signed");
  if (tag.signature.starts_with("-----BEGIN PGP SIGNATURE-----"))
    return make_error("the tag has an unsupported signature (OpenPGP)");
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
