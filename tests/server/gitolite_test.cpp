// warden behind gitolite over SSH, end to end: a real sshd on 127.0.0.1
// runs gitolite-shell for each user's key, and gitolite's repo-specific
// hooks run warden as the repository's pre-receive. Skipped, with a
// warning, where gitolite3 or openssh-server is not installed.
#include <catch2/catch.hpp>

#include "support/gitolite.hpp"
#include "support/history.hpp"
#include "support/people.hpp"

TEST_CASE("gitolite over ssh: warden refuses an unauthenticated push, names the pusher, and lets a good one land",
          "[server][gitolite][e2e]") {
  if (auto why = test::Gitolite::unavailable(); !why.empty()) {
    WARN("gitolite over ssh not tested: " << why << " (scripts/test installs gitolite3 and openssh-server)");
    return;
  }
  test::People p;
  test::Gitolite gl(p.sb, {"alice", "mallory"}, "project");
  test::Repo work(p.sb, "work");
  work.write(".warden/policy.yml", test::standard_policy(p.alice, p.bob, p.carol));
  work.write("src/main.c", "int main(void) { return 0; }\n");
  std::string anchor = work.commit("anchor", &p.alice);
  auto trust = p.sb.run("PATH=" + test::quote(WARDEN_BIN_DIR) + ":$PATH git warden trust --anchor " + anchor + ":" +
                        p.alice.fingerprint, gl.repository("project"));
  INFO(trust.err);
  REQUIRE(trust.status == 0);
  auto push = [&](const std::string& user) {
    return p.sb.run(gl.ssh_as(user) + " git push " + test::quote(gl.url("project")) + " main 2>&1", work.path());
  };

  auto first = push("alice");
  INFO(first.out);
  CHECK(first.status == 0);
  CHECK_THAT(first.out, Catch::Contains("remote: warden: refs/heads/main: ok"));

  work.write("src/main.c", "unsigned\n");
  std::string bad = work.commit("unsigned change", nullptr);
  auto refused = push("mallory");
  INFO(refused.out);
  CHECK(refused.status != 0);
  CHECK_THAT(refused.out, Catch::Contains("remote: warden: refs/heads/main: REFUSED: " + bad.substr(0, 10) +
                                          " \"unsigned change\": unsigned change to a protected path"));
  CHECK_THAT(refused.out, Catch::Contains("(pushed by mallory)"));
  CHECK_THAT(refused.out, Catch::Contains("[remote rejected] main -> main (pre-receive hook declined)"));
  CHECK(p.sb.sh("git -C " + test::quote(gl.repository("project")) + " rev-parse main") == anchor);

  work.git("reset -q --hard " + anchor);
  work.write("docs/a.md", "a\n");
  std::string good = work.commit("docs by carol", &p.carol);
  auto landed = push("alice");
  INFO(landed.out);
  CHECK(landed.status == 0);
  CHECK(p.sb.sh("git -C " + test::quote(gl.repository("project")) + " rev-parse main") == good);
}
