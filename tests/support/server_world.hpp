// A bare server repository with warden's pre-receive hook installed,
// reached over file://, git daemon or smart HTTP, and a client work tree
// whose first commit (signed by alice) is the anchor and is already pushed.
#pragma once

#include <memory>

#include "support/history.hpp"
#include "support/people.hpp"
#include "support/servers.hpp"

namespace test {

enum class Transport { file, daemon, http };
const char* to_string(Transport t);

// Ref rules most server tests use, appended to the standard policy.
inline constexpr const char* kServerRefRules = R"(refs:
  - pattern: "refs/heads/main"
    fast-forward-only: true
    deletion: deny
  - pattern: "refs/tags/v*"
    immutable: true
    signed-by: [maintainers]
  - pattern: "refs/heads/wip/*"
    verify: false
)";

struct ServerWorld : People {
  std::string srv;  // the bare repository
  Repo work;
  std::string anchor;
  std::string url;
  std::unique_ptr<GitDaemon> daemon;
  std::unique_ptr<HttpBackend> http;

  // With `install` false the server is left empty and without the hook.
  explicit ServerWorld(Transport t, bool install = true);

  // Runs a git-warden / git command line with the build's binaries on PATH.
  Run cli(const std::string& cmd, const std::string& cwd) const;
  void install_hook(const std::string& flags = "") const;
  // git push URL ARGS from the work tree.
  Run push(const std::string& args) const;
  // The server's value of `ref`, or "" if it has none.
  std::string server_ref(const std::string& ref) const;
  // Creates an annotated tag signed by `key` in the work tree.
  void signed_tag(const std::string& name, const Key& key, const std::string& target = "HEAD") const;
};

}  // namespace test
