// git warden verify --sequoia [--trust-root COMMIT] [REV | A..B]
// git warden policy import sequoia [--at REV] [--force]
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <set>

#include "cli/commands.hpp"
#include "cli/policy_files.hpp"
#include "cli/verify_report.hpp"
#include "hooks/hook_install.hpp"
#include "hooks/hook_runner.hpp"
#include "hooks/shims.hpp"
#include "warden/policy.hpp"
#include "warden/repository.hpp"
#include "warden/sequoia_policy.hpp"
#include "warden/sequoia_verifier.hpp"

namespace warden::cli {
namespace {

// sq-git reads its trust root from this key (the repository's own config).
constexpr const char* kTrustRootKey = "sequoia.trustRoot";

}  // namespace

int run_sequoia_verify(const VerifyOptions& opts) {
  if (opts.introduction || opts.signer || opts.keyring || opts.strict)
    return setup_error("--introduction, --signer, --keyring and --strict go with --guix");
  if (opts.anchor) return setup_error("--anchor goes with warden policies; sequoia-git starts from --trust-root");
  if (opts.fresh) return setup_error("--fresh needs a warden policy's snapshots; sequoia-git has none");
  auto repo = Repository::open(".");
  if (!repo) return setup_error(repo.error().message);

  // As sq-git log: REV is authenticated from the trust root; A..B
  // authenticates B from the trust root through A; A.. is A..HEAD.
  std::string target_text = opts.revision;
  std::optional<std::string> via_text;
  if (auto dots = opts.revision.find(".."); dots != std::string::npos) {
    if (opts.revision.find("...") != std::string::npos)
      return setup_error(fmt::format("'{}': symmetric ranges (A...B) are not supported; use A..B", opts.revision));
    via_text = opts.revision.substr(0, dots);
    target_text = opts.revision.substr(dots + 2);
    if (target_text.empty()) target_text = "HEAD";
    if (via_text->empty()) return setup_error(fmt::format("'{}': the range needs a start (A..B)", opts.revision));
  }
  std::optional<std::string> root_text = opts.trust_root;
  if (!root_text) root_text = repo->config_string(kTrustRootKey);
  if (!root_text)
    return setup_error(fmt::format(
        "no trust root: pass --trust-root COMMIT (a commit whose openpgp-policy.toml you have checked), or set git "
        "config {} as sq-git reads it",
        kTrustRootKey));
  auto root = repo->resolve_commit(*root_text);
  if (!root) return setup_error(fmt::format("trust root: {}", root.error().message));
  auto target = repo->resolve_commit(target_text);
  if (!target) return setup_error(target.error().message);
  std::optional<ObjectId> via;
  if (via_text) {
    auto v = repo->resolve_commit(*via_text);
    if (!v) return setup_error(v.error().message);
    via = *v;
  }

  SequoiaRequest req;
  req.trust_root = *root;
  req.target = *target;
  req.via = via;
  req.keep_going = opts.keep_going;
  req.progress = progress_reporter(opts);
  auto report = authenticate_sequoia(*repo, req);
  if (!report) return setup_error(report.error().message);

  VerifyRequest shown;
  shown.anchor = Anchor{*root, "sequoia-git trust root"};
  shown.target = *target;
  if (opts.json) {
    print_json(std::cout, *report, shown);
  } else if (!opts.quiet) {
    if (report->authenticated) {
      print_warnings(std::cerr, *report);
      std::cout << fmt::format(
          "warden: {} authenticated from trust root {} (sequoia-git, openpgp-policy.toml): {} commit{} checked, {} "
          "signature{} verified\n",
          target->short_hex(), root->short_hex(), report->verdicts.size(), report->verdicts.size() == 1 ? "" : "s",
          report->signatures_verified, report->signatures_verified == 1 ? "" : "s");
    } else {
      print_human(std::cout, std::cerr, *report, shown);
    }
  }
  return report->authenticated ? kExitOk : kExitRefused;
}

namespace {

// Whether `commit` authenticates from `root`: "" if it does, else why
// (and, if `rule`, the rule that refused).
Result<std::string> sequoia_problem(const Repository& repo, const ObjectId& root, const ObjectId& commit,
                                    std::string* rule = nullptr) {
  SequoiaRequest req;
  req.trust_root = root;
  req.target = commit;
  auto report = authenticate_sequoia(repo, req);
  if (!report) return report.error();
  if (report->authenticated) return std::string();
  if (rule) *rule = refusal_rule(*report);
  return refusal_reason(*report);
}

Result<ObjectId> pinned_trust_root(const Repository& repo) {
  auto text = repo.config_string(kTrustRootKey);
  if (!text) return make_error(fmt::format("no trust root: git config {} is not set", kTrustRootKey));
  return repo.resolve_commit(*text);
}

}  // namespace

Result<std::vector<RefDecision>> sequoia_pre_receive(Repository& repo, const std::vector<RefUpdate>& updates) {
  auto root = pinned_trust_root(repo);
  if (!root) return make_error(fmt::format("cannot read warden's configuration: {}", root.error().message));
  std::vector<RefDecision> out;
  for (const auto& u : updates) {
    RefDecision d{u.ref, false, "", ""};
    if (u.new_id.is_zero()) {
      d.message = "deletions are refused (sequoia-git mode)";
    } else {
      auto commit = repo.peel_to_commit(u.new_id);
      if (!commit) return commit.error();
      auto problem = sequoia_problem(repo, *root, *commit, &d.rule);
      if (!problem) return problem.error();
      d.ok = problem->empty();
      d.message = d.ok ? fmt::format("authenticated from trust root {} (sequoia-git)", root->short_hex()) : *problem;
    }
    out.push_back(std::move(d));
  }
  return out;
}

int install_sequoia_server(Repository& repo, const InstallOptions& opts) {
  if (opts.snapshots) return stop("--snapshots needs a warden policy; sequoia-git has no snapshot keys", kExitUsage);
  std::optional<std::string> text = opts.trust_root;
  if (!text) text = repo.config_string(kTrustRootKey);
  if (!text) return stop("--sequoia needs the trust root: pass --trust-root COMMIT", kExitUsage);
  auto root = repo.resolve_commit(*text);
  if (!root) return stop(fmt::format("trust root: {}", root.error().message), kExitUsage);
  auto refs = repo.list_refs("refs/heads/*");
  if (!refs) return stop(refs.error().message, kExitUsage);
  size_t problems = 0;
  for (const auto& r : *refs) {
    auto commit = repo.peel_to_commit(r.target);
    if (!commit) return stop(commit.error().message, kExitUsage);
    auto problem = sequoia_problem(repo, *root, *commit);
    if (!problem) return stop(problem.error().message, kExitUsage);
    if (problem->empty()) continue;
    ++problems;
    std::cerr << fmt::format("warden: does not authenticate: {}: {}\n", r.name, *problem);
  }
  if (problems > 0 && !opts.accept_existing)
    return stop(fmt::format("install refused: {} branch{} do{} not authenticate from trust root {}; fix them, or pass "
                            "--accept-existing to install anyway (later pushes to them must authenticate)",
                            problems, problems == 1 ? "" : "es", problems == 1 ? "es" : "", root->short_hex()),
                kExitRefused);
  if (auto s = repo.set_config_string(kTrustRootKey, root->hex()); !s) return stop(s.error().message, kExitUsage);
  if (auto s = repo.set_config_string("warden.mode", "sequoia"); !s) return stop(s.error().message, kExitUsage);
  auto done = hooks::install_shim(hooks::hooks_dir(repo, opts.hooks_dir), "pre-receive", hooks::kPreReceiveShim,
                                  hooks::ShimInstall{opts.force, opts.chain});
  if (!done) return stop(done.error().message, kExitRefused);
  std::cout << "warden: " << *done << "\n";
  std::cout << fmt::format(
      "warden: sequoia-git mode: every pushed ref must authenticate from trust root {} by the openpgp-policy.toml "
      "its commits carry; deletions are refused\n",
      root->hex());
  return kExitOk;
}

int run_policy_import_sequoia(const SequoiaImportOptions& opts) {
  auto repo = Repository::open(".");
  if (!repo) return setup_error(repo.error().message);
  auto wd = repo->workdir();
  if (!wd) return setup_error("bare repository: policy import writes into a work tree");
  auto at = repo->resolve_commit(opts.at);
  if (!at)
    return setup_error(fmt::format("{} (policy import reads {} from a commit: commit it first, or name one with --at)",
                                   at.error().message, kSequoiaPolicyPath));
  auto data = repo->read_commit(*at);
  if (!data) return setup_error(data.error().message);
  auto file = repo->read_file(data->tree, kSequoiaPolicyPath, kMaxSequoiaPolicyBytes);
  if (!file) return setup_error(file.error().message);
  if (!file->has_value()) return setup_error(fmt::format("{} has no {}", at->short_hex(), kSequoiaPolicyPath));
  auto policy = parse_sequoia_policy((*file)->content);
  if (!policy) return setup_error(fmt::format("{}: {}", kSequoiaPolicyPath, policy.error().message));
  std::filesystem::path root(*wd);
  if (std::filesystem::exists(root / kPolicyPath) && !opts.force)
    return setup_error(fmt::format("{} exists; pass --force to replace it", kPolicyPath));

  std::set<std::string> taken;
  std::string people;
  std::vector<std::string> committers, admins, taggers;
  std::set<std::string> written;
  for (const auto& u : policy->users) {
    // "Alice <alice@example.org>", as sq-git names users: the name part.
    std::string display = u.name.substr(0, u.name.find(" <"));
    std::string name = unique_person_name(display, fmt::format("user-{}", taken.size() + 1), taken);
    if (u.certs.empty()) {
      std::cerr << fmt::format("warden: note: \"{}\" holds no certificate; not imported\n", u.name);
      continue;
    }
    std::string keys;
    for (const auto& c : u.certs) {
      keys += fmt::format("{}\"openpgp:{}\"", keys.empty() ? "" : ", ", c->fingerprint());
      if (!c->hard_revoked_keys().empty())
        std::cerr << fmt::format(
            "warden: warning: certificate {} of \"{}\" carries a hard revocation: list it under revoked: if its "
            "signatures must not count\n",
            format_openpgp_fingerprint(c->fingerprint()), u.name);
      if (written.insert(c->fingerprint()).second)
        if (auto s = write_file(root / certificate_path(c->fingerprint()), c->armored()); !s)
          return setup_error(s.error().message);
    }
    people += fmt::format("  {}:\n    keys: [{}]\n", name, keys);
    if (u.has(SequoiaCapability::sign_commit)) committers.push_back(name);
    if (u.has(SequoiaCapability::add_user) || u.has(SequoiaCapability::retire_user)) admins.push_back(name);
    if (u.has(SequoiaCapability::sign_tag)) taggers.push_back(name);
  }
  if (people.empty()) return setup_error(fmt::format("{} gives no user a certificate", kSequoiaPolicyPath));
  auto list = [](const std::vector<std::string>& names) { return fmt::format("[{}]", fmt::join(names, ", ")); };
  std::string out = fmt::format(
      "# Imported from {} of {}.\n"
      "# sign_commit -> grants on the whole tree; add_user/retire_user -> policy.who\n"
      "# (warden has one capability for every change of .warden/); sign_tag -> tags\n"
      "# signed by them. Signed merges, as sq-git requires. sq-git's goodlist and\n"
      "# audit capability have no counterpart: see docs/sequoia.md.\n"
      "version: 1\n\npeople:\n{}\ngroups:\n",
      kSequoiaPolicyPath, at->hex(), people);
  if (!committers.empty()) out += fmt::format("  committers: {}\n", list(committers));
  if (!admins.empty()) out += fmt::format("  policy-admins: {}\n", list(admins));
  if (!taggers.empty()) out += fmt::format("  taggers: {}\n", list(taggers));
  if (committers.empty() && admins.empty() && taggers.empty()) out += "  {}\n";
  if (!committers.empty()) out += "\ngrants:\n  - paths: [\"/\"]\n    who: [committers]\n";
  else std::cerr << "warden: warning: nobody holds sign_commit: the imported policy grants no paths\n";
  if (!admins.empty()) out += "\npolicy:\n  who: [policy-admins]\n  threshold: 1\n";
  else std::cerr << "warden: warning: nobody holds add_user or retire_user: nobody may change .warden/\n";
  out += "\nmerges:\n  unsigned: deny\n";
  if (!taggers.empty()) out += "\nrefs:\n  - pattern: \"refs/tags/*\"\n    signed-by: [taggers]\n";
  auto parsed = parse_policy(out, kPolicyPath);
  if (!parsed.problems.empty()) return setup_error(fmt::format("generated policy is invalid: {}", parsed.problems.front()));
  if (auto s = write_file(root / kPolicyPath, out); !s) return setup_error(s.error().message);
  if (!policy->goodlist.empty())
    std::cerr << fmt::format(
        "warden: note: commit_goodlist names {} commit{}; a warden anchor after them needs no goodlist\n",
        policy->goodlist.size(), policy->goodlist.size() == 1 ? "" : "s");
  std::cout << fmt::format(
      "warden: wrote {} ({} {}) and {} certificate{} in .warden/keys/\n"
      "warden: next: 'git warden policy check', commit .warden/ signed by one of them, then 'git warden trust "
      "--anchor <that commit>:<their fingerprint>'\n",
      kPolicyPath, written.size() == 0 ? 0 : policy->users.size(), policy->users.size() == 1 ? "user" : "users",
      written.size(), written.size() == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace warden::cli
