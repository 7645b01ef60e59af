#include "support/gitolite.hpp"

#include <catch2/catch.hpp>
#include <pwd.h>
#include <unistd.h>

#include <filesystem>

namespace test {

namespace {

constexpr const char* kSshd = "/usr/sbin/sshd";
constexpr const char* kShell = "/usr/share/gitolite3/gitolite-shell";

std::string login_name() {
  const passwd* pw = getpwuid(getuid());
  return pw != nullptr ? pw->pw_name : "root";
}

}  // namespace

std::string Gitolite::unavailable() {
  if (std::system("command -v gitolite >/dev/null 2>&1") != 0 || !std::filesystem::exists(kShell))
    return "gitolite3 is not installed";
  if (!std::filesystem::exists(kSshd)) return "openssh-server is not installed";
  // sshd needs its privilege separation directory; root can make it.
  if (!std::filesystem::exists("/run/sshd")) {
    if (getuid() != 0) return "/run/sshd is missing and only root can make it";
    std::filesystem::create_directories("/run/sshd");
  }
  return "";
}

Gitolite::Gitolite(const Sandbox& sb, const std::vector<std::string>& users, const std::string& repo)
    : dir_(sb.dir() + "/gitolite"), home_(dir_ + "/home") {
  sb.sh("mkdir -p " + quote(home_) + " && cd " + quote(dir_) + " && ssh-keygen -q -t ed25519 -N '' -f host_key" +
        " && ssh-keygen -q -t ed25519 -N '' -C admin -f admin");
  sb.sh("HOME=" + quote(home_) + " gitolite setup -pk " + quote(dir_ + "/admin.pub") + " >/dev/null 2>&1");
  // Repo-specific hooks (gitolite's LOCAL_CODE): one named warden.
  std::string rc = home_ + "/.gitolite.rc";
  std::string text = sb.read_file(rc);
  auto enable = [&](const std::string& commented) {
    auto at = text.find(commented);
    REQUIRE(at != std::string::npos);
    auto hash = text.find('#', at);
    text.erase(hash, 2);  // "# "
  };
  enable("# LOCAL_CODE                =>  \"$rc{GL_ADMIN_BASE}/local\"");
  enable("# 'repo-specific-hooks'");
  sb.write_file(rc, text);
  REQUIRE(sb.read_file(rc).find("\n        LOCAL_CODE") != std::string::npos);
  REQUIRE(sb.read_file(rc).find("\n            'repo-specific-hooks',") != std::string::npos);
  std::string hooks = home_ + "/.gitolite/local/hooks/repo-specific";
  sb.sh("mkdir -p " + quote(hooks));
  sb.write_file(hooks + "/warden", "#!/bin/sh\nexec " + quote(std::string(WARDEN_BIN_DIR) + "/git-warden") +
                                       " hook pre-receive\n");
  sb.sh("chmod +x " + quote(hooks + "/warden"));
  std::string conf = "\nrepo " + repo + "\n    RW+ =";
  for (const auto& u : users) {
    sb.sh("cd " + quote(dir_) + " && ssh-keygen -q -t ed25519 -N '' -C " + u + " -f " + u + " && cp " + u + ".pub " +
          quote(home_ + "/.gitolite/keydir/"));
    conf += " " + u;
  }
  conf += "\n    option hook.pre-receive = warden\n";
  sb.sh("cat >> " + quote(home_ + "/.gitolite/conf/gitolite.conf") + " <<'EOF'\n" + conf + "EOF");
  sb.sh("HOME=" + quote(home_) + " gitolite setup >/dev/null 2>&1");
  REQUIRE(std::filesystem::exists(repository(repo) + "/hooks/pre-receive.h00-warden"));

  // sshd's own keys file: gitolite's, with HOME pointing at gitolite's
  // home (sshd would give the login user's own).
  std::string keys = sb.read_file(home_ + "/.ssh/authorized_keys");
  std::string from = std::string("command=\"") + kShell, to = "command=\"env HOME=" + home_ + " " + kShell;
  for (size_t at = keys.find(from); at != std::string::npos; at = keys.find(from, at + to.size()))
    keys.replace(at, from.size(), to);
  sb.write_file(dir_ + "/authorized_keys", keys);
  port_ = free_loopback_port();
  sb.write_file(dir_ + "/sshd_config", "Port " + std::to_string(port_) + "\nListenAddress 127.0.0.1\nHostKey " +
                                           dir_ + "/host_key\nPidFile " + dir_ + "/sshd.pid\nAuthorizedKeysFile " +
                                           dir_ + "/authorized_keys\nPermitRootLogin prohibit-password\n"
                                           "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
                                           "StrictModes no\nLogLevel ERROR\n");
  sshd_ = std::make_unique<BackgroundProcess>(
      sb, std::string(kSshd) + " -D -f " + quote(dir_ + "/sshd_config") + " -E " + quote(dir_ + "/sshd.log"),
      dir_ + "/sshd.pid", port_);
}

std::string Gitolite::repository(const std::string& repo) const { return home_ + "/repositories/" + repo + ".git"; }

std::string Gitolite::url(const std::string& repo) const {
  return "ssh://" + login_name() + "@127.0.0.1:" + std::to_string(port_) + "/" + repo;
}

std::string Gitolite::ssh_as(const std::string& user) const {
  return "GIT_SSH_COMMAND=" + quote("ssh -p " + std::to_string(port_) +
                                    " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o "
                                    "IdentitiesOnly=yes -o BatchMode=yes -o LogLevel=ERROR -i " + dir_ + "/" + user);
}

}  // namespace test
