// git warden hook post-checkout: a branch checkout that changes flake.lock
// checks the lock it brings (every locked git input must authenticate in
// its clone; docs/nix.md) and warns if it does not. git ignores the
// status of a post-checkout hook: the checkout has happened.
#include <unistd.h>

#include <filesystem>

#include "cli/commands.hpp"
#include "hooks/hook_runner.hpp"

namespace warden::cli {

int run_hook_post_checkout(const std::string& chained, const std::vector<std::string>& args) {
  // args: previous HEAD, new HEAD, 1 for a branch checkout (0: files).
  auto repo = hooks::open_hook_repository();
  // A rebase's checkout of its base is checked once the rebase is done,
  // against the branch before it (post-rewrite).
  bool rebasing = repo && (std::filesystem::exists(repo->git_dir() + "/rebase-merge") ||
                           std::filesystem::exists(repo->git_dir() + "/rebase-apply"));
  if (repo && !rebasing && args.size() >= 3 && args[2] == "1" && args[0] != args[1])
    if (auto before = repo->resolve_commit(args[0])) check_flake_lock(*repo, *before, false);
  if (!chained.empty() && ::access(chained.c_str(), X_OK) == 0) {
    auto r = hooks::run_with_input(chained, args, "");
    if (r) return *r;
  }
  return kExitOk;
}

}  // namespace warden::cli
