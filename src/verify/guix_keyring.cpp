#include <fmt/format.h>

#include "warden/guix_verifier.hpp"

namespace warden {

const OpenPgpCert* GuixKeyring::openpgp_cert_for(const std::string& issuer) const {
  for (const auto& c : certs)
    if (c->has_key(issuer)) return c.get();
  return nullptr;
}

Result<GuixKeyring> load_guix_keyring(const GitReads& repo, const std::string& reference) {
  GuixKeyring k;
  k.reference = reference;
  for (const std::string prefix : {"refs/heads/", "refs/remotes/"}) {
    std::string name = prefix + reference;
    if (!is_valid_ref_name(name)) return make_error(fmt::format("'{}' is not a valid branch name", reference));
    auto tip = repo.ref_target(name);
    if (!tip) return tip.error();
    if (*tip) {
      auto commit = repo.peel_to_commit(**tip);
      if (!commit) return commit.error();
      k.ref = name;
      k.commit = *commit;
      break;
    }
  }
  if (k.ref.empty())
    return make_error(fmt::format("keyring branch '{0}' not found (looked for refs/heads/{0} and refs/remotes/{0})", reference));
  auto data = repo.read_commit(k.commit);
  if (!data) return data.error();
  auto files = repo.list_files(data->tree, ".key");
  if (!files) return files.error();
  for (const auto& [path, blob_id] : *files) {
    auto blob = repo.read_blob(blob_id, kMaxCertificateBytes, path);
    if (!blob) return make_error(fmt::format("keyring {}: {}", reference, blob.error().message));
    auto certs = OpenPgpCert::parse_all(blob->content);
    if (!certs) return make_error(fmt::format("keyring {}: {}: {}", reference, path, certs.error().message));
    for (auto& c : *certs) {
      bool seen = false;
      for (const auto& have : k.certs) seen |= have->fingerprint() == c->fingerprint();
      if (!seen) k.certs.push_back(std::move(c));
    }
  }
  return k;
}

}  // namespace warden
