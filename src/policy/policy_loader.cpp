#include "warden/policy_loader.hpp"

#include <fmt/format.h>

#include <map>

namespace warden {

Status check_certificate_of(const OpenPgpCert& cert, const std::string& fingerprint) {
  if (cert.fingerprint() != fingerprint) return make_error(fmt::format("the certificate is for key {}", cert.fingerprint()));
  return Status::success();
}

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
  if (auto s = check_certificate_of(**it->second, fingerprint); !s)
    return make_error(fmt::format("{}: {}", where, s.error().message));
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

Status PolicyLoader::attach_certificates(Policy& policy, const ObjectId& tree, const std::string& label) {
  for (const auto& [name, person] : policy.people)
    for (const auto& fpr : person.openpgp_fingerprints) {
      auto cert = certificate(tree, fpr, label);
      if (!cert) return cert.error();
      if (*cert) policy.openpgp_certs.emplace(fpr, *cert);
    }
  // A key in two certificates (a subkey grafted onto another certificate)
  // would make "who signed" ambiguous.
  std::map<std::string, std::string> holder;
  for (const auto& [fpr, cert] : policy.openpgp_certs)
    for (const auto& key : cert->key_fingerprints())
      if (auto [it, fresh] = holder.emplace(key, fpr); !fresh)
        return make_error(fmt::format("{}:{}: key {} is also in the certificate of {}", label, certificate_path(fpr),
                                      key, it->second));
  return Status::success();
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
    const PolicyParse& parsed = it->second;
    bool any_openpgp = false;
    if (parsed.policy)
      for (const auto& [name, person] : parsed.policy->people) any_openpgp |= !person.openpgp_fingerprints.empty();
    if (!parsed.problems.empty()) {
      loaded.problem = parsed.problems.front();
    } else if (!any_openpgp) {
      loaded.policy = parsed.policy;
    } else {
      auto with_certs = std::make_shared<Policy>(*parsed.policy);
      if (auto s = attach_certificates(*with_certs, tree, label); !s) loaded.problem = s.error().message;
      else loaded.policy = std::move(with_certs);
    }
  }
  return &dirs_.emplace(**dir, std::move(loaded)).first->second;
}

}  // namespace warden
