// The pre-receive hook and `install --server` on their own: bad input,
// missing objects, a corrupt policy, a hook that is killed, existing hooks
// and repositories that already have history. Everything fails closed.
#include <catch2/catch.hpp>

#include "support/server_world.hpp"

using test::ServerWorld;
using test::Transport;

namespace {

// Runs the hook as git would, in the server repository, with `input`.
test::Run hook(const ServerWorld& w, const std::string& input) {
  w.sb.write_file(w.sb.dir() + "/hook-input", input);
  return w.cli("git-warden hook pre-receive < " + test::quote(w.sb.dir() + "/hook-input"), w.srv);
}

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

const std::string kZero(40, '0');

}  // namespace

TEST_CASE("hook: garbage on stdin refuses with one line", "[server][hook][e2e]") {
  ServerWorld w(Transport::file);
  for (const std::string& input : {std::string("garbage\n"), std::string("\x01\x02\x03"), std::string(""),
                                   w.anchor + " " + w.anchor + "\n", kZero + " " + w.anchor + " refs/heads/../x\n",
                                   kZero + " " + kZero + " refs/heads/x\n", kZero + " " + w.anchor + " refs/heads/x"}) {
    auto r = hook(w, input);
    INFO("input: " << input << "\nstderr: " << r.err);
    CHECK(r.status == 1);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("warden: push refused: ") == 0);
  }
  auto r = hook(w, "garbage\n");
  CHECK(r.err == "warden: push refused: hook input line 1 is not '<old-id> <new-id> <ref>'\n");
}

TEST_CASE("hook: a missing object refuses", "[server][hook][e2e]") {
  ServerWorld w(Transport::file);
  std::string missing = "1234567890123456789012345678901234567890";
  auto r = hook(w, w.anchor + " " + missing + " refs/heads/main\n");
  CHECK(r.status == 1);
  CHECK(r.err.find("refs/heads/main: REFUSED: " + std::string("missing object ") + missing) != std::string::npos);
}

TEST_CASE("hook: a corrupt policy on the policy branch refuses every push", "[server][hook][e2e]") {
  ServerWorld w(Transport::file);
  // Someone with disk access puts a commit with a broken policy on main.
  std::string blob = w.sb.sh("printf 'version: [1\\n' | git -C " + test::quote(w.srv) + " hash-object -w --stdin");
  std::string dir = w.sb.sh("printf '100644 blob " + blob + "\\tpolicy.yml\\n' | git -C " + test::quote(w.srv) + " mktree");
  std::string root = w.sb.sh("printf '040000 tree " + dir + "\\t.warden\\n' | git -C " + test::quote(w.srv) + " mktree");
  std::string commit = w.sb.sh("git -c user.name=X -c user.email=x@example.org -C " + test::quote(w.srv) + " commit-tree " + root + " -p " + w.anchor + " -m broken");
  w.sb.sh("git -C " + test::quote(w.srv) + " update-ref refs/heads/main " + commit);
  w.work.git("checkout -q -b docs");
  w.work.write("docs/a.md", "a\n");
  w.work.commit("docs", &w.carol);
  auto r = w.push("docs");
  CHECK(r.status != 0);
  CHECK(r.err.find("remote: warden: push refused: cannot read the ref rules from policy branch refs/heads/main: " +
                   commit.substr(0, 10) + ":.warden/policy.yml:") != std::string::npos);
  CHECK(w.server_ref("refs/heads/docs").empty());
}

TEST_CASE("hook: a hook killed by a signal (timeout) refuses the push", "[server][hook][e2e]") {
  ServerWorld w(Transport::file);
  w.sb.sh("git -C " + test::quote(w.srv) + " config warden.hookTimeout 0ms");
  w.work.write("docs/a.md", "a\n");
  w.work.commit("docs", &w.carol);
  auto r = w.push("main");
  CHECK(r.status != 0);
  CHECK(r.err.find("warden: hook timed out") != std::string::npos);
  CHECK(r.err.find("pre-receive hook declined") != std::string::npos);
  CHECK(w.server_ref("refs/heads/main") == w.anchor);
  // A malformed timeout is a configuration error, which refuses too.
  w.sb.sh("git -C " + test::quote(w.srv) + " config warden.hookTimeout soon");
  auto bad = w.push("main");
  CHECK(bad.status != 0);
  CHECK(bad.err.find("warden.hookTimeout: 'soon' is not a duration") != std::string::npos);
}

