// git warden init [--allowed-signers FILE] [--keyring FILE]... [--max-commits N] [--force]
// git warden policy import allowed-signers FILE [--force]
// A starting .warden/policy.yml for a repository that has none, from what
// it already knows: the allowed signers file git checks SSH signatures
// with, the keys whose signatures in the history verify, and the OpenPGP
// certificates (keyring files, .warden/keys/) of the history's OpenPGP
// signers. Only keys that verifiably signed something, or that the user's
// own allowed signers file lists, are written; the directories each signer
// changed become commented suggestions.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>
#include <map>
#include <set>

#include "cli/commands.hpp"
#include "cli/init_people.hpp"
#include "cli/policy_files.hpp"
#include "signatures/allowed_signers.hpp"
#include "signatures/base64.hpp"
#include "signatures/commit_signature.hpp"
#include "warden/openpgp_cert.hpp"
#include "warden/policy.hpp"
#include "warden/policy_loader.hpp"
#include "warden/repository.hpp"

namespace warden::cli {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxSuggestedPaths = 12;
constexpr size_t kMaxFileBytes = 16 << 20;

// "~/x" as git expands it in pathname settings.
std::string expand_home(const std::string& path) {
  const char* home = std::getenv("HOME");
  if (path.starts_with("~/") && home) return std::string(home) + path.substr(1);
  return path;
}

Status add_allowed_signers(Draft& draft, const std::string& path) {
  auto text = read_file(path, kMaxFileBytes);
  if (!text) return text.error();
  auto entries = parse_allowed_signers(*text);
  if (!entries) return make_error(fmt::format("{}: {}", path, entries.error().message));
  for (const auto& e : *entries) {
    if (!e.signs_git()) {
      std::cerr << fmt::format("warden: note: {} line {} skipped: {}\n", path, e.line,
                               e.cert_authority ? "a certificate authority (warden names keys, not CAs)"
                                                : "not allowed to sign in the \"git\" namespace");
      continue;
    }
    auto key = SshPublicKey::parse_line(e.key_line);
    if (!key) continue;  // the parser checked it
    const std::string& principal = e.principals.front();
    std::string where = fmt::format("{} line {}", fs::path(path).filename().string(), e.line);
    Signer& s = draft.by_key(e.key_line, e.key_line + " " + principal, (*key)->fingerprint(), principal, {e.comment},
                             where);
    s.origins.push_back(where);
    if (!e.valid_before.empty())
      std::cerr << fmt::format("warden: note: {} line {}: valid-before={} is not carried over; add the key to "
                               "'revoked:' when it must stop signing\n",
                               path, e.line, e.valid_before);
    if (!e.valid_after.empty())
      std::cerr << fmt::format("warden: note: {} line {}: valid-after={} is not carried over: the key may sign "
                               "every commit warden judges (git compares it with the commit's date, which the "
                               "signer chooses)\n",
                               path, e.line, e.valid_after);
  }
  return Status::success();
}

void note_touched(const Repository& repo, const CommitData& c, Signer& s) {
  if (c.parents.size() > 1 || s.touched.size() >= kMaxSuggestedPaths) return;  // a merge brings others' work
  std::optional<ObjectId> from;
  if (!c.parents.empty()) {
    auto parent = repo.read_commit(c.parents.front());
    if (!parent) return;
    from = parent->tree;
  }
  auto changes = repo.changed_paths(from, c.tree);
  if (!changes) return;
  for (const auto& path : changes->paths) {
    size_t slash = path.find('/');
    std::string top = slash == std::string::npos ? path : path.substr(0, slash + 1);
    if (top != ".warden/") s.touched.insert(top);
    if (s.touched.size() >= kMaxSuggestedPaths) return;
  }
}

// GitHub signs the commits its web interface makes (merge button, web
// edits) with its own "web-flow" OpenPGP key: the forge, not a person.
// Key ids as GitHub publishes them (https://github.com/web-flow.gpg):
// the key used until 2024 and the one since.
bool is_github_web_flow(const std::string& issuer) {
  return issuer.ends_with("4AEE18F83AFDEB23") || issuer.ends_with("B5690EEEBB952194");
}

// A CA certificate's file name for an x509: identity, from its issuer's
// common name ("CN=Corp Root,O=Corp": corp-root.pem).
std::string ca_file_for(const X509Signature& x) {
  std::string cn;
  for (size_t at = x.issuer().find("CN="); at != std::string::npos && cn.empty();) {
    size_t end = x.issuer().find(',', at);
    cn = x.issuer().substr(at + 3, end == std::string::npos ? std::string::npos : end - at - 3);
  }
  std::string file;
  for (char ch : cn) {
    if (std::isalnum(static_cast<unsigned char>(ch))) file.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    else if (!file.empty() && file.back() != '-') file.push_back('-');
  }
  while (!file.empty() && file.back() == '-') file.pop_back();
  return (file.empty() ? "ca" : file) + ".pem";
}

// The identity a policy would list for the signer of `x`: sigstore: for a
// Fulcio certificate (it names an OIDC issuer), else x509: by e-mail (or
// subject).
std::string x509_identity(const X509Signature& x) {
  std::string address = !x.emails().empty() ? x.emails().front() : !x.uris().empty() ? x.uris().front() : "";
  if (!x.oidc_issuer().empty() && !address.empty())
    return fmt::format("sigstore:issuer={},identity={}", x.oidc_issuer(), address);
  if (!x.emails().empty()) return fmt::format("x509:ca={},email={}", ca_file_for(x), x.emails().front());
  return fmt::format("x509:ca={},subject={}", ca_file_for(x), x.subject());
}

// What the history's signatures were, beyond those that name a person.
struct HistoryScan {
  size_t commits = 0, signed_commits = 0;
  std::map<std::string, std::string> names;     // committer e-mail -> the name of its newest signed commit
  using Commits = std::vector<std::string>;     // short ids, newest first
  std::map<std::string, Commits> unsupported;   // why ("unsupported signature algorithm (DSA)") -> commits
  std::map<std::string, Commits> bad;           // why it does not verify -> commits
  std::map<std::string, Commits> not_held;      // OpenPGP issuer with no certificate here -> commits
  std::map<std::string, Commits> web_flow;      // GitHub's web-flow key id -> commits
  std::map<std::string, std::string> x509_cas;  // CA file an x509: identity names -> the issuer it is for
  bool sigstore = false;                        // a sigstore: identity was written
  std::set<ObjectId> person_signed;             // commits signed by a key found
  std::vector<std::vector<ObjectId>> signed_merges;  // the parents of each merge signed by a key found
  // Signed merges that merged a commit no key found signed: the history
  // warden could not judge without merges.vouch.
  size_t merges_needing_vouch() const {
    size_t n = 0;
    for (const auto& parents : signed_merges)
      for (size_t i = 1; i < parents.size(); ++i)
        if (!person_signed.count(parents[i])) {
          ++n;
          break;
        }
    return n;
  }
  static size_t count(const std::map<std::string, Commits>& m) {
    size_t n = 0;
    for (const auto& [why, commits] : m) n += commits.size();
    return n;
  }
};

Result<HistoryScan> add_history(const Repository& repo, Draft& draft, const std::vector<std::shared_ptr<const OpenPgpCert>>& certs,
                                size_t max_commits) {
  HistoryScan scan;
  auto head = repo.resolve_commit("HEAD");
  if (!head) return scan;  // no commits yet
  auto all = repo.walk({*head}, {});
  if (!all) return all.error();
  size_t first = all->size() > max_commits ? all->size() - max_commits : 0;
  SignatureChecker checker;
  for (size_t i = all->size(); i-- > first;) {  // newest first: recent keys name people
    auto c = repo.read_commit((*all)[i]);
    if (!c) return c.error();
    ++scan.commits;
    if (c->signature.empty()) continue;
    std::string id = c->id.short_hex();
    // The forge's signature is never a person's, whether or not it verifies.
    if (std::string claimed = checker.claimed_signer(c->signature).openpgp_issuer; is_github_web_flow(claimed)) {
      scan.web_flow[claimed].push_back(id);
      continue;
    }
    auto sig = checker.check(*c);
    std::string hint = c->committer_email.empty() ? c->committer_name : c->committer_email;
    if (!c->committer_email.empty()) scan.names.emplace(c->committer_email, c->committer_name);  // the newest
    Signer* who = nullptr;
    std::string key_id;
    if (sig.kind == SignatureKind::ssh && sig.key) {
      std::string line = sig.key->type() + " " + base64_encode(sig.key->blob());
      key_id = line;
      who = &draft.by_key(line, line + " " + hint, sig.key->fingerprint(), hint, {c->committer_name},
                          fmt::format("signed commit {} as {}", id, hint));
    } else if (sig.kind == SignatureKind::openpgp && sig.openpgp) {
      const std::string& issuer = sig.openpgp->issuer();
      const OpenPgpCert* cert = nullptr;
      for (const auto& candidate : certs)
        if (candidate->has_key(issuer)) cert = candidate.get();
      if (cert == nullptr) {
        scan.not_held[issuer].push_back(id);
        continue;
      }
      if (OpenPgpCheck check = cert->check(*sig.openpgp); check.outcome == OpenPgpCheck::Outcome::bad) {
        scan.bad[check.problem].push_back(id);
        continue;
      }
      std::string key = "openpgp:" + cert->fingerprint();
      // The certificate's user id names its holder ("Alice Liddell <alice@...>").
      std::string holder = cert->user_id().substr(0, cert->user_id().find('<'));
      key_id = key;
      who = &draft.by_key(key, key, cert->fingerprint(), hint, {holder, c->committer_name},
                          fmt::format("signed commit {} as {}", id, hint));
    } else if (sig.kind == SignatureKind::x509 && sig.x509) {
      // Who the certificate names. Its chain (or log entry) is checked
      // once the CA certificate (or Sigstore's trust root) is committed.
      const X509Signature& x = *sig.x509;
      std::string key = x509_identity(x);
      if (key.starts_with("sigstore:")) scan.sigstore = true;
      else scan.x509_cas.emplace(ca_file_for(x), x.issuer());
      key_id = key;
      std::string holder = !x.emails().empty() ? x.emails().front() : hint;
      who = &draft.by_key(key, key, key, holder, {c->committer_name}, fmt::format("signed commit {} as {}", id, hint));
    } else if (sig.kind == SignatureKind::unsupported) {
      scan.unsupported[sig.problem].push_back(id);
      continue;
    } else {
      scan.bad[sig.problem].push_back(id);
      continue;
    }
    ++scan.signed_commits;
    draft.signed_with(key_id);
    scan.person_signed.insert(c->id);
    if (c->parents.size() > 1) scan.signed_merges.push_back(c->parents);
    note_touched(repo, *c, *who);
  }
  return scan;
}

// "3 commits (1a2b3c4d5e, ...)", at most five ids shown.
std::string commit_list(const HistoryScan::Commits& commits) {
  constexpr size_t kShown = 5;
  std::vector<std::string> shown(commits.begin(), commits.begin() + std::min(commits.size(), kShown));
  std::string more = commits.size() > kShown ? fmt::format(" and {} more", commits.size() - kShown) : "";
  return fmt::format("{} commit{} ({}{})", commits.size(), commits.size() == 1 ? "" : "s", fmt::join(shown, ", "), more);
}

// What init could not use, kind by kind, with the commits of each.
void report_scan(const HistoryScan& scan) {
  std::cerr << fmt::format("warden: looked at {} commit{}: {} signed by a key found, {} by a certificate that is not "
                           "here, {} with an unsupported signature, {} with a signature that does not verify\n",
                           scan.commits, scan.commits == 1 ? "" : "s", scan.signed_commits,
                           HistoryScan::count(scan.not_held) + HistoryScan::count(scan.web_flow),
                           HistoryScan::count(scan.unsupported), HistoryScan::count(scan.bad));
  for (const auto& [issuer, commits] : scan.not_held)
    std::cerr << fmt::format("warden: note: {} signed by OpenPGP key {}, whose certificate is not here: export it "
                             "(gpg --export {} > key.pgp) and pass --keyring key.pgp\n",
                             commit_list(commits), issuer, issuer);
  for (const auto& [issuer, commits] : scan.web_flow)
    std::cerr << fmt::format("warden: note: {} signed by GitHub's web-flow key {}: GitHub signs what its web "
                             "interface makes (the merge button, web edits), so that signature names the forge, not "
                             "a person; warden does not trust it. Merges made there can pass as unsigned merges "
                             "('merges: unsigned: allow', when they add nothing of their own)\n",
                             commit_list(commits), issuer);
  for (const auto& [why, commits] : scan.unsupported)
    std::cerr << fmt::format("warden: note: {} with an {}: warden cannot verify them\n", commit_list(commits), why);
  for (const auto& [file, issuer] : scan.x509_cas)
    std::cerr << fmt::format("warden: note: x509 signers are trusted through their CA: commit the CA certificate of "
                             "{} (PEM) as {} (docs/x509.md)\n",
                             issuer, x509_ca_path(file));
  if (scan.sigstore)
    std::cerr << fmt::format("warden: note: gitsign signers are trusted through Sigstore: commit Sigstore's "
                             "trusted_root.json as {}, and sign in gitsign's offline mode (docs/x509.md)\n",
                             kSigstoreRootPath);
  for (const auto& [why, commits] : scan.bad)
    std::cerr << fmt::format("warden: note: {} with a signature that does not verify: {}\n", commit_list(commits), why);
}

std::string quoted_list(const std::set<std::string>& paths) {
  std::vector<std::string> q;
  for (const auto& p : paths) q.push_back(fmt::format("\"{}\"", p));
  return fmt::format("{}", fmt::join(q, ", "));
}

std::string policy_text(const Draft& draft, const std::string& sources, size_t vouching_merges) {
  std::string people, names, suggestions;
  for (const auto& s : draft.signers()) {
    std::vector<std::string> origins = s.origins;
    if (size_t n = s.commits(); n > 0) origins.push_back(fmt::format("signed {} commit{}", n, n == 1 ? "" : "s"));
    people += fmt::format("  {}:  # {}\n    keys:\n", s.name, fmt::join(origins, "; "));
    for (size_t i = 0; i < s.keys.size(); ++i)
      people += fmt::format("      - \"{}\"  # {}\n", s.keys[i], s.key_origins[i]);
    names += (names.empty() ? "" : ", ") + s.name;
    if (!s.touched.empty())
      suggestions += fmt::format("  # - paths: [{}]\n  #   who: [{}]\n", quoted_list(s.touched), s.name);
  }
  if (!suggestions.empty())
    suggestions = "  # Suggested from the history, the top-level paths each signer's commits changed:\n" + suggestions;
  return fmt::format(
      "# Written by `git warden init` from {}.\n"
      "# Keys found only in the history are whoever signed there: check each one.\n"
      "# Everyone below may change everything, and any one of them may change this\n"
      "# policy. Narrow the grants (the suggestions show who changed what), raise\n"
      "# policy.threshold, and see warden-policy(5) and `git warden policy check`.\n"
      "version: 1\n\npeople:\n{}\ngroups:\n  maintainers: [{}]\n\ngrants:\n  - paths: [\"/\"]\n    who: [maintainers]\n{}\n"
      "policy:\n  who: [maintainers]\n  threshold: 1\n\nmerges:\n  unsigned: deny\n{}",
      sources, people, names, suggestions,
      vouching_merges == 0
          ? ""
          : fmt::format("  # {} signed merge{} in the history merged commits that no key found signed (unsigned\n"
                        "  # contributors, branches from before). Merges like them after the anchor pass only\n"
                        "  # if their signer may vouch for what they bring in (warden-policy(5)):\n"
                        "  # vouch: signed\n",
                        vouching_merges, vouching_merges == 1 ? "" : "s"));
}

// Writes the policy (and the certificates of its OpenPGP people), checks
// it and prints the next steps.
int write_draft(const fs::path& root, const Draft& draft, const std::string& sources,
                const std::vector<std::shared_ptr<const OpenPgpCert>>& certs, size_t vouching_merges = 0) {
  std::string text = policy_text(draft, sources, vouching_merges);
  auto parsed = parse_policy(text, kPolicyPath);
  if (!parsed.problems.empty()) return setup_error(fmt::format("the policy written would be invalid: {}", parsed.problems.front()));
  for (const auto& c : certs)
    if (draft.holds("openpgp:" + c->fingerprint()))
      if (auto st = write_file(root / certificate_path(c->fingerprint()), c->armored()); !st)
        return setup_error(st.error().message);
  if (auto st = write_file(root / kPolicyPath, text); !st) return setup_error(st.error().message);
  std::cout << fmt::format("warden: wrote {} with {} {}:\n", kPolicyPath, draft.signers().size(),
                           draft.signers().size() == 1 ? "person" : "people");
  // Each key's fingerprint, and what it signed: the anchor's is the one
  // that signs the policy's commit.
  for (const auto& s : draft.signers())
    for (size_t i = 0; i < s.keys.size(); ++i)
      std::cout << fmt::format("  {:<16} {}  ({})\n", i == 0 ? s.name : "", s.key_fingerprints[i],
                               s.key_commits[i] > 0 ? fmt::format("signed {} commit{}", s.key_commits[i],
                                                                  s.key_commits[i] == 1 ? "" : "s")
                                                    : s.key_origins[i]);
  int check = run_policy_check((root / kPolicyPath).string());
  if (check != kExitOk) return check;
  std::cout << "warden: next:\n"
               "  1. read it, narrow the grants, then commit it signed by one of them:\n"
               "       git add .warden && git commit -S -m \"Add the warden policy\"\n"
               "  2. make that commit the trust anchor, with the fingerprint of the key that signed it:\n"
               "       git warden trust --anchor \"$(git rev-parse HEAD):<fingerprint above>\"\n"
               "  3. git warden install --client (or --server on the server), and git warden verify\n";
  return kExitOk;
}

Result<fs::path> work_tree(const Repository& repo, bool force) {
  auto wd = repo.workdir();
  if (!wd) return make_error("bare repository: the policy is written into a work tree");
  fs::path root(*wd);
  if (fs::exists(root / kPolicyPath) && !force)
    return make_error(fmt::format("{} exists; pass --force to replace it", kPolicyPath));
  return root;
}

}  // namespace

