// git's config files, as git chooses them: for each way CI systems and
// users point git at its files (GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM,
// GIT_CONFIG_NOSYSTEM, XDG_CONFIG_HOME, include.path, includeIf, git -c),
// warden's value of a key must be `git config --get`'s, and its list of a
// multi-valued key `git config --get-all`'s. A differential test against
// the real git.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <optional>

#include "support/history.hpp"

using test::quote;

namespace {

// Sets (or unsets, for nullopt) environment variables until destroyed.
class Environment {
 public:
  explicit Environment(const std::map<std::string, std::optional<std::string>>& vars) {
    for (const auto& [name, value] : vars) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      if (value) ::setenv(name.c_str(), value->c_str(), 1);
      else ::unsetenv(name.c_str());
    }
  }
  ~Environment() {
    for (const auto& [name, value] : saved_) {
      if (value) ::setenv(name.c_str(), value->c_str(), 1);
      else ::unsetenv(name.c_str());
    }
  }
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

// The shell prefix that gives git exactly `vars` (and nothing of the
// sandbox's own GIT_CONFIG_NOSYSTEM).
std::string shell_env(const std::map<std::string, std::optional<std::string>>& vars) {
  std::string out = "env -u GIT_CONFIG_NOSYSTEM -u GIT_CONFIG_GLOBAL -u GIT_CONFIG_SYSTEM -u XDG_CONFIG_HOME ";
  for (const auto& [name, value] : vars)
    if (value) out += name + "=" + quote(*value) + " ";
  return out;
}

}  // namespace

TEST_CASE("git config: the files git reads are the files warden reads", "[config][differential]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  const std::string d = sb.dir();
  // Each file sets test.who to its own name and adds itself to test.all.
  auto file = [&](const std::string& path, const std::string& name, const std::string& extra = "") {
    sb.write_file(path, "[test]\n\twho = " + name + "\n\tall = " + name + "\n" + extra);
  };
  file(d + "/system", "system");
  file(d + "/home/.gitconfig", "home");
  file(d + "/home/.config/git/config", "home-xdg");
  file(d + "/xdg/git/config", "xdg");
  file(d + "/ci-global", "ci-global", "[include]\n\tpath = " + d + "/included\n");
  file(d + "/included", "included");
  file(d + "/conditional", "conditional");
  file(d + "/with-includeif", "with-includeif",
       "[includeIf \"gitdir:" + repo.path() + "/\"]\n\tpath = " + d + "/conditional\n"
       "[includeIf \"gitdir:/nowhere/\"]\n\tpath = " + d + "/included\n");
  repo.git("config test.local local");  // a key only the repository's file has

  using Vars = std::map<std::string, std::optional<std::string>>;
  const std::string home = d + "/home";
  struct Case {
    const char* what;
    Vars vars;
  };
  const std::vector<Case> cases = {
      {"HOME only", {{"HOME", home}}},
      {"XDG_CONFIG_HOME", {{"HOME", home}, {"XDG_CONFIG_HOME", d + "/xdg"}}},
      {"GIT_CONFIG_GLOBAL, with an include", {{"HOME", home}, {"GIT_CONFIG_GLOBAL", d + "/ci-global"}}},
      {"GIT_CONFIG_GLOBAL=/dev/null", {{"HOME", home}, {"GIT_CONFIG_GLOBAL", "/dev/null"}}},
      {"GIT_CONFIG_SYSTEM", {{"HOME", home}, {"GIT_CONFIG_SYSTEM", d + "/system"}}},
      {"GIT_CONFIG_SYSTEM and GIT_CONFIG_NOSYSTEM=1",
       {{"HOME", home}, {"GIT_CONFIG_SYSTEM", d + "/system"}, {"GIT_CONFIG_NOSYSTEM", "1"}}},
      {"GIT_CONFIG_NOSYSTEM=false", {{"HOME", home}, {"GIT_CONFIG_SYSTEM", d + "/system"}, {"GIT_CONFIG_NOSYSTEM", "false"}}},
      {"system and global files both", {{"HOME", home}, {"GIT_CONFIG_SYSTEM", d + "/system"}, {"GIT_CONFIG_GLOBAL", d + "/ci-global"}}},
      {"includeIf gitdir", {{"HOME", home}, {"GIT_CONFIG_GLOBAL", d + "/with-includeif"}}},
      {"git -c on top",
       {{"HOME", home}, {"GIT_CONFIG_GLOBAL", d + "/ci-global"}, {"GIT_CONFIG_COUNT", "1"}, {"GIT_CONFIG_KEY_0", "test.who"},
        {"GIT_CONFIG_VALUE_0", "command-line"}}},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    Vars all = c.vars;
    for (const char* name : {"GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM", "XDG_CONFIG_HOME",
                             "GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0", "GIT_CONFIG_PARAMETERS"})
      all.emplace(name, std::nullopt);
    std::string git_env = shell_env(all);
    auto git_who = sb.run(git_env + "git config --get test.who", repo.path());
    auto git_all = sb.run(git_env + "git config --get-all test.all", repo.path());
    auto git_local = sb.run(git_env + "git config --get test.local", repo.path());

    Environment env(all);
    auto r = warden::Repository::open(repo.path());
    REQUIRE(r.ok());
    std::string ours_all;
    for (const auto& v : r->config_strings("test.all")) ours_all += v + "\n";
    INFO("git: " << git_who.out << git_all.out);
    std::optional<std::string> expected_who;
    if (git_who.status == 0) expected_who = git_who.out.substr(0, git_who.out.size() - 1);
    CHECK(r->config_string("test.who") == expected_who);
    CHECK(ours_all == git_all.out);
    CHECK(r->config_string("test.local").value_or("") + "\n" == git_local.out);
  }
}
