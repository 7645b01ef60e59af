// verify-lock with the real nix (Debian's nix-bin, flakes enabled by flag,
// a store of the test's own, nothing fetched from the network): a flake
// whose input is a local warden-guarded repository, locked and updated by
// `nix flake lock` / `nix flake update`.
#include <catch2/catch.hpp>

#include "support/world.hpp"

using namespace test;

namespace {

struct FlakeWorld {
  World w;
  std::string flake, nix;

  FlakeWorld() : flake(w.sb.dir() + "/flake") {
    // The input's clone knows its anchor, as `git warden trust` records it.
    REQUIRE(cli("git warden trust --anchor " + w.anchor + ":" + w.alice.fingerprint, w.repo.path()).status == 0);
    nix = "HOME=" + quote(w.sb.dir() + "/home") + " nix --extra-experimental-features nix-command "
          "--extra-experimental-features flakes --store " + quote(w.sb.dir() + "/nix-store") + " ";
    w.sb.sh("mkdir -p " + quote(flake));
    w.sb.write_file(flake + "/flake.nix", "{\n  inputs.dep.url = \"git+file://" + w.repo.path() +
                                              "\";\n  inputs.dep.flake = false;\n  outputs = { self, dep }: { };\n}\n");
    w.sb.sh("git init -q " + quote(flake) + " && git -C " + quote(flake) + " add flake.nix");
  }
  Run cli(const std::string& cmd, const std::string& cwd) const {
    return w.sb.run("PATH=" + quote(WARDEN_BIN_DIR) + ":$PATH " + cmd, cwd);
  }
  void run_nix(const std::string& args) const {
    Run r = w.sb.run(nix + args + " 2>&1", flake);
    INFO(r.out);
    REQUIRE(r.status == 0);
  }
  void commit_lock() const {
    w.sb.sh("git -C " + quote(flake) + " add -A && git -C " + quote(flake) +
            " -c user.name=Nix -c user.email=nix@example.org commit -q -m lock");
  }
  Run verify_lock() const { return cli("git warden verify-lock", flake); }
};

bool have_nix() { return std::system("command -v nix >/dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("verify-lock: nix flake lock/update to authenticated commits pass, an unauthenticated or older rev is refused",
          "[nix][cli][e2e]") {
  if (!have_nix()) {
    WARN("nix is not installed (Debian: nix-bin; scripts/test installs it): skipped");
    return;
  }
  FlakeWorld f;
  f.w.repo.write("src/main.c", "int main(void) { return 1; }\n");
  std::string first = f.w.repo.commit("first", &f.w.alice);
  f.run_nix("flake lock");
  CHECK(f.w.sb.read_file(f.flake + "/flake.lock").find(first) != std::string::npos);
  auto locked = f.verify_lock();
  INFO(locked.out + locked.err);
  CHECK(locked.status == 0);
  CHECK_THAT(locked.out, Catch::Contains("warden: input dep (git+file://" + f.w.repo.path() + "): rev " +
                                         first.substr(0, 10) + " authenticated in " + f.w.repo.path()));
  CHECK_THAT(locked.out, Catch::Contains("(no previous lock)"));
  f.commit_lock();

  f.w.repo.write("src/main.c", "int main(void) { return 2; }\n");
  std::string second = f.w.repo.commit("second", &f.w.alice);
  f.run_nix("flake update");
  auto updated = f.verify_lock();
  INFO(updated.out + updated.err);
  CHECK(updated.status == 0);
  CHECK_THAT(updated.out, Catch::Contains("rev " + second.substr(0, 10) + " authenticated"));
  CHECK_THAT(updated.out, Catch::Contains("after " + first.substr(0, 10)));
  f.commit_lock();

  SECTION("an unauthenticated commit") {
    f.w.repo.write("src/main.c", "unsigned\n");
    std::string bad = f.w.repo.commit("unsigned", nullptr);
    f.run_nix("flake update");
    auto r = f.verify_lock();
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("warden: refused: locked rev " + bad.substr(0, 10) +
                                      " of input dep is NOT authenticated in " + f.w.repo.path()));
  }
  SECTION("a merge that brings an unauthenticated lock: the post-merge hook warns") {
    f.w.sb.sh("git -C " + quote(f.flake) + " checkout -q -b update");
    f.w.repo.write("src/main.c", "unsigned\n");
    std::string bad = f.w.repo.commit("unsigned", nullptr);
    f.run_nix("flake update");
    f.commit_lock();
    f.w.sb.sh("git -C " + quote(f.flake) + " checkout -q - && git -C " + quote(f.flake) + " merge -q update");
    auto r = f.cli("git warden hook post-merge 0", f.flake);
    CHECK_THAT(r.err, Catch::Contains("flake.lock changed: checking its locked git inputs"));
    CHECK_THAT(r.err, Catch::Contains("locked rev " + bad.substr(0, 10) + " of input dep is NOT authenticated"));
    CHECK_THAT(r.err, Catch::Contains("warden: WARNING: to undo it: git reset --hard ORIG_HEAD"));
  }
  SECTION("a checkout of a branch whose lock has an unauthenticated input: the post-checkout hook warns") {
    f.w.sb.sh("git -C " + quote(f.flake) + " checkout -q -b update");
    f.w.repo.write("src/main.c", "unsigned\n");
    f.w.repo.commit("unsigned", nullptr);
    f.run_nix("flake update");
    f.commit_lock();
    std::string update = f.w.sb.sh("git -C " + quote(f.flake) + " rev-parse HEAD");
    f.w.sb.sh("git -C " + quote(f.flake) + " checkout -q -");
    std::string main_tip = f.w.sb.sh("git -C " + quote(f.flake) + " rev-parse HEAD");
    f.w.sb.sh("git -C " + quote(f.flake) + " checkout -q update");
    auto r = f.cli("git warden hook post-checkout " + main_tip + " " + update + " 1", f.flake);
    CHECK_THAT(r.err, Catch::Contains("of input dep is NOT authenticated"));
    CHECK_THAT(r.err, Catch::Contains("the flake.lock you checked out locks a git input that is not authenticated"));
    // A checkout of files (flag 0) checks nothing.
    CHECK(f.cli("git warden hook post-checkout " + main_tip + " " + update + " 0", f.flake).err.empty());
  }
  SECTION("back to an older commit") {
    f.run_nix("flake lock --override-input dep 'git+file://" + f.w.repo.path() + "?rev=" + first + "'");
    auto r = f.verify_lock();
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("input dep goes back: locked rev " + first.substr(0, 10) +
                                      " does not descend from " + second.substr(0, 10)));
    // --against a lock that had the older one: the same file passes.
    f.w.sb.sh("git -C " + quote(f.flake) + " show HEAD~1:flake.lock > " + quote(f.w.sb.dir() + "/old.lock"));
    CHECK(f.cli("git warden verify-lock --against " + quote(f.w.sb.dir() + "/old.lock"), f.flake).status == 0);
  }
  SECTION("an input with no known clone") {
    f.w.sb.write_file(f.flake + "/flake.lock",
                      R"({"nodes": {"root": {"inputs": {"x": "x"}}, "x": {"locked": {"type": "github", "owner": "o",
                      "repo": "r", "rev": ")" + first + R"("}}}, "root": "root", "version": 7})");
    auto r = f.verify_lock();
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("no known clone for input x (github:o/r): set git config warden.flake.x"));
  }
}

