// What every hook needs from its surroundings (hooks/hook_runner): where
// hooks live, how long a hook may run, running the hook warden was chained
// in front of with the same arguments and input.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "hooks/hook_runner.hpp"
#include "support/history.hpp"

using test::quote;

namespace {

warden::Repository open(const test::Repo& repo) {
  auto r = warden::Repository::open(repo.path());
  REQUIRE(r.ok());
  return std::move(*r);
}

void write_script(test::Sandbox& sb, const std::string& path, const std::string& body) {
  sb.write_file(path, "#!/bin/sh\n" + body);
  REQUIRE(::chmod(path.c_str(), 0755) == 0);
}

}  // namespace

TEST_CASE("hooks: durations are seconds, 's' or 'ms', and anything else is refused with the setting's name",
          "[hooks]") {
  using warden::hooks::parse_duration_ms;
  CHECK(parse_duration_ms("300") == 300000);
  CHECK(parse_duration_ms("90s") == 90000);
  CHECK(parse_duration_ms("500ms") == 500);
  CHECK(parse_duration_ms("0") == 0);
  for (const char* bad : {"", "s", "ms", "-1", "1.5", "10m", "1h", " 5", "5 ", "0x10", "9999999999", "5sms"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(parse_duration_ms(bad).has_value());
  }

  test::Sandbox sb;
  test::Repo repo(sb);
  CHECK(*warden::hooks::hook_timeout_ms(open(repo)) == warden::hooks::kDefaultHookTimeoutMs);
  repo.git("config warden.hookTimeout 250ms");
  CHECK(*warden::hooks::hook_timeout_ms(open(repo)) == 250);
  repo.git("config warden.hookTimeout soon");
  auto bad = warden::hooks::hook_timeout_ms(open(repo));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "warden.hookTimeout: 'soon' is not a duration (e.g. 300, 90s, 500ms)");
}

TEST_CASE("hooks: the hooks directory is the one asked for, core.hooksPath, or GIT_DIR/hooks, as git finds it",
          "[hooks]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  std::string git_dir = repo.path() + "/.git/";
  CHECK(warden::hooks::hooks_dir(open(repo)) == git_dir + "hooks");
  CHECK(warden::hooks::hooks_dir(open(repo), "/elsewhere/hooks") == "/elsewhere/hooks");
  CHECK(warden::hooks::hooks_dir(open(repo), "custom") == git_dir + "custom");
  repo.git("config core.hooksPath /shared/hooks");
  CHECK(warden::hooks::hooks_dir(open(repo)) == "/shared/hooks");
  // Relative to where git runs hooks: the work tree (the git dir when bare).
  repo.git("config core.hooksPath githooks");
  CHECK(warden::hooks::hooks_dir(open(repo)) == repo.path() + "/githooks");
  sb.sh("git init -q --bare bare.git && git -C bare.git config core.hooksPath githooks");
  auto bare = warden::Repository::open(sb.dir() + "/bare.git");
  REQUIRE(bare.ok());
  CHECK(warden::hooks::hooks_dir(*bare) == sb.dir() + "/bare.git/githooks");
}

TEST_CASE("hooks: the chained hook runs with the same arguments and input, and its status is returned",
          "[hooks]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  std::string hooks = repo.path() + "/.git/hooks";
  // None chained: nothing runs, success.
  auto none = warden::hooks::run_chained(open(repo), "pre-receive", {}, "input\n");
  REQUIRE(none.ok());
  CHECK(*none == 0);

  write_script(sb, hooks + "/pre-receive.chained",
               "printf '%s|' \"$@\" > " + quote(sb.dir() + "/args") + "\ncat > " + quote(sb.dir() + "/input") +
                   "\nexit 7\n");
  auto ran = warden::hooks::run_chained(open(repo), "pre-receive", {"one", "two words"}, "a b refs/heads/main\n");
  REQUIRE(ran.ok());
  CHECK(*ran == 7);
  CHECK(sb.read_file(sb.dir() + "/args") == "one|two words|");
  CHECK(sb.read_file(sb.dir() + "/input") == "a b refs/heads/main\n");

  // A hook that dies by a signal is 128 + the signal, as a shell reports it.
  write_script(sb, hooks + "/post-merge.chained", "kill -9 $$\n");
  auto killed = warden::hooks::run_chained(open(repo), "post-merge", {}, "");
  REQUIRE(killed.ok());
  CHECK(*killed == 128 + 9);

  // A hook that does not read its (large) input neither blocks nor kills us.
  write_script(sb, hooks + "/reference-transaction.chained", "exit 0\n");
  auto unread = warden::hooks::run_chained(open(repo), "reference-transaction", {"prepared"},
                                           std::string(1 << 20, 'x'));
  REQUIRE(unread.ok());
  CHECK(*unread == 0);

  // One that cannot be started is an error that names it, never a pass.
  sb.write_file(hooks + "/pre-rebase.chained", "not executable\n");
  auto broken = warden::hooks::run_chained(open(repo), "pre-rebase", {}, "");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().message == "cannot run " + hooks + "/pre-rebase.chained: Permission denied");
}