int run_init(const InitOptions& opts) {
  auto repo = Repository::open(".");
  if (!repo) return setup_error(repo.error().message);
  auto root = work_tree(*repo, opts.force);
  if (!root) return setup_error(root.error().message);
  Draft draft;
  std::vector<std::string> sources;

  std::optional<std::string> signers_file = opts.allowed_signers;
  if (!signers_file) signers_file = repo->config_string("gpg.ssh.allowedSignersFile");
  if (signers_file) {
    std::string path = expand_home(*signers_file);
    if (auto s = add_allowed_signers(draft, path); !s) return setup_error(s.error().message);
    sources.push_back(fmt::format("the allowed signers file {}", path));
  }

  std::vector<std::shared_ptr<const OpenPgpCert>> certs;
  auto add_certs = [&](const std::string& path) -> Status {
    auto text = read_file(path, kMaxFileBytes);
    if (!text) return text.error();
    auto parsed = OpenPgpCert::parse_all(*text);
    if (!parsed) return make_error(fmt::format("{}: {}", path, parsed.error().message));
    certs.insert(certs.end(), parsed->begin(), parsed->end());
    return Status::success();
  };
  for (const auto& k : opts.keyrings)
    if (auto s = add_certs(k); !s) return setup_error(s.error().message);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(*root / ".warden/keys", ec))
    if (entry.path().extension() == ".asc")
      if (auto s = add_certs(entry.path().string()); !s)
        std::cerr << fmt::format("warden: note: {} skipped: {}\n", entry.path().string(), s.error().message);

  auto scan = add_history(*repo, draft, certs, opts.max_commits);
  if (!scan) return setup_error(scan.error().message);
  sources.push_back(fmt::format("the signatures of the newest {} commit{} of HEAD", scan->commits,
                                scan->commits == 1 ? "" : "s"));
  report_scan(*scan);
  draft.name_people(scan->names);
  if (draft.empty())
    return setup_error("found nobody to trust: no allowed signers file (gpg.ssh.allowedSignersFile or "
                       "--allowed-signers), and no signature in the history that verifies with a key found here");
  size_t vouching = scan->merges_needing_vouch();
  if (vouching > 0)
    std::cerr << fmt::format("warden: note: {} signed merge{} of the history merged commits that no key found signed; "
                             "the policy suggests 'merges: vouch: signed', under which such merges after the anchor "
                             "vouch for what they bring in when their signer may change it\n",
                             vouching, vouching == 1 ? "" : "s");
  return write_draft(*root, draft, fmt::format("{}", fmt::join(sources, ", ")), certs, vouching);
}

