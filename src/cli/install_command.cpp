// git warden install --server [--force] [--chain] [--accept-existing]
//
// Installs the pre-receive shim, but only on a repository whose refs all
// authenticate, so that the server starts from a verified state: after
// that, every push is checked incrementally against tips it has verified.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/verify_report.hpp"
#include "common/clock.hpp"
#include "hooks/hook_install.hpp"
#include "hooks/hook_runner.hpp"
#include "server/server_config.hpp"
#include "hooks/shims.hpp"
#include "warden/anchor.hpp"
#include "warden/client_trust.hpp"
#include "warden/fetched_tags.hpp"
#include "warden/pins.hpp"
#include "warden/snapshot.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {
namespace {

// The refs the server hook will judge (warden's own refs are not pushed).
Result<std::vector<RefTip>> judged_refs(const Repository& repo) {
  auto refs = repo.list_refs();
  if (!refs) return refs.error();
  std::vector<RefTip> out;
  for (auto& r : *refs)
    if (!r.name.starts_with("refs/warden/")) out.push_back(std::move(r));
  return out;
}

// Checks the existing refs as if they were all pushed now; returns the
// refusals, one line each.
Result<std::vector<std::string>> check_existing(const Repository& repo, const Anchor& anchor,
                                                const PushCheckOptions& options, const std::vector<RefTip>& refs) {
  std::vector<std::string> problems;
  // The policy branch first, from the anchor: the other refs are then
  // checked against it as a verified tip.
  auto tip = repo.ref_target(options.policy_branch);
  if (!tip) return tip.error();
  if (*tip) {
    auto commit = repo.peel_to_commit(**tip);
    if (!commit) return commit.error();
    Verifier verifier(repo);
    VerifyRequest req;
    req.anchor = anchor;
    req.target = *commit;
    // The approvals the server holds count, as they do for a push.
    auto notes = repo.ref_target(kApprovalNotesRef);
    if (!notes) return notes.error();
    if (*notes)
      if (auto notes_commit = repo.peel_to_commit(**notes)) req.approval_notes.push_back(*notes_commit);
    auto report = verifier.verify(req);
    if (!report) return report.error();
    if (!report->authenticated) {
      problems.push_back(fmt::format("{} (the policy branch): {}", options.policy_branch, refusal_reason(*report)));
      return problems;
    }
  }
  std::vector<RefUpdate> updates;
  for (const auto& r : refs) updates.push_back(RefUpdate{ObjectId{}, r.target, r.name});
  PushChecker checker(repo, anchor, options);
  auto decisions = checker.check(updates);
  if (!decisions) return decisions.error();
  for (const auto& d : *decisions)
    if (!d.ok) problems.push_back(fmt::format("{}: {}", d.ref, d.message));
  return problems;
}

// A clone's tags, as a fetch's (hook reference-transaction): each must
// name an authenticated commit. The refusals, one line each.
Result<std::vector<std::string>> unauthenticated_tags(Repository& repo, const Anchor& anchor,
                                                      const std::vector<RefTip>& tags) {
  Verifier verifier(repo);
  std::vector<std::string> problems;
  for (const auto& t : tags) {
    auto commit = repo.peel_to_commit(t.target);
    if (!commit) {
      problems.push_back(fmt::format("{} would move to unauthenticated history: {}", t.name, commit.error().message));
      continue;
    }
    auto result = verify_trusted(repo, verifier, anchor, *commit, TrustedVerify{});
    if (!result) return result.error();
    if (!result->report.authenticated)
      problems.push_back(
          fmt::format("{} would move to unauthenticated history: {}", t.name, refusal_reason(result->report)));
  }
  return problems;
}

// Prints each of `problems` as "warden: <label>: <problem>"; if there are
// any, the refusal that counts them as `noun`s, else nothing.
std::optional<int> refuse_problems(const std::vector<std::string>& problems, const char* label, const char* noun) {
  for (const auto& p : problems) std::cerr << "warden: " << label << ": " << p << "\n";
  if (problems.empty()) return std::nullopt;
  return stop(fmt::format("install refused: {} {}{} do{} not authenticate", problems.size(), noun,
                          problems.size() == 1 ? "" : "s", problems.size() == 1 ? "es" : ""),
              kExitRefused);
}

}  // namespace

