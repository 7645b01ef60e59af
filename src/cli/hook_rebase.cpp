// git warden hook pre-rebase / post-rewrite: rebasing onto fetched
// history. pre-rebase refuses (git then aborts the rebase) when the rebase
// would put the branch on what was fetched (FETCH_HEAD: `git pull
// --rebase URL BRANCH`, `git rebase FETCH_HEAD`) and that does not
// authenticate. post-rewrite, after a rebase, warns loudly when the branch
// now holds fetched history that does not authenticate (git ignores its
// exit status), as post-merge does for merges, and checks a flake.lock the
// rebase changed as post-merge does.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "cli/commands.hpp"
#include "warden/client_trust.hpp"
#include "hooks/git_command.hpp"
#include "hooks/hook_runner.hpp"

namespace warden::cli {
namespace {

constexpr size_t kMaxInput = 64 << 20;

int chained_or(int status, const std::string& chained, const std::vector<std::string>& args, const std::string& input) {
  if (status != kExitOk || chained.empty() || ::access(chained.c_str(), X_OK) != 0) return status;
  auto r = hooks::run_with_input(chained, args, input);
  if (!r) {
    std::cerr << "warden: " << r.error().message << "\n";
    return kExitRefused;
  }
  return *r;
}

// The fetched commit this rebase would put the branch on, if any.
std::optional<ObjectId> fetched_onto(Repository& repo, const std::vector<std::string>& args) {
  auto fetched = fetched_for_merge(repo);
  if (!fetched) return std::nullopt;
  if (hooks::ref_context(hooks::git_command_chain()) == hooks::RefContext::pull) return fetched;
  if (args.empty()) return std::nullopt;
  auto upstream = repo.resolve_commit(args[0]);
  if (upstream && *upstream == *fetched) return fetched;
  return std::nullopt;
}

}  // namespace

int run_hook_pre_rebase(const std::string& chained, const std::vector<std::string>& args) {
  auto repo = hooks::open_hook_repository();
  if (!repo) {
    std::cerr << "warden: refused: " << repo.error().message << "\n";
    return kExitRefused;
  }
  if (auto onto = fetched_onto(*repo, args)) {
    if (auto why = why_unauthenticated(*repo, *onto)) {
      std::cerr << fmt::format("warden: refused: the rebase would put your branch on fetched history {}\n", *why);
      return kExitRefused;
    }
  }
  return chained_or(kExitOk, chained, args, "");
}

int run_hook_post_rewrite(const std::string& chained, const std::vector<std::string>& args) {
  auto input = hooks::read_stdin(kMaxInput);
  auto repo = hooks::open_hook_repository();
  if (repo && !args.empty() && args[0] == "rebase") {
    warn_about_fetched_history(*repo, "the rebase put your branch on");
    // `git pull --rebase` runs no post-merge: the lock the rebase brings
    // must not go back from the branch's before it (ORIG_HEAD).
    if (auto orig = repo->resolve_commit("ORIG_HEAD")) check_flake_lock(*repo, *orig, true);
  }
  return chained_or(kExitOk, chained, args, input ? *input : "");
}

}  // namespace warden::cli
