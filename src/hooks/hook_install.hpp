// Writing a hook shim into a repository's hooks directory, with the same
// rules for every hook: never overwrite someone else's hook unless asked.
#pragma once

#include <string>
#include <vector>

#include "warden/result.hpp"

namespace warden::hooks {

struct ShimInstall {
  bool force = false;  // replace a different existing hook
  bool chain = false;  // keep a different existing hook as NAME.chained, run after warden
};

// Installs `shim_template` (with the placeholder replaced by the path of
// the running git-warden) as `dir/name`. Returns what was done, one line.
Result<std::string> install_shim(const std::string& dir, const std::string& name, const std::string& shim_template,
                                 const ShimInstall& how);

// The path of the running executable.
Result<std::string> self_path();

// Installs the client shims (reference-transaction, post-merge,
// pre-rebase, post-rewrite); returns what was done, one line per hook.
Result<std::vector<std::string>> install_client_shims(const std::string& dir, const ShimInstall& how);

}  // namespace warden::hooks
