#include "git/config_files.hpp"

#include <git2.h>
#include <git2/sys/repository.h>

#include <cctype>
#include <cstdlib>
#include <string_view>

#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden::git {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// git's git_env_bool: unset is `fallback`; true, yes, on or a non-zero
// number is true; false, no, off, 0 or empty is false.
bool env_bool(const char* name, bool fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr) return fallback;
  std::string s;
  for (const char* p = v; *p != '\0'; ++p) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(*p))));
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s.empty() || s == "false" || s == "no" || s == "off") return false;
  char* end = nullptr;
  long n = std::strtol(s.c_str(), &end, 10);
  return end != s.c_str() && *end == '\0' ? n != 0 : true;
}

}  // namespace

std::vector<ConfigFile> git_config_files(const std::string& git_dir) {
  std::vector<ConfigFile> out;
  if (!env_bool("GIT_CONFIG_NOSYSTEM", false)) {
    std::string system = env("GIT_CONFIG_SYSTEM");
    out.push_back({system.empty() ? "/etc/gitconfig" : system, GIT_CONFIG_LEVEL_SYSTEM});
  }
  std::string global = env("GIT_CONFIG_GLOBAL");
  if (!global.empty()) {
    out.push_back({global, GIT_CONFIG_LEVEL_GLOBAL});
  } else {
    std::string home = env("HOME"), xdg = env("XDG_CONFIG_HOME");
    if (!xdg.empty()) out.push_back({xdg + "/git/config", GIT_CONFIG_LEVEL_XDG});
    else if (!home.empty()) out.push_back({home + "/.config/git/config", GIT_CONFIG_LEVEL_XDG});
    if (!home.empty()) out.push_back({home + "/.gitconfig", GIT_CONFIG_LEVEL_GLOBAL});
  }
  out.push_back({git_dir + "config", GIT_CONFIG_LEVEL_LOCAL});
  return out;
}

Status use_git_config_files(git_repository* repo) {
  git_config* raw = nullptr;
  if (git_config_new(&raw) != 0) return make_error(git_error_text("cannot make a git config"));
  ConfigHandle config(raw);
  for (const auto& f : git_config_files(git_repository_path(repo)))
    if (git_config_add_file_ondisk(raw, f.path.c_str(), f.level, repo, 0) != 0)
      return make_error(git_error_text("cannot read git config " + f.path));
  git_repository_set_config(repo, raw);
  return Status::success();
}

}  // namespace warden::git
