#include "hooks/hook_runner.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace warden::hooks {

std::string hooks_dir(const Repository& repo, const std::string& requested) {
  if (!requested.empty()) return requested.front() == '/' ? requested : repo.git_dir() + requested;
  if (auto p = repo.config_string("core.hooksPath"); p && !p->empty()) {
    if (p->front() == '/') return *p;
    // Relative hooksPath is relative to where hooks run: the work tree, or
    // the git dir of a bare repository.
    return repo.workdir().value_or(repo.git_dir()) + *p;
  }
  return repo.git_dir() + "hooks";
}

Result<Repository> open_hook_repository() {
  const char* git_dir = std::getenv("GIT_DIR");
  return Repository::open(git_dir && *git_dir ? git_dir : ".");
}

Result<std::string> read_stdin(size_t limit) {
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(fmt::format("cannot read the hook's input: {}", std::strerror(errno)));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > limit) return make_error(fmt::format("hook input is larger than {} bytes", limit));
  }
  return out;
}

namespace {

extern "C" void on_deadline(int) {
  static const char msg[] = "warden: hook timed out (warden.hookTimeout); the push is refused\n";
  ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)ignored;
  ::kill(::getpid(), SIGKILL);
}

}  // namespace

void set_deadline(long millis) {
  struct sigaction sa {};
  sa.sa_handler = on_deadline;
  sigaction(SIGALRM, &sa, nullptr);
  itimerval t{};
  t.it_value.tv_sec = millis / 1000;
  t.it_value.tv_usec = (millis % 1000) * 1000;
  if (millis <= 0) t.it_value.tv_usec = 1;
  setitimer(ITIMER_REAL, &t, nullptr);
}

std::optional<long> parse_duration_ms(const std::string& text) {
  std::string digits = text;
  long scale = 1000;
  if (digits.ends_with("ms")) {
    digits.resize(digits.size() - 2);
    scale = 1;
  } else if (digits.ends_with("s")) {
    digits.pop_back();
  }
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stol(digits) * scale;
}

Result<int> run_with_input(const std::string& path, const std::vector<std::string>& args, const std::string& input) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return make_error(fmt::format("cannot run {}: {}", path, std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
  std::vector<std::string> owned{path};
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[0]);
  if (rc != 0) {
    ::close(fds[1]);
    return make_error(fmt::format("cannot run {}: {}", path, std::strerror(rc)));
  }
  // A hook that does not read its input must not kill us with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  size_t off = 0;
  while (off < input.size()) {
    ssize_t n = ::write(fds[1], input.data() + off, input.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  ::close(fds[1]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return make_error(fmt::format("cannot wait for {}: {}", path, std::strerror(errno)));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Result<int> run_chained(const Repository& repo, const std::string& name, const std::vector<std::string>& args,
                        const std::string& input) {
  std::string chained = hooks_dir(repo) + "/" + name + ".chained";
  if (::access(chained.c_str(), F_OK) != 0) return 0;
  return run_with_input(chained, args, input);
}

Result<long> hook_timeout_ms(const Repository& repo) {
  auto text = repo.config_string("warden.hookTimeout");
  if (!text) return kDefaultHookTimeoutMs;
  auto ms = parse_duration_ms(*text);
  if (!ms) return make_error(fmt::format("warden.hookTimeout: '{}' is not a duration (e.g. 300, 90s, 500ms)", *text));
  return *ms;
}

}  // namespace warden::hooks
