// git warden hook post-merge: after `git pull`, confirms that what was
// merged in is pinned or authenticated, and warns loudly otherwise. (git
// ignores a post-merge hook's exit status: the merge has happened; the
// warning says how to undo it.)
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/policy_files.hpp"
#include "cli/verify_report.hpp"
#include "warden/flake_lock.hpp"
#include "warden/client_trust.hpp"
#include "hooks/hook_runner.hpp"
#include "warden/anchor.hpp"
#include "warden/pins.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {
namespace {

void warn(const std::string& what) {
  std::cerr << "warden: WARNING: " << what << "\n";
}

}  // namespace

std::optional<std::string> fetched_history_problem(Repository& repo) {
  auto fetched = fetched_for_merge(repo);
  if (!fetched) return std::nullopt;
  auto head = repo.resolve_commit("HEAD");
  if (!head) return std::nullopt;
  if (*head != *fetched) {
    auto in_head = repo.descendant_of(*head, *fetched);
    // Not knowing is said, not taken for "not in HEAD" (a damaged object store).
    if (!in_head) return fmt::format("{}, which cannot be checked: {}", fetched->short_hex(), in_head.error().message);
    if (!*in_head) return std::nullopt;  // what was fetched is not in HEAD
  }
  return why_unauthenticated(repo, *fetched);
}

std::optional<std::string> why_unauthenticated(Repository& repo, const ObjectId& commit) {
  auto pins = list_pins(repo);
  if (pins)
    for (const auto& p : *pins) {
      if (p.commit == commit) return std::nullopt;
      auto behind = repo.descendant_of(p.commit, commit);
      if (behind && *behind) return std::nullopt;
    }
  auto anchor = load_anchor(repo, std::nullopt);
  if (!anchor) return fmt::format("{} cannot be checked: {}", commit.short_hex(), anchor.error().message);
  Verifier verifier(repo);
  auto result = verify_trusted(repo, verifier, *anchor, commit, TrustedVerify{});
  if (result && result->report.authenticated) return std::nullopt;
  std::string why = result ? refusal_reason(result->report) : result.error().message;
  return fmt::format("{}, which is NOT authenticated: {}", commit.short_hex(), why);
}

void warn_about_fetched_history(Repository& repo, const std::string& action) {
  auto problem = fetched_history_problem(repo);
  if (!problem) return;
  warn(fmt::format("{} {}", action, *problem));
  warn("your branch now contains unauthenticated history; to undo it: git reset --hard ORIG_HEAD");
}

namespace {

void check_merge(Repository& repo) { warn_about_fetched_history(repo, "the merge brought in"); }

}  // namespace

void check_flake_lock(Repository& repo, const ObjectId& before_commit, bool against_before) {
  auto wd = repo.workdir();
  if (!wd || !std::filesystem::exists(std::filesystem::path(*wd) / "flake.lock")) return;
  auto head = repo.resolve_commit("HEAD");
  if (!head) return;
  auto lock_at = [&](const ObjectId& c) -> std::optional<std::string> {
    auto data = repo.read_commit(c);
    if (!data) return std::nullopt;
    auto blob = repo.read_file(data->tree, "flake.lock", kMaxFlakeLockBytes);
    if (!blob || !blob->has_value()) return std::nullopt;
    return (*blob)->content;
  };
  auto before = lock_at(before_commit), after = lock_at(*head);
  if (before == after) return;
  VerifyLockOptions opts;
  opts.lock_file = (std::filesystem::path(*wd) / "flake.lock").string();
  std::string against = repo.git_dir() + "/warden-orig-flake.lock";
  bool baseline = before && against_before;
  if (baseline) {
    if (auto s = write_file(against, *before); !s) return warn(s.error().message);
    opts.against = against;
  }
  std::cerr << "warden: flake.lock changed: checking its locked git inputs\n";
  int status = run_verify_lock(opts);
  if (baseline) std::filesystem::remove(against);
  if (status != kExitOk) {
    if (against_before) {
      warn("flake.lock now locks a git input that is not authenticated, or goes back from the lock before the merge or rebase");
      warn("to undo it: git reset --hard ORIG_HEAD");
    } else {
      warn("the flake.lock you checked out locks a git input that is not authenticated: do not build it");
    }
  }
}

int run_hook_post_merge(const std::string& chained, const std::vector<std::string>& args) {
  auto repo = hooks::open_hook_repository();
  if (repo) {
    check_merge(*repo);
    // The new lock's git inputs must authenticate in their clones and not
    // go back from the lock before the merge.
    if (auto orig = repo->resolve_commit("ORIG_HEAD")) check_flake_lock(*repo, *orig, true);
  }
  else std::cerr << "warden: WARNING: " << repo.error().message << "\n";
  if (!chained.empty() && ::access(chained.c_str(), X_OK) == 0) {
    auto r = hooks::run_with_input(chained, args, "");
    if (r) return *r;
  }
  return kExitOk;
}

}  // namespace warden::cli
