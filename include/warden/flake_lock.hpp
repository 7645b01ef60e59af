// A Nix flake's lock file (flake.lock, versions 5 to 7): the inputs it
// pins, each named by its path from the root flake's inputs ("dep",
// "dep/nixpkgs"), which is what the flake calls it, not by the lock's
// node name, which a lock writer chooses ("dep_2"). git inputs (type git,
// or github/gitlab, which Nix fetches as archives of a commit) with a
// `rev` are the ones warden can check.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "warden/result.hpp"

namespace warden {

struct LockedInput {
  std::string input;  // path from the root's inputs: "dep", "dep/nixpkgs"
  std::string name;   // the node's name in the lock ("nixpkgs", "dep_2")
  std::string type;   // git, github, gitlab, path, tarball, ...
  std::string url;    // type git: the url as locked ("file:///src/dep", "https://...")
  std::string owner, repo;  // github, gitlab
  std::string rev;    // 40 hex digits (git inputs)
  // Why a git input cannot be checked as locked ("" if it can): a host
  // other than the forge's own, where Nix would fetch an archive that no
  // commit id binds.
  std::string unsupported;
  bool git() const { return type == "git" || type == "github" || type == "gitlab"; }
  // "git+file:///src/dep", "github:owner/repo", "path", for messages.
  std::string source() const;
};

// Larger lock files are refused unread.
inline constexpr size_t kMaxFlakeLockBytes = 4 << 20;

// The locked inputs reachable from the root, sorted by input path (an
// input that `follows` another is that other one). Errors name the node
// and field.
Result<std::vector<LockedInput>> parse_flake_lock(std::string_view json);

}  // namespace warden
