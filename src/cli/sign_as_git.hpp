// Signing bytes the way git signs a commit: gpg.format (openpgp or ssh),
// user.signingkey (or --key), and the program git would run (gpg.program,
// gpg.ssh.program). The user's own signing program holds their key (an
// agent, a token), so it is run as git runs it; verification never runs
// anything.
#pragma once

#include <optional>
#include <string>

#include "warden/repository.hpp"

namespace warden::cli {

// The armored signature of `data` (an SSHSIG with namespace "git", or a
// detached OpenPGP signature), made with `key` or the configured key.
Result<std::string> sign_as_git(const Repository& repo, const std::string& data, const std::optional<std::string>& key);

}  // namespace warden::cli
