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

// Where the subcommand is in a git command line: 0 for "git-fetch ...",
// the first argument after git's own options for "git ... fetch ...".
std::optional<size_t> subcommand_at(const std::vector<std::string>& argv) {
  if (argv.empty()) return std::nullopt;
  std::string base = argv[0].substr(argv[0].rfind('/') == std::string::npos ? 0 : argv[0].rfind('/') + 1);
  if (base.starts_with("git-") && base != "git-warden") return 0;
  if (base != "git") return std::nullopt;
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
    return i;
  }
  return std::nullopt;
}

}  // namespace

std::string git_subcommand(const std::vector<std::string>& argv) {
  auto at = subcommand_at(argv);
  if (!at) return "";
  if (*at == 0) return argv[0].substr(argv[0].rfind('/') == std::string::npos ? 4 : argv[0].rfind('/') + 5);
  return argv[*at];
}

std::optional<std::vector<std::vector<std::string>>> git_ancestors() {
  std::vector<std::vector<std::string>> out;
  long pid = ::getppid();
  for (int depth = 0; depth < 32 && pid > 1; ++depth) {
    auto cmdline = read_proc(pid, "cmdline");
    if (!cmdline) return std::nullopt;
    auto argv = split_nul(*cmdline);
    if (!git_subcommand(argv).empty()) out.push_back(std::move(argv));
    auto parent = parent_of(pid);
    if (!parent) return std::nullopt;
    pid = *parent;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> git_command_chain() { return git_command_chain(git_ancestors()); }

std::optional<std::vector<std::string>> git_command_chain(
    const std::optional<std::vector<std::vector<std::string>>>& ancestors) {
  if (!ancestors) return std::nullopt;
  std::vector<std::string> chain;
  for (const auto& argv : *ancestors) chain.push_back(git_subcommand(argv));
  return chain;
}

FetchSource fetch_source(const std::vector<std::string>& argv) {
  if (git_subcommand(argv) != "fetch") return {};
  // git fetch's options that take their value as the next argument
  // (builtin/fetch.c); any other option is a flag or carries its value
  // after '='. An abbreviated or unknown option misread as the repository
  // names no remote, which is treated as unknown (fail closed).
  static const std::set<std::string> with_value = {
      "--upload-pack", "-j",        "--jobs",           "--depth",  "--shallow-since",           "--shallow-exclude",
      "--deepen",      "--refmap",  "-o",               "--server-option", "--negotiation-tip", "--filter",
      "--submodule-prefix", "--recurse-submodules-default"};
  bool all = false;
  bool options_done = false;
  for (size_t i = *subcommand_at(argv) + 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (!options_done && (a == "--" || a == "--end-of-options")) {
      options_done = true;
      continue;
    }
    if (!options_done && a.starts_with("-") && a.size() > 1) {
      if (a == "--all") all = true;
      if (a == "--multiple") return {};
      if (with_value.count(a)) ++i;
      continue;
    }
    if (all) return {};
    return {FetchSource::Kind::named, a};
  }
  return {all ? FetchSource::Kind::all_remotes : FetchSource::Kind::default_remote, ""};
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
