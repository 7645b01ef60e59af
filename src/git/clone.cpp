// Cloning with libgit2, checkout deferred until the history is verified.
#include <fmt/format.h>

#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {

namespace {

// The origin remote with `first` refspecs ahead of git's default one.
int create_origin(git_remote** out, git_repository* repo, const char* name, const char* url, void* payload) {
  const auto& first = *static_cast<const std::vector<std::string>*>(payload);
  std::string branches = fmt::format("+refs/heads/*:refs/remotes/{}/*", name);
  if (first.empty()) return git_remote_create(out, repo, name, url);
  git_remote* created = nullptr;
  if (int rc = git_remote_create_with_fetchspec(&created, repo, name, url, first.front().c_str()); rc != 0) return rc;
  git_remote_free(created);
  for (size_t i = 1; i < first.size(); ++i)
    if (int rc = git_remote_add_fetch(repo, name, first[i].c_str()); rc != 0) return rc;
  if (int rc = git_remote_add_fetch(repo, name, branches.c_str()); rc != 0) return rc;
  return git_remote_lookup(out, repo, name);
}

}  // namespace

Result<Repository> Repository::clone_bare_checkout(const std::string& url, const std::string& path,
                                                    const std::vector<std::string>& first_refspecs) {
  {
    git::LibraryGuard library;
    git_clone_options opts = GIT_CLONE_OPTIONS_INIT;
    opts.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;
    opts.remote_cb = create_origin;
    opts.remote_cb_payload = const_cast<std::vector<std::string>*>(&first_refspecs);
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
