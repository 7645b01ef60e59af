#include "hooks/git_command.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

namespace warden::hooks {
namespace {

std::optional<std::string> read_proc(long pid, const char* what) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + what, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The parent of `pid` from /proc/PID/stat ("pid (comm) state ppid ...";
// comm may hold spaces and parentheses, so read after the last ')').
std::optional<long> parent_of(long pid) {
  auto stat = read_proc(pid, "stat");
  if (!stat) return std::nullopt;
  size_t close = stat->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(stat->substr(close + 1));
  std::string state;
  long ppid = 0;
  if (!(rest >> state >> ppid)) return std::nullopt;
  return ppid;
}

std::vector<std::string> split_nul(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\0', start);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string git_subcommand(const std::vector<std::string>& argv) {
  if (argv.empty()) return "";
  std::string base = argv[0].substr(argv[0].rfind('/') == std::string::npos ? 0 : argv[0].rfind('/') + 1);
  if (base.starts_with("git-") && base != "git-warden") return base.substr(4);
  if (base != "git") return "";
  // git's own options before the subcommand (git.c handle_options).
  static const std::set<std::string> with_value = {"-c", "-C", "--git-dir", "--work-tree", "--namespace",
                                                   "--super-prefix", "--config-env", "--list-cmds"};
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (with_value.count(a)) {
      ++i;
      continue;
    }
    if (a.starts_with("-")) continue;
    return a;
  }
  return "";
}

std::optional<std::vector<std::string>> git_command_chain() {
  std::vector<std::string> chain;
  long pid = ::getppid();
  for (int depth = 0; depth < 32 && pid > 1; ++depth) {
    auto cmdline = read_proc(pid, "cmdline");
    if (!cmdline) return std::nullopt;
    std::string sub = git_subcommand(split_nul(*cmdline));
    if (!sub.empty()) chain.push_back(sub);
    auto parent = parent_of(pid);
    if (!parent) return std::nullopt;
    pid = *parent;
  }
  if (chain.empty()) return std::nullopt;
  return chain;
}

RefContext ref_context(const std::optional<std::vector<std::string>>& chain) {
  if (!chain || chain->empty()) return RefContext::fetch;
  const std::string& nearest = chain->front();
  if (nearest == "fetch" || nearest == "clone") return RefContext::fetch;
  for (const auto& c : *chain)
    if (c == "pull") return RefContext::pull;
  static const std::set<std::string> local = {
      "commit", "merge", "rebase", "reset", "branch", "checkout", "switch", "tag", "cherry-pick", "revert",
      "am", "stash", "update-ref", "gc", "pack-refs", "worktree", "notes", "replace", "symbolic-ref",
      "filter-branch", "bisect", "reflog", "maintenance", "push", "restore", "sequencer", "commit-tree",
      "fast-import", "mv", "rm", "add", "init", "warden"};
  if (local.count(nearest)) return RefContext::local;
  return RefContext::fetch;
}

}  // namespace warden::hooks