int install_client(Repository& repo, const InstallOptions& opts) {
  auto anchor = load_anchor(repo, std::nullopt);
  if (!anchor) return stop(anchor.error().message, kExitUsage);
  auto problems = pin_tracking_refs(repo, *anchor);
  if (!problems) return stop(problems.error().message, kExitUsage);
  if (auto refused = refuse_problems(*problems, "does not authenticate", "remote-tracking ref")) return *refused;
  // A clone (or a repository first guarded now) meets the snapshot rule
  // as a fetch would: every remote-tracking ref counts as moved.
  auto tracking = repo.list_refs("refs/remotes/*");
  if (!tracking) return stop(tracking.error().message, kExitUsage);
  Verifier verifier(repo);
  FetchedRefs fetch;
  fetch.now = now_seconds();
  for (const auto& r : *tracking)
    if (is_trusted_tracking_ref(repo, r.name)) fetch.moved.emplace_back(r.name, r.target);
  if (opts.cloned) {
    // A clone's tags are what a fetch of origin wrote (a repository guarded
    // later may hold tags of its own: those are not judged).
    auto tags = repo.list_refs("refs/tags/*");
    if (!tags) return stop(tags.error().message, kExitUsage);
    auto bad = unauthenticated_tags(repo, *anchor, *tags);
    if (!bad) return stop(bad.error().message, kExitUsage);
    if (auto refused = refuse_problems(*bad, "refused", "tag")) return *refused;
    FetchedTags written;
    written.remote = "origin";
    written.moved = fetch.moved;
    for (const auto& t : *tags) written.tags.push_back({t.name, ObjectId{}, t.target});
    auto broken = fetched_tags_problem(repo, verifier, written);
    if (!broken) return stop(broken.error().message, kExitUsage);
    if (!broken->empty()) return stop(fmt::format("install refused: {}", *broken), kExitRefused);
    for (const auto& t : *tags) fetch.tags.emplace_back(t.name, t.target);
    fetch.tags_remote = "origin";
  }
  auto why = check_fetched_snapshots(repo, verifier, fetch);
  if (!why) return stop(why.error().message, kExitRefused);
  if (!why->empty()) return stop(fmt::format("install refused: {}", *why), kExitRefused);
  auto done = hooks::install_client_shims(hooks::hooks_dir(repo, opts.hooks_dir), hooks::ShimInstall{opts.force, opts.chain});
  if (!done) return stop(done.error().message, kExitRefused);
  for (const auto& line : *done) std::cout << "warden: " << line << "\n";
  // Approvals come with every fetch, first: git updates refs in the order
  // of the refspecs, so a branch is checked with the approvals fetched
  // along with it.
  for (const auto& remote : repo.remote_names()) {
    if (auto s = repo.add_first_config_value(fmt::format("remote.{}.fetch", remote), approval_notes_refspec(remote)); !s)
      return stop(s.error().message, kExitUsage);
    std::cout << fmt::format("warden: {} fetches approvals ({})\n", remote, approval_notes_refspec(remote));
    if (auto s = repo.add_first_config_value(fmt::format("remote.{}.fetch", remote), snapshot_refspec(remote)); !s)
      return stop(s.error().message, kExitUsage);
  }
  auto pins = list_pins(repo);
  if (pins)
    for (const auto& p : *pins)
      std::cout << fmt::format("warden: pinned {} at {}\n", short_tracking_ref(p.tracking_ref), p.commit.short_hex());
  return kExitOk;
}

