// Cloning with libgit2, checkout deferred until the history is verified.
#include <fmt/format.h>

#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {

Result<Repository> Repository::clone_bare_checkout(const std::string& url, const std::string& path) {
  {
    git::LibraryGuard library;
    git_clone_options opts = GIT_CLONE_OPTIONS_INIT;
    opts.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;
    git_repository* raw = nullptr;
    if (git_clone(&raw, url.c_str(), path.c_str(), &opts) != 0)
      return make_error(git_error_text(fmt::format("cannot clone {}", url)));
    git::RepositoryHandle cloned(raw);
  }
  return open_exact(path);
}

Result<bool> Repository::checkout_head() {
  if (git_repository_head_unborn(raw()) == 1) return false;
  git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
  opts.checkout_strategy = GIT_CHECKOUT_FORCE;
  if (git_checkout_head(raw(), &opts) != 0) return make_error(git_error_text("cannot check out HEAD"));
  return true;
}

}  // namespace warden
