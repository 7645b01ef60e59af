// The people git warden init finds (see init_people.hpp).
#include "cli/init_people.hpp"

#include <cctype>

#include "cli/policy_files.hpp"

namespace warden::cli {

std::string person_name_from(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) return "";  // "José": no name rather than "Jos"
    if (std::isalnum(u) || c == '.' || c == '_' || c == '-') out.push_back(static_cast<char>(std::tolower(u)));
    else if ((c == ' ' || c == '\t') && !out.empty() && out.back() != '-') out.push_back('-');
  }
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.back()))) out.pop_back();
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.front()))) out.erase(out.begin());
  return out;
}

std::string address_name(const std::string& address) {
  size_t at = address.find('@');
  std::string local = address.substr(0, at);
  if (at == std::string::npos) return local;
  static const std::set<std::string> nobody = {"me",    "i",     "hi",    "hey",     "hello",    "hallo",
                                               "mail",  "email", "info",  "contact", "git",      "dev",
                                               "code",  "admin", "root",  "user",    "noreply",  "no-reply",
                                               "self",  "x",     "github", "gitlab", "commits", "private"};
  static const std::set<std::string> providers = {"gmail",   "googlemail", "outlook", "hotmail", "live",
                                                  "yahoo",   "icloud",     "me",      "mac",     "protonmail",
                                                  "proton",  "pm",         "posteo",  "gmx",     "web",
                                                  "mailbox", "fastmail",   "users",   "example", "localhost"};
  std::string lower;
  for (char c : local) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (!nobody.count(lower)) return local;
  std::string domain = address.substr(at + 1);
  if (domain.starts_with("www.") || domain.starts_with("mail.")) domain = domain.substr(domain.find('.') + 1);
  std::string label = domain.substr(0, domain.find('.'));
  std::string lower_label;
  for (char c : label) lower_label.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return label.empty() || domain.find('.') == std::string::npos || providers.count(lower_label) ? local : label;
}

Signer& Draft::by_key(const std::string& key_id, const std::string& key_line, const std::string& fingerprint,
                      const std::string& person, const std::vector<std::string>& name_hints,
                      const std::string& origin) {
  if (auto it = by_key_.find(key_id); it != by_key_.end()) return signers_[it->second.first];
  auto found = by_person_.find(person);
  if (found == by_person_.end()) {
    signers_.push_back(Signer{});
    found = by_person_.emplace(person, signers_.size() - 1).first;
  }
  Signer& s = signers_[found->second];
  s.name_hints.insert(s.name_hints.end(), name_hints.begin(), name_hints.end());
  s.keys.push_back(key_line);
  s.key_origins.push_back(origin);
  s.key_fingerprints.push_back(fingerprint);
  s.key_commits.push_back(0);
  by_key_.emplace(key_id, std::pair{found->second, s.keys.size() - 1});
  return s;
}

void Draft::signed_with(const std::string& key_id) {
  auto [person, key] = by_key_.at(key_id);
  ++signers_[person].key_commits[key];
}

void Draft::name_people(const std::map<std::string, std::string>& names) {
  std::set<std::string> taken;
  for (const auto& [person, index] : by_person_) {
    Signer& s = signers_[index];
    std::vector<std::string> candidates;
    if (auto it = names.find(person); it != names.end()) candidates.push_back(it->second);
    candidates.insert(candidates.end(), s.name_hints.begin(), s.name_hints.end());
    candidates.push_back(address_name(person));
    std::string name;
    for (const auto& c : candidates)
      if (name = person_name_from(c.substr(0, c.find('@'))); !name.empty()) break;
    s.name = name;
  }
  // In the order they were found, so that the first keeps a shared name.
  for (auto& s : signers_) s.name = unique_person_name(s.name, "signer", taken);
}

}  // namespace warden::cli
