// git warden policy check [FILE]: the file, and the certificates of its
// OpenPGP keys in keys/ beside it
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/policy_files.hpp"
#include "warden/openpgp_cert.hpp"
#include "warden/policy.hpp"
#include "warden/policy_loader.hpp"
#include "warden/repository.hpp"

namespace warden::cli {
namespace {

std::string plural(size_t n, const char* word) {
  if (std::string_view(word) == "person") return fmt::format("{} {}", n, n == 1 ? "person" : "people");
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string summary(const Policy& p) {
  std::string out = fmt::format("{}, {}, {}, {}, policy changes need {} of {}, unsigned merges {}, {}{}",
                                plural(p.people.size(), "person"), plural(p.groups.size(), "group"),
                                plural(p.grants.size(), "grant"), plural(p.unprotected.size(), "unprotected path"),
                                p.policy.threshold, plural(p.policy.people.size(), "person"),
                                p.unsigned_merges_allowed ? "allowed" : "denied",
                                p.signed_merges_vouch ? "signed merges vouch for what they bring in, " : "",
                                plural(p.refs.size(), "ref rule"));
  if (!p.revoked.empty()) out += fmt::format(", {}", plural(p.revoked.size(), "revoked key"));
  return out;
}

// "the signer and 1 approval", "the signer alone"
std::string who_agrees(int threshold) {
  if (threshold <= 1) return "the signer alone";
  return fmt::format("the signer and {} approval{} by others of them (git warden approve)", threshold - 1,
                     threshold == 2 ? "" : "s");
}

// Every threshold, in words.
std::vector<std::string> thresholds_in_words(const Policy& p) {
  std::vector<std::string> out;
  out.push_back(fmt::format("changes to .warden/ need {} distinct {} of {} ({}): {}", p.policy.threshold,
                            p.policy.threshold == 1 ? "person" : "people", fmt::join(p.policy.who, ", "),
                            fmt::join(p.policy.people, ", "), who_agrees(p.policy.threshold)));
  for (const auto& g : p.grants) {
    if (g.threshold <= 1) continue;
    std::vector<std::string> paths;
    for (const auto& path : g.paths) paths.push_back(path.text());
    out.push_back(fmt::format("changes to {} need {} distinct people of {}: {}; other grants do not lift this",
                              fmt::join(paths, ", "), g.threshold, fmt::join(g.who.names, ", "), who_agrees(g.threshold)));
  }
  if (p.snapshots)
    out.push_back(fmt::format("snapshots of the refs are signed by {} ({}); a client refuses a fetch whose newest "
                              "snapshot is older than {} (a frozen mirror), names other ids than the refs it moves "
                              "(mix-and-match), or does not descend from the last one it accepted (rollback)",
                              fmt::join(p.snapshots->who, ", "), fmt::join(p.snapshots->people, ", "),
                              p.snapshots->max_age_text));
  for (const auto& r : p.reviews) {
    std::vector<std::string> paths;
    for (const auto& path : r.paths) paths.push_back(path.text());
    out.push_back(fmt::format("changes to {} need {} approving review{} (git warden attest review) by {} other than "
                              "the signer",
                              fmt::join(paths, ", "), r.count, r.count == 1 ? "" : "s", fmt::join(r.who.names, ", ")));
  }
  if (p.builders)
    out.push_back(fmt::format("builds are attested by {} ({}); verify-build requires {} of them to agree on each "
                              "output's digest (git warden attest build, git warden verify-build)",
                              fmt::join(p.builders->who, ", "), fmt::join(p.builders->people, ", "),
                              p.builders->threshold));
  return out;
}

}  // namespace

int run_policy_check(const std::optional<std::string>& file) {
  std::string path;
  if (file) {
    path = *file;
  } else {
    auto repo = Repository::open(".");
    if (!repo) return std::cerr << "warden: error: " << repo.error().message << "\n", kExitUsage;
    auto wd = repo->workdir();
    if (!wd) return std::cerr << "warden: error: bare repository: name the policy file to check\n", kExitUsage;
    path = *wd + kPolicyPath;
  }
  auto loaded = load_policy_file(path);
  if (!loaded) {
    std::cerr << fmt::format("warden: error: {}\n", loaded.error().message);
    return kExitUsage;
  }
  for (const auto& m : loaded->missing)
    std::cerr << fmt::format("warden: warning: no {} for {}'s key {}; it cannot sign until one is committed\n", m.file,
                             m.person, m.key);
  if (!loaded->problems.empty()) {
    for (const auto& p : loaded->problems) std::cerr << p << "\n";
    std::cerr << fmt::format("warden: {}: invalid policy ({})\n", path,
                             plural(loaded->problems.size(), loaded->unparsable ? "problem" : "bad certificate"));
    return kExitRefused;
  }
  const Policy& policy = *loaded->policy;
  // A revoked key still listed for someone signs nothing that counts
  // after the revocation: say so, it is most likely an oversight.
  for (const auto& [name, person] : policy.people) {
    for (const auto& key : person.ssh_keys)
      if (const Revocation* r = policy.revocation_of(key->fingerprint()))
        std::cerr << fmt::format("warden: warning: {}'s key {} is revoked ({}): nothing it signs after the revocation "
                                 "counts\n", name, r->fingerprint, r->reason);
    for (const auto& fpr : person.openpgp_fingerprints)
      if (const Revocation* r = policy.revocation_of(fpr))
        std::cerr << fmt::format("warden: warning: {}'s key openpgp:{} is revoked ({}): nothing it signs after the "
                                 "revocation counts\n", name, fpr, r->reason);
  }
  std::cout << fmt::format("{}: valid policy: {}\n", path, summary(policy));
  for (const auto& line : thresholds_in_words(policy)) std::cout << "  " << line << "\n";
  return kExitOk;
}

Command add_policy_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("policy", "Work with policy files");
  cmd->require_subcommand(1);
  auto file = std::make_shared<std::optional<std::string>>();
  auto* check = cmd->add_subcommand("check", "Validate a policy file (default: the working tree's .warden/policy.yml)");
  check->add_option("file", *file, "Policy file to check");