int run_install(const InstallOptions& opts) {
  if (opts.server == opts.client) return stop("say which hooks to install: --server or --client", kExitUsage);
  if (opts.snapshots && !opts.server) return stop("--snapshots goes with --server", kExitUsage);
  auto repo = Repository::open(".");
  if (!repo) return stop(repo.error().message, kExitUsage);
  if (opts.client) return install_client(*repo, opts);
  if (opts.sequoia) return install_sequoia_server(*repo, opts);
  if (opts.trust_root) return stop("--trust-root goes with --sequoia", kExitUsage);
  auto anchor = load_anchor(*repo, std::nullopt);
  if (!anchor) return stop(anchor.error().message, kExitUsage);
  auto options = server::server_options(*repo);
  if (!options) return stop(options.error().message, kExitUsage);
  auto refs = judged_refs(*repo);
  if (!refs) return stop(refs.error().message, kExitUsage);

  if (!refs->empty() && opts.accept_existing) {
    // The current tips are trusted as they are, unread: an existing large
    // history costs nothing here (docs/server.md). `git warden verify REF`
    // audits one later, on request.
    for (const auto& r : *refs) {
      auto commit = repo->peel_to_commit(r.target);
      if (!commit) continue;  // a tag of a tree or a blob: not a commit to accept
      if (auto s = repo->set_ref(server::kAcceptedPrefix + commit->hex(), *commit, "warden: install --accept-existing"); !s)
        return stop(s.error().message, kExitUsage);
      std::cout << fmt::format("warden: accepted without verification (--accept-existing): {} at {}\n", r.name,
                               commit->hex());
    }
    std::cout << fmt::format("warden: {} ref{} accepted as {} (audit one with 'git warden verify REF'); every later "
                             "push is checked\n",
                             refs->size(), refs->size() == 1 ? "" : "s", refs->size() == 1 ? "it is" : "they are");
  } else if (!refs->empty()) {
    auto problems = check_existing(*repo, *anchor, *options, *refs);
    if (!problems) return stop(problems.error().message, kExitUsage);
    for (const auto& p : *problems) std::cerr << "warden: does not authenticate: " << p << "\n";
    if (!problems->empty())
      return stop(fmt::format("install refused: {} ref{} do{} not authenticate; fix them, or pass --accept-existing "
                              "to trust the current tips as they are",
                              problems->size(), problems->size() == 1 ? "" : "s", problems->size() == 1 ? "es" : ""),
                  kExitRefused);
  }
  {
    // The history numbered once, now: a push check that must reach deep
    // (a merge of a branch forked long ago) then reads none of it.
    std::vector<ObjectId> tips;
    for (const auto& r : *refs)
      if (auto commit = repo->peel_to_commit(r.target)) tips.push_back(*commit);
    if (auto s = repo->number_history(tips); !s)
      std::cerr << "warden: warning: cannot keep generation numbers: " << s.error().message << "\n";
  }
  auto done = hooks::install_shim(hooks::hooks_dir(*repo, opts.hooks_dir), "pre-receive", hooks::kPreReceiveShim,
                                  hooks::ShimInstall{opts.force, opts.chain});
  if (!done) return stop(done.error().message, kExitRefused);
  std::cout << "warden: " << *done << "\n";
  if (opts.snapshots) {
    auto post = hooks::install_shim(hooks::hooks_dir(*repo, opts.hooks_dir), "post-receive", hooks::kPostReceiveShim,
                                    hooks::ShimInstall{opts.force, opts.chain});
    if (!post) return stop(post.error().message, kExitRefused);
    std::cout << "warden: " << *post << "\n";
    if (!repo->config_string("warden.snapshotKey") && !repo->config_string("user.signingkey"))
      std::cerr << "warden: warning: set the snapshot key (git config warden.snapshotKey KEY) before the next push\n";
    std::cout << "warden: re-sign at least daily so that an idle repository stays fresh (docs/server.md)\n";
  }
  std::cout << fmt::format("warden: the policy branch is {} ({}); it is never deleted or rewound\n",
                           options->policy_branch,
                           repo->config_string("warden.policyBranch") ? "warden.policyBranch" : "the branch HEAD names");
  return kExitOk;
}

Command add_install_command(CLI::App& app) {
  auto opts = std::make_shared<InstallOptions>();
  auto* cmd = app.add_subcommand("install", "Install warden's hooks into this repository");
  cmd->add_flag("--server", opts->server, "The pre-receive hook of a server repository");
  cmd->add_flag("--client", opts->client,
                "The client hooks (reference-transaction, post-merge, pre-rebase, post-rewrite); pins the remote-tracking refs");
  cmd->add_flag("--snapshots", opts->snapshots,
                "With --server: also a post-receive hook that signs a snapshot of the refs after every push");
  cmd->add_flag("--force", opts->force, "Replace an existing hook that is not warden's");
  cmd->add_flag("--chain", opts->chain, "Keep an existing hook and run it after warden's checks");
  cmd->add_flag("--accept-existing", opts->accept_existing,
                "Trust the current tips as they are, without auditing them (a large existing history)");
  cmd->add_flag("--sequoia", opts->sequoia,
                "With --server: judge pushes by sequoia-git's openpgp-policy.toml from a pinned trust root, as sq-git's "
                "update hook does");
  cmd->add_option("--trust-root", opts->trust_root,
                  "With --sequoia: the trust root to pin (default: git config sequoia.trustRoot)");
  cmd->add_option("--hooks-dir", opts->hooks_dir,
                  "Where to put the hook (relative to the git directory), e.g. hooks/pre-receive.d");
  return {cmd, [opts] { return run_install(*opts); }};
}

}  // namespace warden::cli