TEST_CASE("hook: unreadable configuration refuses", "[server][hook][e2e]") {
  ServerWorld w(Transport::file);
  w.sb.sh("git -C " + test::quote(w.srv) + " config --unset warden.anchor");
  w.work.write("docs/a.md", "a\n");
  w.work.commit("docs", &w.carol);
  auto r = w.push("main");
  CHECK(r.status != 0);
  CHECK(r.err.find("remote: warden: push refused: cannot read warden's configuration: no trust anchor") !=
        std::string::npos);
}

TEST_CASE("install: existing hooks are kept only when asked", "[server][install][e2e]") {
  ServerWorld w(Transport::file, false);
  REQUIRE(w.cli("git warden trust --anchor " + w.anchor + ":" + w.alice.fingerprint, w.srv).status == 0);
  std::string hook_path = w.srv + "/hooks/pre-receive";
  w.sb.write_file(hook_path, "#!/bin/sh\ncat > " + w.sb.dir() + "/chained-input\nexit ${CHAINED_EXIT:-0}\n");
  w.sb.sh("chmod +x " + test::quote(hook_path));

  auto plain = w.cli("git warden install --server", w.srv);
  CHECK(plain.status == 1);
  CHECK(plain.err.find("exists and is not warden's: pass --chain") != std::string::npos);

  SECTION("--chain runs the old hook after warden's checks") {
    auto chained = w.cli("git warden install --server --chain", w.srv);
    INFO(chained.err);
    CHECK(chained.status == 0);
    CHECK(chained.out.find("the previous hook runs after warden's checks") != std::string::npos);
    REQUIRE(w.push("main").status == 0);
    CHECK(w.sb.read_file(w.sb.dir() + "/chained-input").find("refs/heads/main") != std::string::npos);
    // A refusal by the chained hook refuses the push, and the audit log
    // says so (warden's own verdict was to accept).
    std::string log = w.sb.dir() + "/audit.jsonl";
    REQUIRE(w.cli("git config warden.auditLog " + test::quote(log), w.srv).status == 0);
    w.work.write("docs/a.md", "a\n");
    w.work.commit("docs", &w.carol);
    auto r = w.cli("CHAINED_EXIT=3 git push " + test::quote(w.url) + " main", w.work.path());
    CHECK(r.status != 0);
    CHECK(r.err.find("the chained pre-receive hook refused (exit 3)") != std::string::npos);
    std::string logged = w.sb.read_file(log);
    CHECK(logged.find("\"verdict\":\"refused\",\"rule\":\"chained-hook\"") != std::string::npos);
    CHECK(logged.find("\"accepted\"") == std::string::npos);
    CHECK(w.server_ref("refs/heads/main") == w.anchor);
    // Installing again is a no-op.
    CHECK(w.cli("git warden install --server", w.srv).out.find("already installed") != std::string::npos);
  }
  SECTION("--force replaces it") {
    CHECK(w.cli("git warden install --server --force", w.srv).status == 0);
    CHECK(w.sb.read_file(hook_path).find("git warden install --server") != std::string::npos);
    CHECK(w.push("main").status == 0);
  }
}

