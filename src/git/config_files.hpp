// The config files git reads, chosen as git chooses them (config.c,
// do_git_config_sequence), so that a setting means to warden what it means
// to git: the system file ($GIT_CONFIG_SYSTEM, else /etc/gitconfig; none
// with GIT_CONFIG_NOSYSTEM), the global ones ($GIT_CONFIG_GLOBAL alone,
// else $XDG_CONFIG_HOME/git/config or ~/.config/git/config, then
// ~/.gitconfig), then the repository's own. libgit2 1.5 knows none of these
// variables. Their include.path and includeIf sections are followed by
// libgit2; `git -c` settings come on top (command_line_config.hpp).
#pragma once

#include <string>
#include <vector>

#include <git2/config.h>

#include "warden/result.hpp"

struct git_repository;

namespace warden::git {

struct ConfigFile {
  std::string path;
  git_config_level_t level;
};

// The files, lowest priority first, for the repository whose git
// directory is `git_dir` (with its trailing '/'), from this process's
// environment. Files that do not exist are listed too (they read empty).
std::vector<ConfigFile> git_config_files(const std::string& git_dir);

// Makes `repo` read exactly those files.
Status use_git_config_files(git_repository* repo);

}  // namespace warden::git
