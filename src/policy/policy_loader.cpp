#include "warden/policy_loader.hpp"

#include <fmt/format.h>

#include <map>

namespace warden {

Result<std::shared_ptr<const OpenPgpCert>> PolicyLoader::certificate_blob(const ObjectId& blob,
                                                                          const std::string& fingerprint,
                                                                          const std::string& where) {
  auto it = certs_.find(blob);
  if (it == certs_.end()) {
    Result<std::shared_ptr<const OpenPgpCert>> cert = make_error("");
    auto content = repo_.read_blob(blob, kMaxCertificateBytes, where);
    if (!content) cert = content.error();
    else cert = OpenPgpCert::parse(content->content);
    it = certs_.emplace(blob, std::move(cert)).first;
  }
  if (!it->second) return make_error(fmt::format("{}: {}", where, it->second.error().message));
  if ((*it->second)->fingerprint() != fingerprint)
    return make_error(fmt::format("{}: the certificate is for key {}", where, (*it->second)->fingerprint()));
  return *it->second;
}

Result<std::shared_ptr<const OpenPgpCert>> PolicyLoader::certificate(const ObjectId& tree,
                                                                     const std::string& fingerprint,
                                                                     const std::string& label) {
  std::string path = certificate_path(fingerprint);
  auto id = repo_.entry_id(tree, path);
  if (!id) return id.error();
  if (!id->has_value()) return std::shared_ptr<const OpenPgpCert>();
  return certificate_blob(**id, fingerprint, fmt::format("{}:{}", label, path));
}

Result<const LoadedPolicy*> PolicyLoader::load(const ObjectId& tree, const std::string& label) {
  auto dir = repo_.entry_id(tree, kPolicyDir);
  if (!dir) return dir.error();
  if (!dir->has_value()) return &absent_;
  if (auto it = dirs_.find(**dir); it != dirs_.end()) return &it->second;

  LoadedPolicy loaded;
  // One byte over the limit is enough for the parser to report the size.
  auto file = repo_.read_file(tree, kPolicyPath, kMaxPolicyBytes + 1);
  if (!file) {
    // A policy file that cannot be read (too large, missing object) is an
    // invalid policy: the commit carrying it cannot be built upon.
    loaded.problem = fmt::format("{}:{}: {}", label, kPolicyPath, file.error().message);
  } else if (file->has_value()) {
    const Blob& blob = **file;
    auto it = files_.find(blob.id);
    if (it == files_.end())
      it = files_.emplace(blob.id, parse_policy(blob.content, fmt::format("{}:{}", label, kPolicyPath), &keys_)).first;
    if (!it->second.problems.empty()) {
      loaded.problem = it->second.problems.front();
    } else if (it->second.policy) {
      loaded.policy = it->second.policy;
      bool any_openpgp = false;
      for (const auto& [name, person] : it->second.policy->people) any_openpgp |= !person.openpgp_fingerprints.empty();
      if (any_openpgp) {
        auto with_certs = std::make_shared<Policy>(*it->second.policy);
        for (const auto& [name, person] : with_certs->people)
          for (const auto& fpr : person.openpgp_fingerprints) {
            if (!loaded.problem.empty()) break;
            auto cert = certificate(tree, fpr, label);
            if (!cert) {
              loaded.problem = cert.error().message;
              break;
            }
            if (*cert) with_certs->openpgp_certs.emplace(fpr, *cert);
          }
        // A key in two certificates (a subkey grafted onto another
        // certificate) would make "who signed" ambiguous.
        std::map<std::string, std::string> holder;
        for (const auto& [fpr, cert] : with_certs->openpgp_certs)
          for (const auto& key : cert->key_fingerprints()) {
            auto [it2, fresh] = holder.emplace(key, fpr);
            if (!fresh && loaded.problem.empty())
              loaded.problem = fmt::format("{}:{}: key {} is also in the certificate of {}", label,
                                           certificate_path(fpr), key, it2->second);
          }
        loaded.policy = loaded.problem.empty() ? std::shared_ptr<const Policy>(std::move(with_certs)) : nullptr;
      }
    }
  }
  return &dirs_.emplace(**dir, std::move(loaded)).first->second;
}

}  // namespace warden