TEST_CASE("verify-lock: malformed lock files are a usage error with one line", "[nix][cli]") {
  World w;
  for (const std::string& text : {std::string("not json"), std::string("{}"), std::string(R"({"nodes": {}, "version": 99})"),
                                  std::string(R"({"nodes": {"root": {"inputs": {"a": "a"}}, "a": {"locked": {"type": "git", "url": "file:///x", "rev": "short"}}}, "version": 7})"),
                                  std::string(R"({"nodes": {"root": {"inputs": {"a": "gone"}}}, "version": 7})")}) {
    w.sb.write_file(w.repo.path() + "/flake.lock", text);
    auto r = w.sb.run("PATH=" + quote(WARDEN_BIN_DIR) + ":$PATH git warden verify-lock", w.repo.path());
    INFO(text << "\n" << r.err);
    CHECK(r.status == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

namespace {

// A lock whose root has `inputs` (JSON) and `nodes` (JSON members).
std::string lock_of(const std::string& inputs, const std::string& nodes) {
  return R"({"nodes": {"root": {"inputs": )" + inputs + "}, " + nodes + R"(}, "root": "root", "version": 7})";
}
std::string git_node(const std::string& name, const std::string& url, const std::string& rev) {
  return "\"" + name + R"(": {"locked": {"type": "git", "url": ")" + url + R"(", "rev": ")" + rev + "\"}}";
}

}  // namespace

// The lock's writer is the attacker here: the previous lock (--against)
// had the input at `second`; each new lock tries to leave the check.
TEST_CASE("verify-lock: a lock cannot rename, retype, relocate or rehost an input out of the check", "[nix][cli]") {
  World w;
  auto cli = [&](const std::string& cmd, const std::string& cwd) {
    return w.sb.run("PATH=" + quote(WARDEN_BIN_DIR) + ":$PATH " + cmd, cwd);
  };
  REQUIRE(cli("git warden trust --anchor " + w.anchor + ":" + w.alice.fingerprint, w.repo.path()).status == 0);
  w.repo.write("src/main.c", "one\n");
  std::string first = w.repo.commit("first", &w.alice);
  w.repo.write("src/main.c", "two\n");
  std::string second = w.repo.commit("second", &w.alice);
  std::string flake = w.sb.dir() + "/flake", url = "file://" + w.repo.path();
  w.sb.sh("git init -q " + quote(flake));
  w.sb.write_file(w.sb.dir() + "/old.lock", lock_of(R"({"dep": "dep"})", git_node("dep", url, second)));
  auto verify = [&](const std::string& lock) {
    w.sb.write_file(flake + "/flake.lock", lock);
    return cli("git warden verify-lock --against " + quote(w.sb.dir() + "/old.lock"), flake);
  };
  CHECK(verify(lock_of(R"({"dep": "dep"})", git_node("dep", url, second))).status == 0);

  SECTION("the node renamed, the older rev under the new name: still input dep, which goes back") {
    auto r = verify(lock_of(R"({"dep": "dep_2"})", git_node("dep_2", url, first)));
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("input dep goes back: locked rev " + first.substr(0, 10)));
  }
  SECTION("an input that was git, now a path") {
    auto r = verify(lock_of(R"({"dep": "dep"})", R"("dep": {"locked": {"type": "path", "path": "/tmp/x"}})"));
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("input dep was locked as git+" + url + " and is now path, which warden cannot check"));
  }
  SECTION("a clone is named by what the flake calls the input; where git config cannot name it, warden says so") {
    auto r = verify(lock_of(R"({"dep": "dep", "x": "x_2"})",
                            git_node("dep", url, second) + R"(, "x_2": {"inputs": {"inner": "inner_3"}, "locked": {"type": "github", "owner": "o", "repo": "r", "rev": ")" + second +
                                R"("}}, "inner_3": {"locked": {"type": "github", "owner": "o", "repo": "i", "rev": ")" + second + "\"}}"));
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("no known clone for input x (github:o/r): set git config warden.flake.x to a local clone"));
    CHECK_THAT(r.err, Catch::Contains("no known clone for input x/inner (github:o/i): no git config key can name its clone: "
                                      "neither x/inner nor inner_3 is a name git config accepts"));
  }
  SECTION("a new path input is reported, not checked") {
    auto r = verify(lock_of(R"({"dep": "dep", "p": "p"})",
                            git_node("dep", url, second) + R"(, "p": {"locked": {"type": "path", "path": "/x"}})"));
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("warden: input p (path): not a git input, not checked"));
  }
  SECTION("a github input fetched from another host") {
    w.sb.sh("git -C " + quote(flake) + " config warden.flake.dep " + quote(w.repo.path()));
    auto r = verify(lock_of(R"({"dep": "dep"})", R"("dep": {"locked": {"type": "github", "owner": "o", "repo": "r", "host": "evil.invalid", "rev": ")" + second + "\"}}"));
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("input dep (github:o/r) cannot be checked: it is fetched from host evil.invalid, not github.com"));
    // On github.com itself, the configured clone answers.
    CHECK(verify(lock_of(R"({"dep": "dep"})", R"("dep": {"locked": {"type": "github", "owner": "o", "repo": "r", "rev": ")" + second + "\"}}")).status == 0);
  }
  SECTION("a repository committed beside the lock, with an anchor of the writer's choosing") {
    w.sb.sh("git clone -q --bare " + quote(w.repo.path()) + " " + quote(flake + "/vendor/evil.git"));
    REQUIRE(cli("git warden trust --anchor " + w.anchor + ":" + w.alice.fingerprint, flake + "/vendor/evil.git").status == 0);
    auto r = verify(lock_of(R"({"dep": "dep"})", git_node("dep", "file://" + flake + "/vendor/evil.git", second)));
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("inside the flake's own work tree, whose anchor the lock's writer chose"));
  }
  SECTION("the input moved to another clone") {
    w.sb.sh("git clone -q --bare " + quote(w.repo.path()) + " " + quote(w.sb.dir() + "/other.git"));
    auto r = verify(lock_of(R"({"dep": "dep"})", git_node("dep", "file://" + w.sb.dir() + "/other.git", second)));
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("input dep moved from git+" + url + " to git+file://" + w.sb.dir() + "/other.git"));
  }
  SECTION("git pull --rebase that brings an older lock: post-rewrite compares with the branch before the rebase") {
    std::string up = w.sb.dir() + "/up", me = w.sb.dir() + "/me";
    const std::string who = "-c user.name=U -c user.email=u@example.org ";
    w.sb.sh("git init -q " + quote(up));
    w.sb.write_file(up + "/flake.lock", lock_of(R"({"dep": "dep"})", git_node("dep", url, second)));
    w.sb.sh("git " + who + "-C " + quote(up) + " add -A && git " + who + "-C " + quote(up) + " commit -q -m lock");
    w.sb.sh("git clone -q " + quote(up) + " " + quote(me));
    w.sb.write_file(up + "/flake.lock", lock_of(R"({"dep": "dep"})", git_node("dep", url, first)));
    w.sb.sh("git " + who + "-C " + quote(up) + " commit -q -a -m older");
    w.sb.write_file(me + "/notes.txt", "local\n");
    w.sb.sh("git " + who + "-C " + quote(me) + " add -A && git " + who + "-C " + quote(me) + " commit -q -m local");
    // A checkout mid-rebase (the rebase's own, of upstream) leaves the lock
    // to post-rewrite; the same checkout outside a rebase checks it.
    w.sb.sh("git -C " + quote(me) + " fetch -q");
    std::string older = w.sb.sh("git -C " + quote(me) + " rev-parse origin/HEAD");
    std::string checkout = "git warden hook post-checkout " + older + " " + w.sb.sh("git -C " + quote(me) + " rev-parse HEAD") + " 1";
    CHECK_THAT(cli(checkout, me).err, Catch::Contains("flake.lock changed: checking its locked git inputs"));
    w.sb.sh("mkdir " + quote(me + "/.git/rebase-merge"));
    CHECK(cli(checkout, me).err.empty());
    w.sb.sh("rmdir " + quote(me + "/.git/rebase-merge"));
    w.sb.sh("git " + who + "-C " + quote(me) + " pull -q --rebase 2>&1");
    auto r = cli("git warden hook post-rewrite rebase </dev/null", me);
    CHECK_THAT(r.err, Catch::Contains("input dep goes back: locked rev " + first.substr(0, 10)));
    CHECK_THAT(r.err, Catch::Contains("to undo it: git reset --hard ORIG_HEAD"));
  }
  SECTION("a nested input is checked under its path, and one that follows another is not counted twice") {
    auto r = verify(lock_of(R"({"dep": "dep", "tool": "tool"})",
                            R"("dep": {"inputs": {"inner": "inner"}, "locked": {"type": "git", "url": ")" + url +
                                R"(", "rev": ")" + second + R"("}}, )" + git_node("inner", url, first) +
                                R"(, "tool": {"inputs": {"dep": ["dep"]}, "locked": {"type": "path", "path": "/t"}})"));
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("warden: input dep/inner (git+" + url + "): rev " + first.substr(0, 10)));
    CHECK_THAT(r.out, Catch::Contains("2 locked git inputs authenticated"));
  }
}