  auto* import = cmd->add_subcommand("import", "Write .warden/ from another tool's configuration");
  import->require_subcommand(1);
  auto guix = std::make_shared<GuixImportOptions>();
  auto* from_guix = import->add_subcommand(
      "guix", "From a Guix channel's .guix-authorizations and keyring branch: .warden/policy.yml and .warden/keys/");
  from_guix->add_option("--keyring", guix->keyring, "The keyring branch (default as for verify --guix)");
  from_guix->add_option("--at", guix->at, "Read .guix-authorizations from this commit (default HEAD)");
  from_guix->add_flag("--force", guix->force, "Replace an existing .warden/policy.yml");

  auto sequoia = std::make_shared<SequoiaImportOptions>();
  auto* from_sequoia = import->add_subcommand(
      "sequoia", "From sequoia-git's openpgp-policy.toml: .warden/policy.yml and .warden/keys/");
  from_sequoia->add_option("--at", sequoia->at, "Read openpgp-policy.toml from this commit (default HEAD)");
  from_sequoia->add_flag("--force", sequoia->force, "Replace an existing .warden/policy.yml");

  struct Signers {
    std::string file;
    bool force = false;
  };
  auto signers = std::make_shared<Signers>();
  auto* from_signers = import->add_subcommand(
      "allowed-signers", "From an OpenSSH allowed signers file (gpg.ssh.allowedSignersFile): .warden/policy.yml");
  from_signers->add_option("file", signers->file, "The allowed signers file")->required();
  from_signers->add_flag("--force", signers->force, "Replace an existing .warden/policy.yml");

  return {cmd, [=] {
            if (check->parsed()) return run_policy_check(*file);
            if (from_guix->parsed()) return run_policy_import_guix(*guix);
            if (from_sequoia->parsed()) return run_policy_import_sequoia(*sequoia);
            return run_policy_import_allowed_signers(signers->file, signers->force);
          }};
}

}  // namespace warden::cli
