// A Nix flake's lock file (flake.lock, version 7): the git inputs it pins.
// Each node whose `locked` source is git (type git, or github/gitlab,
// which Nix fetches as git archives of a commit) and names a `rev`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "warden/result.hpp"

namespace warden {

struct LockedGitInput {
  std::string name;  // the node's name in the lock ("nixpkgs", "dep_2")
  std::string type;  // git, github, gitlab
  std::string url;   // type git: the url as locked ("file:///src/dep", "https://...")
  std::string owner, repo;  // github, gitlab
  std::string rev;   // 40 hex digits
  // "git+file:///src/dep", "github:owner/repo", for messages.
  std::string source() const;
};

// Larger lock files are refused unread.
inline constexpr size_t kMaxFlakeLockBytes = 4 << 20;

// The locked git inputs, sorted by name. Errors name the node and field.
Result<std::vector<LockedGitInput>> parse_flake_lock(std::string_view json);

}  // namespace warden