TEST_CASE("install: a repository with an unauthenticated ref is refused unless --accept-existing",
          "[server][install]") {
  ServerWorld w(Transport::file, false);
  REQUIRE(w.push("main").status == 0);  // no hook yet
  w.work.git("checkout -q -b rogue");
  w.work.write("src/main.c", "unsigned\n");
  std::string rogue = w.work.commit("unsigned rogue work", nullptr);
  REQUIRE(w.push("rogue").status == 0);
  REQUIRE(w.cli("git warden trust --anchor " + w.anchor + ":" + w.alice.fingerprint, w.srv).status == 0);

  auto r = w.cli("git warden install --server", w.srv);
  CHECK(r.status == 1);
  CHECK(r.err.find("warden: does not authenticate: refs/heads/rogue: " + rogue.substr(0, 10)) != std::string::npos);
  CHECK(r.err.find("install refused: 1 ref does not authenticate") != std::string::npos);
  CHECK_FALSE(w.sb.run("test -e " + test::quote(w.srv + "/hooks/pre-receive")).status == 0);

  auto accepted = w.cli("git warden install --server --accept-existing", w.srv);
  INFO(accepted.err);
  CHECK(accepted.status == 0);
  CHECK(accepted.out.find("accepted without verification (--accept-existing): refs/heads/rogue at " + rogue) !=
        std::string::npos);
  CHECK(w.sb.sh("git -C " + test::quote(w.srv) + " rev-parse refs/warden/accepted/" + rogue) == rogue);
  // Recorded, not audited: nothing is read of the history.
  CHECK(accepted.err.find("does not authenticate") == std::string::npos);
  CHECK(accepted.out.find("every later push is checked") != std::string::npos);
  // From then on, pushes are checked.
  w.work.write("src/main.c", "more unsigned\n");
  w.work.commit("more unsigned", nullptr);
  auto later = w.push("rogue");
  CHECK(later.status != 0);
  CHECK(later.err.find("refs/heads/rogue: REFUSED: ") != std::string::npos);
  CHECK(later.err.find("\"more unsigned\": unsigned change to a protected path [rule unsigned; signer unsigned; "
                       "path src/main.c") != std::string::npos);
}

TEST_CASE("install: a repository whose refs authenticate installs directly", "[server][install][e2e]") {
  ServerWorld w(Transport::file, false);
  w.work.write("docs/a.md", "a\n");
  w.work.commit("docs", &w.carol);
  REQUIRE(w.push("main").status == 0);
  REQUIRE(w.cli("git warden trust --anchor " + w.anchor + ":" + w.alice.fingerprint, w.srv).status == 0);
  auto r = w.cli("git warden install --server", w.srv);
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("installed " + w.srv + "/hooks/pre-receive") != std::string::npos);
}

TEST_CASE("install: --hooks-dir puts the hook where a forge looks for it", "[server][install][e2e]") {
  ServerWorld w(Transport::file, false);
  REQUIRE(w.cli("git warden trust --anchor " + w.anchor + ":" + w.alice.fingerprint, w.srv).status == 0);
  auto r = w.cli("git warden install --server --hooks-dir hooks/pre-receive.d", w.srv);
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(w.sb.read_file(w.srv + "/hooks/pre-receive.d/pre-receive").find("hook pre-receive") != std::string::npos);
}

TEST_CASE("hook: warden's own refs cannot be pushed, whatever the rules say", "[server][hook][e2e]") {
  ServerWorld w(Transport::file);
  auto r = hook(w, kZero + " " + w.anchor + " refs/warden/accepted/" + w.anchor + "\n");
  CHECK(r.status == 1);
  CHECK(r.err.find("refs/warden/accepted/" + w.anchor +
                   ": REFUSED: refs/warden/ holds warden's own trust state and cannot be pushed") != std::string::npos);
  // Even with a rule that exempts every ref from verification.
  w.work.write(".warden/policy.yml", test::standard_policy(w.alice, w.bob, w.carol,
                                                           "refs:\n  - pattern: \"refs/*\"\n    verify: false\n"));
  w.work.commit("alice exempts everything", &w.alice);
  REQUIRE(w.push("main").status == 0);
  w.work.write("src/main.c", "unsigned\n");
  std::string bad = w.work.commit("unsigned", nullptr);
  auto pushed = w.push("HEAD:refs/warden/accepted/" + bad);
  CHECK(pushed.status != 0);
  CHECK(pushed.err.find("REFUSED: refs/warden/ holds warden's own trust state and cannot be pushed") != std::string::npos);
  CHECK(w.server_ref("refs/warden/accepted/" + bad).empty());
}