int run_policy_import_allowed_signers(const std::string& file, bool force) {
  auto repo = Repository::open(".");
  if (!repo) return setup_error(repo.error().message);
  auto root = work_tree(*repo, force);
  if (!root) return setup_error(root.error().message);
  Draft draft;
  if (auto s = add_allowed_signers(draft, file); !s) return setup_error(s.error().message);
  if (draft.empty()) return setup_error(fmt::format("{} lists nobody who may sign git commits", file));
  draft.name_people({});
  return write_draft(*root, draft, fmt::format("the allowed signers file {}", file), {});
}

Command add_init_command(CLI::App& app) {
  auto opts = std::make_shared<InitOptions>();
  auto* cmd = app.add_subcommand(
      "init", "Write a starting .warden/policy.yml from the allowed signers file, the history's signatures and "
              "OpenPGP keyrings");
  cmd->add_option("--allowed-signers", opts->allowed_signers,
                  "OpenSSH allowed signers file (default: git config gpg.ssh.allowedSignersFile)");
  cmd->add_option("--keyring", opts->keyrings,
                  "OpenPGP certificates of the history's signers, e.g. from 'gpg --export' (repeatable)");
  cmd->add_option("--max-commits", opts->max_commits, "Look at the newest N commits of HEAD (default 10000)")
      ->check(CLI::Range(size_t{1}, size_t{100000000}));
  cmd->add_flag("--force", opts->force, "Replace an existing .warden/policy.yml");
  return {cmd, [opts] { return run_init(*opts); }};
}

}  // namespace warden::cli
