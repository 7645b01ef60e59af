// A real gitolite instance behind a real sshd on 127.0.0.1, for the forge
// tests: sshd (its own host key and config, a free port) runs gitolite-shell
// for each user's key, gitolite's repo-specific hooks run warden as the
// repository's pre-receive hook. Started by the constructor, stopped by the
// destructor. Needs Debian's gitolite3 and openssh-server (available()).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/sandbox.hpp"
#include "support/servers.hpp"

namespace test {

class Gitolite {
 public:
  // Why gitolite cannot run here ("" if it can): gitolite3 or sshd missing,
  // or no privilege separation directory for sshd.
  static std::string unavailable();

  // Users `users` (each gets an ssh login key), with RW+ on repository
  // `repo`, whose pre-receive is warden through gitolite's repo-specific
  // hooks (option hook.pre-receive = warden).
  Gitolite(const Sandbox& sb, const std::vector<std::string>& users, const std::string& repo);

  // The bare repository gitolite keeps for `repo`, on the server's disk.
  std::string repository(const std::string& repo) const;
  // ssh://USER@127.0.0.1:PORT/REPO (gitolite tells users apart by key).
  std::string url(const std::string& repo) const;
  // GIT_SSH_COMMAND=... for pushing as `user`.
  std::string ssh_as(const std::string& user) const;

 private:
  std::string dir_, home_;
  int port_ = 0;
  std::unique_ptr<BackgroundProcess> sshd_;
};

}  // namespace test
