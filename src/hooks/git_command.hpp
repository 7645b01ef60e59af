// Which git command a client hook runs under: the hook's ancestor
// processes, read from /proc (Linux). git hands a reference-transaction
// hook the ref updates but not what made them, and a fetch that moves a
// local branch or a tag must be checked while the user's own commits on
// local branches must not be.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace warden::hooks {

// The command lines of this process's git ancestors, nearest first;
// nullopt if they cannot be read.
std::optional<std::vector<std::vector<std::string>>> git_ancestors();
// Their git subcommands, nearest first (for `git pull`'s merge: {"merge",
// "pull"}); nullopt if they cannot be read.
std::optional<std::vector<std::string>> git_command_chain(
    const std::optional<std::vector<std::vector<std::string>>>& ancestors);
std::optional<std::vector<std::string>> git_command_chain();  // of git_ancestors()

// The subcommand of a git command line ("git -c a=b fetch origin" ->
// "fetch", "git-upload-pack" -> "upload-pack"), or "" if it is not git.
std::string git_subcommand(const std::vector<std::string>& argv);

// Where a `git fetch` command line fetches from, as git reads it.
struct FetchSource {
  enum class Kind {
    named,          // `repository`: a remote's name, a group, a path or a URL
    default_remote, // none given: the current branch's remote, the only remote, or origin
    all_remotes,    // --all
    unknown,        // not a fetch, or options warden cannot read past
  } kind = Kind::unknown;
  std::string repository;
};
FetchSource fetch_source(const std::vector<std::string>& argv);

enum class RefContext {
  fetch,  // a fetch or clone, or a command warden does not know: every ref it moves must authenticate
  pull,   // the merge or rebase of a `git pull`: what was fetched must authenticate
  local,  // the user's own work (commit, merge, rebase, reset, tag, ...): not checked
};

// How to treat ref updates made under `chain` (fail closed: unknown or
// unreadable is `fetch`).
RefContext ref_context(const std::optional<std::vector<std::string>>& chain);

}  // namespace warden::hooks
