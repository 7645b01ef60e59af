// What the commands that write or read a policy's files share: person
// names the policy accepts, made from what another tool calls someone, and
// whole files read and written.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <memory>
#include <utility>
#include <vector>

#include "warden/policy.hpp"

#include "warden/result.hpp"

namespace warden::cli {

// A policy person name made from `text` (a Guix name, an e-mail address's
// local part): letters, digits, '.', '_' and '-', spaces turned into '-',
// at most 48 characters; `fallback` if nothing is left; "-2", "-3", ...
// appended when `taken` has it already. The result is added to `taken`.
std::string unique_person_name(std::string_view text, const std::string& fallback, std::set<std::string>& taken);

// Writes `content` to `path`, creating its directories.
Status write_file(const std::filesystem::path& path, const std::string& content);

// The whole file, or why not ("cannot read PATH", "PATH is over N bytes").
Result<std::string> read_file(const std::string& path, size_t max_bytes);

// A policy file on disk with the certificates of its OpenPGP keys beside
// it, as in a tree (DIR/keys/<FPR>.asc for DIR/policy.yml; x509 CA
// certificates in DIR/keys/, the Sigstore trust root in DIR/sigstore/),
// attached by the verifier's own rules: `problems` lists what makes it
// invalid (empty if it is valid), `missing` the keys whose certificate or
// trust root is not there.
struct PolicyFile {
  std::shared_ptr<const Policy> policy;  // null if invalid
  std::vector<std::string> problems;
  bool unparsable = false;  // the problems are the parser's (else the certificates')
  struct Missing {
    std::string person, key, file;  // the key as the policy names it, the file it lacks
  };
  std::vector<Missing> missing;
  std::string certificate_path(const std::string& fingerprint) const;
  std::filesystem::path keys_dir;
};
Result<PolicyFile> load_policy_file(const std::string& path);

}  // namespace warden::cli
