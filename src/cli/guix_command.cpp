// git warden verify --guix [--introduction COMMIT --signer FPR] [--keyring REF] [REV]
// git warden policy import guix [--keyring REF] [--at REV] [--force]
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <regex>
#include <set>

#include "cli/commands.hpp"
#include "cli/policy_files.hpp"
#include "cli/verify_report.hpp"
#include "warden/guix_authorizations.hpp"
#include "warden/guix_verifier.hpp"
#include "warden/policy.hpp"
#include "warden/verified_cache.hpp"

namespace warden::cli {
namespace {

// As `guix git authenticate` records them.
constexpr const char* kIntroCommitKey = "guix.authentication.introduction-commit";
constexpr const char* kIntroSignerKey = "guix.authentication.introduction-signer";
constexpr const char* kKeyringKey = "guix.authentication.keyring";

// The keyring branch: --keyring, git config, the channel's
// (keyring-reference "..."), else "keyring" or "origin/keyring".
Result<GuixKeyring> find_keyring(const Repository& repo, const std::optional<std::string>& given,
                                 const ObjectId& target) {
  if (given) return load_guix_keyring(repo, *given);
  if (auto configured = repo.config_string(kKeyringKey)) return load_guix_keyring(repo, *configured);
  auto data = repo.read_commit(target);
  if (!data) return data.error();
  auto channel = repo.read_file(data->tree, kGuixChannelPath, 1 << 20);
  if (!channel) return channel.error();
  if (channel->has_value()) {
    auto ref = guix_keyring_reference((*channel)->content);
    if (!ref) return make_error(fmt::format("{}: {}", kGuixChannelPath, ref.error().message));
    if (*ref) return load_guix_keyring(repo, **ref);
  }
  // The first of these branches that exists; one that cannot be read is an
  // error, not a reason to look at the next.
  for (const std::string name : {"keyring", "origin/keyring"})
    for (const std::string prefix : {"refs/heads/", "refs/remotes/"}) {
      auto tip = repo.ref_target(prefix + name);
      if (!tip) return tip.error();
      if (*tip) return load_guix_keyring(repo, name);
    }
  return make_error("no keyring branch: neither keyring nor origin/keyring exists (pass --keyring BRANCH)");
}

}  // namespace

int run_guix_verify(const VerifyOptions& opts) {
  if (opts.revision.find("..") != std::string::npos)
    return setup_error("--guix authenticates one revision (from the introduction), not a range");
  auto repo = Repository::open(".");
  if (!repo) return setup_error(repo.error().message);

  std::optional<std::string> intro_text = opts.introduction, signer_text = opts.signer;
  bool from_config = !intro_text && !signer_text;
  if (from_config) {
    intro_text = repo->config_string(kIntroCommitKey);
    signer_text = repo->config_string(kIntroSignerKey);
  }
  if (!intro_text || !signer_text)
    return setup_error(fmt::format(
        "no channel introduction: pass --introduction COMMIT --signer FINGERPRINT, or set git config {} and {}",
        kIntroCommitKey, kIntroSignerKey));
  auto intro = repo->resolve_commit(*intro_text);
  if (!intro) return setup_error(fmt::format("introductory commit: {}", intro.error().message));
  auto signer = normalize_openpgp_fingerprint(*signer_text);
  if (!signer) return setup_error(fmt::format("'{}' is not an OpenPGP v4 fingerprint (40 hex digits)", *signer_text));
  auto target = repo->resolve_commit(opts.revision);
  if (!target) return setup_error(target.error().message);
  auto keyring = find_keyring(*repo, opts.keyring, *target);
  if (!keyring) return setup_error(keyring.error().message);

  // The cache of authenticated tips is warden's, one file per introduction.
  // A lenient run's cache never vouches for a --strict one: each has its own.
  Anchor cache_key{*intro, "guix:" + *signer + (opts.strict ? ":strict" : "")};
  VerifiedCache cache = VerifiedCache::load(*repo, cache_key);
  if (!cache.warning().empty() && !opts.quiet) std::cerr << "warden: warning: " << cache.warning() << "\n";
  GuixRequest req;
  req.introduction = *intro;
  req.signer = *signer;
  req.target = *target;
  req.keyring = &*keyring;
  req.keep_going = opts.keep_going;
  req.strict = opts.strict;
  if (!opts.no_cache) {
    req.authenticated = cache.tips();
    req.introduction_checked = cache.loaded();
  }
  req.progress = progress_reporter(opts);
  auto report = authenticate_guix(*repo, req);
  if (!report) return setup_error(report.error().message);

  if (report->authenticated) {
    // --no-cache neither reads the cache nor writes it, as in policy mode.
    if (!opts.no_cache) {
      cache.add(*target);
      if (auto s = cache.save(); !s && !opts.quiet) std::cerr << "warden: warning: " << s.error().message << "\n";
    }
    if (!from_config && !repo->config_string(kIntroCommitKey)) {
      // Remembered for the next run, as Guix does.
      (void)repo->set_config_string(kIntroCommitKey, intro->hex());
      (void)repo->set_config_string(kIntroSignerKey, format_openpgp_fingerprint(*signer));
      if (opts.keyring) (void)repo->set_config_string(kKeyringKey, *opts.keyring);
    }
  }
  VerifyRequest shown;
  shown.anchor = Anchor{*intro, *signer};
  shown.target = *target;
  if (opts.json) {
    print_json(std::cout, *report, shown);
  } else if (!opts.quiet) {
    if (report->authenticated) print_warnings(std::cerr, *report);
    if (report->authenticated)
      std::cout << fmt::format(
          "warden: {} authenticated from introductory commit {} (Guix channel; keyring branch {} at {}): {} commit{} "
          "checked, {} signature{} verified\n",
          target->short_hex(), intro->short_hex(), keyring->reference, keyring->commit.short_hex(),
          report->verdicts.size(), report->verdicts.size() == 1 ? "" : "s", report->signatures_verified,
          report->signatures_verified == 1 ? "" : "s");
    else
      print_human(std::cout, std::cerr, *report, shown);
  }
  return report->authenticated ? kExitOk : kExitRefused;
}

namespace {

}  // namespace

int run_policy_import_guix(const GuixImportOptions& opts) {
  auto repo = Repository::open(".");
  if (!repo) return setup_error(repo.error().message);
  auto wd = repo->workdir();
  if (!wd) return setup_error("bare repository: policy import writes into a work tree");
  auto at = repo->resolve_commit(opts.at);
  if (!at) return setup_error(at.error().message);
  auto data = repo->read_commit(*at);
  if (!data) return setup_error(data.error().message);
  auto file = repo->read_file(data->tree, kGuixAuthorizationsPath, 1 << 20);
  if (!file) return setup_error(file.error().message);
  if (!file->has_value()) return setup_error(fmt::format("{} has no {}", at->short_hex(), kGuixAuthorizationsPath));
  auto auth = parse_guix_authorizations((*file)->content);
  if (!auth) return setup_error(fmt::format("{}: {}", kGuixAuthorizationsPath, auth.error().message));
  if (auth->keys.empty()) return setup_error(fmt::format("{} authorizes nobody", kGuixAuthorizationsPath));
  auto keyring = find_keyring(*repo, opts.keyring, *at);
  if (!keyring) return setup_error(keyring.error().message);
  std::filesystem::path root(*wd);
  if (std::filesystem::exists(root / kPolicyPath) && !opts.force)
    return setup_error(fmt::format("{} exists; pass --force to replace it", kPolicyPath));

  std::set<std::string> taken;
  std::string people, everyone;
  size_t missing = 0;
  std::set<std::string> certificates;  // primary fingerprints already given to a person
  for (const auto& a : auth->keys) {
    // Guix authorizes the key that signs, which may be a subkey; warden
    // names a certificate by its primary key (.warden/keys/<PRIMARY>.asc).
    const OpenPgpCert* cert = keyring->openpgp_cert_for(a.fingerprint);
    std::string fingerprint = cert != nullptr ? cert->fingerprint() : a.fingerprint;
    if (!certificates.insert(fingerprint).second) {
      std::cerr << fmt::format("warden: note: {} is a key of certificate {}, which an earlier entry already names; "
                               "it is not listed again\n",
                               format_openpgp_fingerprint(a.fingerprint), format_openpgp_fingerprint(fingerprint));
      continue;
    }
    std::string name = unique_person_name(a.name, "key-" + fingerprint.substr(32), taken);
    people += fmt::format("  {}:\n    keys: [\"openpgp:{}\"]\n", name, fingerprint);
    everyone += (everyone.empty() ? "" : ", ") + name;
    if (cert == nullptr) {
      ++missing;
      std::cerr << fmt::format("warden: warning: keyring branch {} has no certificate for {} ({}); it cannot sign until "
                               "{} is added\n",
                               keyring->reference, format_openpgp_fingerprint(a.fingerprint), name,
                               certificate_path(a.fingerprint));
      continue;
    }
    if (fingerprint != a.fingerprint)
      std::cout << fmt::format(
          "warden: {} ({}) is a subkey of {}: the policy names that certificate, so each of its signing keys signs "
          "for {} (Guix accepts the subkey only)\n",
          format_openpgp_fingerprint(a.fingerprint), name, format_openpgp_fingerprint(fingerprint), name);
    if (auto s = write_file(root / certificate_path(fingerprint), cert->armored()); !s)
      return setup_error(s.error().message);
  }
  std::string policy = fmt::format(
      "# Imported from {} of {} and the keyring branch {} ({}).\n"
      "# As in Guix: every authorized person may change everything, and merges\n"
      "# must be signed. Narrow the grants and raise the threshold as you see fit.\n"
      "version: 1\n\npeople:\n{}\ngroups:\n  authorized: [{}]\n\ngrants:\n  - paths: [\"/\"]\n    who: [authorized]\n\n"
      "policy:\n  who: [authorized]\n  threshold: 1\n\nmerges:\n  unsigned: deny\n",
      kGuixAuthorizationsPath, at->hex(), keyring->reference, keyring->commit.hex(), people, everyone);
  auto parsed = parse_policy(policy, kPolicyPath);
  if (!parsed.problems.empty()) return setup_error(fmt::format("generated policy is invalid: {}", parsed.problems.front()));
  if (auto s = write_file(root / kPolicyPath, policy); !s) return setup_error(s.error().message);
  std::cout << fmt::format(
      "warden: wrote {} ({} {}) and {} certificate{} in .warden/keys/\n"
      "warden: next: commit .warden/ signed by one of them, then 'git warden trust --anchor <that commit>:<their "
      "fingerprint>'\n",
      kPolicyPath, certificates.size(), certificates.size() == 1 ? "person" : "people", certificates.size() - missing,
      certificates.size() - missing == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace warden::cli
