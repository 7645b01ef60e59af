#include "warden/policy_loader.hpp"

#include <fmt/format.h>

#include <map>

namespace warden {

namespace {

Result<std::shared_ptr<const OpenPgpCert>> of_key(const Result<std::shared_ptr<const OpenPgpCert>>& cert,
                                                  const std::string& fingerprint) {
  if (!cert) return cert.error();
  if ((*cert)->fingerprint() != fingerprint)
    return make_error(fmt::format("the certificate is for key {}", (*cert)->fingerprint()));
  return *cert;
}

}  // namespace

Result<std::shared_ptr<const OpenPgpCert>> certificate_for_key(std::string_view bytes, const std::string& fingerprint) {
  if (bytes.size() > kMaxCertificateBytes)
    return make_error(fmt::format("file is larger than {} bytes", kMaxCertificateBytes));
  return of_key(OpenPgpCert::parse(bytes), fingerprint);
}

Status attach_certificates(Policy& policy, const CertificateSource& source,
                           const std::function<std::string(const std::string& fingerprint)>& where,
                           std::vector<std::string>* problems) {
  Status first = Status::success();
  auto problem = [&](Error e) {
    if (problems) problems->push_back(e.message);
    if (first) first = std::move(e);
    return problems != nullptr;  // go on?
  };
  for (const auto& [name, person] : policy.people)
    for (const auto& fpr : person.openpgp_fingerprints) {
      auto cert = source(fpr);
      if (!cert) {
        if (!problem(cert.error())) return first;
        continue;
      }
      if (*cert) policy.openpgp_certs.emplace(fpr, *cert);
    }
  // A key in two certificates (a subkey grafted onto another certificate)
  // would make "who signed" ambiguous.
  std::map<std::string, std::string> holder;
  for (const auto& [fpr, cert] : policy.openpgp_certs)
    for (const auto& key : cert->key_fingerprints())
      if (auto [it, fresh] = holder.emplace(key, fpr); !fresh)
        if (!problem(make_error(fmt::format("{}: key {} is also in the certificate of {}", where(fpr), key, it->second))))
          return first;
  return first;
}

Status attach_x509_trust(Policy& policy, const TrustFileSource& source,
                         const std::function<std::string(const std::string& path)>& where,
                         std::vector<std::string>* problems) {
  Status first = Status::success();
  auto problem = [&](const std::string& path, const std::string& why) {
    Error e = make_error(fmt::format("{}: {}", where(path), why));
    if (problems) problems->push_back(e.message);
    if (first) first = std::move(e);
    return problems != nullptr;  // go on?
  };
  for (const auto& [name, person] : policy.people)
    for (const auto& id : person.x509) {
      if (policy.x509_cas.count(id.ca_file)) continue;
      std::string path = x509_ca_path(id.ca_file);
      auto bytes = source(path);
      if (!bytes) {
        if (!problem(path, bytes.error().message)) return first;
        continue;
      }
      if (!*bytes) continue;
      auto ca = X509Authority::parse(**bytes);
      if (!ca) {
        if (!problem(path, ca.error().message)) return first;
        continue;
      }
      policy.x509_cas.emplace(id.ca_file, *ca);
    }
  if (policy.has_sigstore_identities()) {
    auto bytes = source(kSigstoreRootPath);
    if (!bytes) {
      problem(kSigstoreRootPath, bytes.error().message);
    } else if (*bytes) {
      auto root = SigstoreTrustRoot::parse(**bytes);
      if (!root) problem(kSigstoreRootPath, root.error().message);
      else policy.sigstore_root = *root;
    }
  }
  return first;
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
  // Cached by content, checked by name: the same file under another
  // key's name is not that key's certificate.
  auto cert = of_key(it->second, fingerprint);
  if (!cert) return make_error(fmt::format("{}: {}", where, cert.error().message));
  return *cert;
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
    loaded.unreadable = file.error().kind != ErrorKind::too_large;
  } else if (file->has_value()) {
    const Blob& blob = **file;
    auto it = files_.find(blob.id);
    if (it == files_.end())
      it = files_.emplace(blob.id, parse_policy(blob.content, fmt::format("{}:{}", label, kPolicyPath), &keys_)).first;
    const PolicyParse& parsed = it->second;
    bool any_openpgp = false;
    if (parsed.policy)
      for (const auto& [name, person] : parsed.policy->people) any_openpgp |= !person.openpgp_fingerprints.empty();
    bool any_x509 = parsed.policy && (parsed.policy->has_x509_identities() || parsed.policy->has_sigstore_identities());
    if (!parsed.problems.empty()) {
      loaded.problem = parsed.problems.front();
    } else if (!any_openpgp && !any_x509) {
      loaded.policy = parsed.policy;
    } else {
      auto with_certs = std::make_shared<Policy>(*parsed.policy);
      auto in_tree = [&](const std::string& fpr) { return certificate(tree, fpr, label); };
      auto where = [&](const std::string& fpr) { return fmt::format("{}:{}", label, certificate_path(fpr)); };
      auto file = [&](const std::string& path) -> Result<std::optional<std::string>> {
        auto f = repo_.read_file(tree, path, kMaxTrustFileBytes);
        if (!f) return f.error();
        if (!f->has_value()) return std::optional<std::string>();
        return std::optional<std::string>((*f)->content);
      };
      auto named = [&](const std::string& path) { return fmt::format("{}:{}", label, path); };
      Status s = attach_certificates(*with_certs, in_tree, where);
      if (s) s = attach_x509_trust(*with_certs, file, named);
      if (!s) loaded.problem = s.error().message;
      else loaded.policy = std::move(with_certs);
    }
  }
  return &dirs_.emplace(**dir, std::move(loaded)).first->second;
}

}  // namespace warden
