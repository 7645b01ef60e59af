#include "cli/sign_as_git.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

extern char** environ;

namespace warden::cli {

namespace {

// A file that is removed when it goes out of scope.
class TempFile {
 public:
  explicit TempFile(std::string path) : path(std::move(path)) {}
  TempFile(TempFile&& other) noexcept : path(std::exchange(other.path, {})) {}
  TempFile& operator=(TempFile&&) = delete;
  TempFile(const TempFile&) = delete;
  ~TempFile() {
    if (!path.empty()) std::remove(path.c_str());
  }
  std::string path;
};

Result<TempFile> temp_file(const std::string& content) {
  std::string dir = std::filesystem::temp_directory_path().string();
  std::string pattern = dir + "/warden-sign-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) return make_error(fmt::format("cannot create a file in {}: {}", dir, std::strerror(errno)));
  TempFile f(name.data());
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return make_error(fmt::format("cannot write {}: {}", f.path, std::strerror(errno)));
    }
    off += static_cast<size_t>(n);
  }
  ::close(fd);
  return f;
}

// Runs `argv` (looked up in PATH) with `input` on its standard input and
// returns its standard output; its standard error goes to ours (prompts,
// the program's own messages). A failure says what failed.
Result<std::string> run_program(std::vector<std::string> argv, const std::string& input) {
  auto in = temp_file(input);
  if (!in) return in.error();
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return make_error(fmt::format("cannot run {}: {}", argv[0], std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, in->path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    return make_error(fmt::format("cannot run {}: {}", argv[0], std::strerror(rc)));
  }
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return make_error(fmt::format("cannot wait for {}: {}", argv[0], std::strerror(errno)));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return make_error(fmt::format("{} failed to sign (exit {})", argv[0],
                                  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)));
  return text;
}

std::string expand_home(const std::string& path) {
  if (!path.starts_with("~/")) return path;
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + path.substr(1) : path;
}

// A public key given literally, as git's user.signingkey may give one:
// "key::..." or a bare key line (its private key is in the agent).
bool is_literal_ssh_key(std::string_view key) {
  return key.starts_with("key::") || key.starts_with("ssh-") || key.starts_with("ecdsa-") || key.starts_with("sk-");
}

// An SSH key as git's user.signingkey names one: a literal key, or a file
// holding an OpenSSH private or public key.
bool looks_like_ssh_key(const std::string& key) {
  auto ssh_text = [](std::string_view t) {
    return is_literal_ssh_key(t) || t.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----");
  };
  if (ssh_text(key)) return true;
  std::ifstream in(expand_home(key));
  std::string first;
  return in && std::getline(in, first) && ssh_text(first);
}

}  // namespace

Result<std::string> sign_as_git(const Repository& repo, const std::string& data, const std::optional<std::string>& key) {
  std::string format = repo.config_string("gpg.format").value_or("openpgp");
  std::optional<std::string> signing_key = key ? key : repo.config_string("user.signingkey");
  if (format == "ssh") {
    if (!signing_key || signing_key->empty())
      return make_error("no SSH signing key: set user.signingkey (as for git commit -S) or pass --key");
    std::string program = repo.config_string("gpg.ssh.program").value_or("ssh-keygen");
    // A literal public key (git's "key::" form, or a bare key line): the
    // private key is in the agent.
    std::optional<TempFile> literal;
    std::vector<std::string> argv{program, "-Y", "sign", "-n", "git", "-f"};
    std::string k = *signing_key;
    if (is_literal_ssh_key(k)) {
      if (k.starts_with("key::")) k = k.substr(5);
      auto f = temp_file(k + "\n");
      if (!f) return f.error();
      literal.emplace(std::move(*f));
      argv.push_back(literal->path);
      argv.push_back("-U");
    } else {
      argv.push_back(expand_home(k));
    }
    return run_program(argv, data);
  }
  if (format == "openpgp") {
    if (signing_key && looks_like_ssh_key(*signing_key))
      return make_error(fmt::format(
          "the signing key '{}' is an SSH key, but gpg.format is openpgp (git's default): set gpg.format to ssh "
          "(git config gpg.format ssh), as for git commit -S, or name an OpenPGP key",
          *signing_key));
    std::string program = repo.config_string("gpg.openpgp.program").value_or(repo.config_string("gpg.program").value_or("gpg"));
    std::vector<std::string> argv{program, "--status-fd=2", "-bsa"};
    if (signing_key && !signing_key->empty()) {
      argv.push_back("-u");
      argv.push_back(*signing_key);
    }
    return run_program(argv, data);
  }
  if (format == "x509") {
    // As git signs in its x509 format: gpgsm (or smimesign, gitsign).
    std::string program = repo.config_string("gpg.x509.program").value_or("gpgsm");
    std::vector<std::string> argv{program, "--status-fd=2", "-bsa"};
    if (signing_key && !signing_key->empty()) {
      argv.push_back("-u");
      argv.push_back(*signing_key);
    }
    return run_program(argv, data);
  }
  return make_error(fmt::format("gpg.format '{}' cannot sign approvals (use ssh, openpgp or x509)", format));
}

}  // namespace warden::cli
