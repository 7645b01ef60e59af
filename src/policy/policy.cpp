// Queries over a parsed policy.
#include "warden/policy.hpp"

#include <fnmatch.h>

namespace warden {

void Policy::index_keys() {
  key_owner_.clear();
  for (const auto& [name, person] : people)
    for (const auto& key : person.ssh_keys) key_owner_.emplace(key->blob(), name);
  for (const auto& [name, person] : people)
    for (const auto& fpr : person.openpgp_fingerprints) key_owner_.emplace("openpgp:" + fpr, name);
  has_x509_ = has_sigstore_ = false;
  for (const auto& [name, person] : people) {
    has_x509_ = has_x509_ || !person.x509.empty();
    has_sigstore_ = has_sigstore_ || !person.sigstore.empty();
  }
}

std::string certificate_path(const std::string& fingerprint) { return ".warden/keys/" + fingerprint + ".asc"; }

const std::string* Policy::owner_of_openpgp(const std::string& primary_fingerprint) const {
  auto it = key_owner_.find("openpgp:" + primary_fingerprint);
  return it == key_owner_.end() ? nullptr : &it->second;
}

const OpenPgpCert* Policy::openpgp_cert_for(const std::string& issuer) const {
  for (const auto& [fpr, cert] : openpgp_certs)
    if (cert->has_key(issuer)) return cert.get();
  return nullptr;
}

const std::string* Policy::owner_of(const SshPublicKey& key) const {
  auto it = key_owner_.find(key.blob());
  return it == key_owner_.end() ? nullptr : &it->second;
}

bool Policy::is_unprotected(std::string_view path) const {
  if (is_policy_path(path)) return false;
  for (const auto& p : unprotected)
    if (p.covers(path)) return true;
  return false;
}

bool Grant::covers(std::string_view path) const {
  for (const auto& p : paths)
    if (p.covers(path)) return true;
  return false;
}

bool ReviewRule::covers(std::string_view path) const {
  for (const auto& p : paths)
    if (p.covers(path)) return true;
  return false;
}

bool Policy::granted(const std::string& person, std::string_view path) const {
  if (is_policy_path(path)) return false;
  for (const auto& g : grants)
    if (includes(g.who, person) && g.covers(path)) return true;
  return false;
}

std::vector<const Grant*> Policy::thresholds_for(std::string_view path) const {
  std::vector<const Grant*> out;
  if (is_policy_path(path)) return out;
  for (const auto& g : grants)
    if (g.threshold > 1 && g.covers(path)) out.push_back(&g);
  return out;
}

bool Policy::includes(const Members& who, const std::string& person) const {
  if (who.people.count(person)) return true;
  for (const auto& g : who.groups)
    if (auto it = groups.find(g); it != groups.end() && it->second.count(person)) return true;
  return false;
}

const Revocation* Policy::revocation_of(const std::string& fingerprint) const {
  for (const auto& r : revoked)
    if (r.fingerprint == fingerprint) return &r;
  return nullptr;
}

const RefRule* Policy::rule_for(const std::string& ref) const {
  for (const auto& r : refs)
    if (fnmatch(r.pattern.c_str(), ref.c_str(), 0) == 0) return &r;
  return nullptr;
}

std::optional<int64_t> parse_duration(std::string_view text) {
  if (text.size() < 2 || text.size() > 8) return std::nullopt;
  std::string_view digits = text.substr(0, text.size() - 1);
  if (digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  int64_t n = std::stoll(std::string(digits));
  switch (text.back()) {
    case 's': return n;
    case 'm': return n * 60;
    case 'h': return n * 3600;
    case 'd': return n * 86400;
    case 'w': return n * 7 * 86400;
    default: return std::nullopt;
  }
}

}  // namespace warden
