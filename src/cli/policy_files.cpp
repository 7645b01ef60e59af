#include "cli/policy_files.hpp"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <iterator>

#include "warden/openpgp_cert.hpp"
#include "warden/policy_loader.hpp"

namespace warden::cli {

std::string unique_person_name(std::string_view text, const std::string& fallback, std::set<std::string>& taken) {
  std::string name;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') name.push_back(c);
    else if (c == ' ' && !name.empty() && name.back() != '-') name.push_back('-');
  }
  while (!name.empty() && !std::isalnum(static_cast<unsigned char>(name.front()))) name.erase(name.begin());
  if (name.size() > 48) name.resize(48);
  if (name.empty()) name = fallback;
  std::string unique = name;
  for (int n = 2; taken.count(unique); ++n) unique = fmt::format("{}-{}", name, n);
  taken.insert(unique);
  return unique;
}

Status write_file(const std::filesystem::path& path, const std::string& content) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) return make_error(fmt::format("cannot write {}", path.string()));
  return Status::success();
}

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(fmt::format("cannot read {}", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > max_bytes) return make_error(fmt::format("{} is over {} bytes", path, max_bytes));
  return text;
}

std::string PolicyFile::certificate_path(const std::string& fingerprint) const {
  return (keys_dir / (fingerprint + ".asc")).string();
}

Result<PolicyFile> load_policy_file(const std::string& path) {
  // One byte over the limit is enough for the parser to report the size.
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(fmt::format("cannot read {}", path));
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxPolicyBytes + 1) break;
  }
  PolicyFile out;
  out.keys_dir = std::filesystem::path(path).parent_path() / "keys";
  auto parsed = parse_policy(text, path);
  if (!parsed.problems.empty()) {
    out.problems = parsed.problems;
    out.unparsable = true;
    return out;
  }
  auto on_disk = [&](const std::string& fpr) -> Result<std::shared_ptr<const OpenPgpCert>> {
    auto bytes = read_file(out.certificate_path(fpr), kMaxCertificateBytes);
    if (!bytes) {
      if (!std::filesystem::exists(out.certificate_path(fpr))) return std::shared_ptr<const OpenPgpCert>();
      return bytes.error();
    }
    auto cert = certificate_for_key(*bytes, fpr);
    if (!cert) return make_error(fmt::format("{}: {}", out.certificate_path(fpr), cert.error().message));
    return cert;
  };
  auto where = [&](const std::string& fpr) { return out.certificate_path(fpr); };
  auto policy = std::make_shared<Policy>(*parsed.policy);
  (void)attach_certificates(*policy, on_disk, where, &out.problems);
  // x509 CA certificates and the Sigstore trust root, laid out as in
  // .warden/ (DIR/keys/FILE, DIR/sigstore/trusted_root.json).
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  auto beside = [&](const std::string& tree_path) {
    return (dir / std::string_view(tree_path).substr(std::string_view(kPolicyDir).size() + 1)).string();
  };
  auto trust_file = [&](const std::string& tree_path) -> Result<std::optional<std::string>> {
    if (!std::filesystem::exists(beside(tree_path))) return std::optional<std::string>();
    auto bytes = read_file(beside(tree_path), kMaxTrustFileBytes);
    if (!bytes) return bytes.error();
    return std::optional<std::string>(std::move(*bytes));
  };
  (void)attach_x509_trust(*policy, trust_file, beside, &out.problems);
  for (const auto& [name, person] : policy->people) {
    for (const auto& fpr : person.openpgp_fingerprints)
      if (!policy->openpgp_certs.count(fpr) && !std::filesystem::exists(where(fpr)))
        out.missing.push_back({name, "openpgp:" + fpr, where(fpr)});
    for (const auto& id : person.x509)
      if (!policy->x509_cas.count(id.ca_file) && !std::filesystem::exists(beside(x509_ca_path(id.ca_file))))
        out.missing.push_back({name, id.text, beside(x509_ca_path(id.ca_file))});
    for (const auto& id : person.sigstore)
      if (!policy->sigstore_root && !std::filesystem::exists(beside(kSigstoreRootPath)))
        out.missing.push_back({name, id.text, beside(kSigstoreRootPath)});
  }
  if (out.problems.empty()) out.policy = std::move(policy);
  return out;
}

}  // namespace warden::cli
