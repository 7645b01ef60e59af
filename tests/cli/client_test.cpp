// The client side, with real `git fetch` and `git pull` against a local
// remote that an attacker writes to directly (no server hook): pins against
// rollback and rewrite, verification at fetch time, pin reset, the cache,
// clone, status and the post-merge warning.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/client_world.hpp"

using test::ClientWorld;

TEST_CASE("client: clone verifies and pins", "[client][e2e]") {
  ClientWorld w;
  std::string tip = w.upstream.git("rev-parse HEAD");
  CHECK(w.pin("main") == tip);
  CHECK(w.client_ref("refs/remotes/origin/main") == tip);
  CHECK(w.git("config warden.anchor") == w.anchor_arg());
  CHECK(w.sb.read_file(w.client + "/docs/a.md") == "a\n");  // checked out
}

TEST_CASE("client: a good update is fetched and pinned", "[client][e2e]") {
  ClientWorld w;
  w.upstream.write("src/a.c", "a\n");
  std::string tip = w.upstream.commit("bob codes", &w.bob);
  w.publish("main");
  auto r = w.in_client("git fetch");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.err.find("warden: origin/main: 1 new commit authenticated") != std::string::npos);
  CHECK(w.client_ref("refs/remotes/origin/main") == tip);
  CHECK(w.pin("main") == tip);
}

TEST_CASE("client: an unsigned commit on the remote makes the fetch fail", "[client][e2e]") {
  ClientWorld w;
  std::string before = w.pin("main");
  w.upstream.write("src/main.c", "backdoor\n");
  std::string bad = w.upstream.commit("unsigned backdoor", nullptr);
  w.publish("main");
  auto r = w.in_client("git fetch");
  CHECK(r.status != 0);
  CHECK(r.err.find("warden: refused: origin/main would move to unauthenticated history: " + bad.substr(0, 10) +
                   " \"unsigned backdoor\": unsigned change to a protected path") != std::string::npos);
  CHECK(w.client_ref("refs/remotes/origin/main") == before);
  CHECK(w.pin("main") == before);
}

TEST_CASE("client: a force-push rewinding main is refused as a rollback", "[client][e2e]") {
  ClientWorld w;
  std::string pinned = w.pin("main");
  w.publish(w.anchor + ":refs/heads/main");
  auto r = w.in_client("git fetch");
  CHECK(r.status != 0);
  CHECK(r.err.find("rollback or rewrite of origin/main: pinned " + pinned.substr(0, 10) + ", offered " +
                   w.anchor.substr(0, 10)) != std::string::npos);
  CHECK(w.client_ref("refs/remotes/origin/main") == pinned);
  CHECK(w.pin("main") == pinned);
}

TEST_CASE("client: a rewrite with other authenticated history is refused until pin reset", "[client][e2e]") {
  ClientWorld w;
  std::string pinned = w.pin("main");
  w.upstream.git("checkout -q -b rewrite " + w.anchor);
  w.upstream.write("docs/b.md", "b\n");
  std::string rewritten = w.upstream.commit("carol's other history", &w.carol);
  w.publish("rewrite:refs/heads/main");
  auto r = w.in_client("git fetch");
  CHECK(r.status != 0);
  CHECK(r.err.find("rollback or rewrite of origin/main") != std::string::npos);
  CHECK(w.pin("main") == pinned);

  auto reset = w.in_client("git warden pin reset origin/main --to " + rewritten);
  INFO(reset.err);
  CHECK(reset.status == 0);
  CHECK(reset.out.find("pin of origin/main moved from " + pinned.substr(0, 10) + " to " + rewritten.substr(0, 10)) !=
        std::string::npos);
  CHECK(reset.out.find("dropped 1 commit\n    - " + pinned.substr(0, 10) + " carol documents") != std::string::npos);
  CHECK(reset.out.find("added 1 commit\n    + " + rewritten.substr(0, 10) + " carol's other history") !=
        std::string::npos);
  CHECK(w.in_client("git fetch").status == 0);
  CHECK(w.client_ref("refs/remotes/origin/main") == rewritten);

  SECTION("pin reset refuses a commit that does not authenticate") {
    w.upstream.write("src/main.c", "x\n");
    std::string bad = w.upstream.commit("unsigned", nullptr);
    w.publish("rewrite:refs/heads/main");
    w.in_client("git fetch");
    auto refused = w.in_client("git warden pin reset origin/main --to " + bad);
    CHECK(refused.status == 1);
    CHECK(refused.err.find("refused: " + bad.substr(0, 10) + " does not authenticate") != std::string::npos);
    CHECK(w.pin("main") == rewritten);
  }
}

TEST_CASE("client: git pull of a bad update leaves the branch and work tree untouched", "[client][e2e]") {
  ClientWorld w;
  std::string head = w.git("rev-parse HEAD");
  w.upstream.write("src/main.c", "backdoor\n");
  w.upstream.commit("unsigned backdoor", nullptr);
  w.publish("main");
  auto r = w.in_client("git pull --no-rebase");
  CHECK(r.status != 0);
  CHECK(r.err.find("origin/main would move to unauthenticated history: ") != std::string::npos);
  CHECK(r.err.find("\"unsigned backdoor\": unsigned change to a protected path [rule unsigned; signer unsigned; "
                   "path src/main.c") != std::string::npos);
  CHECK(w.git("rev-parse HEAD") == head);
  CHECK(w.sb.read_file(w.client + "/src/main.c") == "int main(void) { return 0; }\n");
  CHECK(w.git("status --porcelain").empty());
}

TEST_CASE("client: a new branch on the remote is verified from the anchor", "[client][e2e]") {
  ClientWorld w;
  w.upstream.git("checkout -q -b feature " + w.anchor);
  w.upstream.write("docs/f.md", "f\n");
  std::string good = w.upstream.commit("feature docs", &w.carol);
  w.publish("feature");
  CHECK(w.in_client("git fetch").status == 0);
  CHECK(w.pin("feature") == good);
  w.upstream.git("checkout -q -b evil " + w.anchor);
  w.upstream.write("src/main.c", "evil\n");
  w.upstream.commit("mallory's branch", &w.mallory);
  w.publish("evil");
  auto r = w.in_client("git fetch");
  CHECK(r.status != 0);
  CHECK(r.err.find("origin/evil would move to unauthenticated history") != std::string::npos);
  CHECK(w.client_ref("refs/remotes/origin/evil").empty());
  CHECK(w.pin("evil").empty());
}

TEST_CASE("client: fetch --prune of a deleted branch keeps its pin", "[client][e2e]") {
  ClientWorld w;
  w.upstream.git("checkout -q -b feature");
  w.upstream.write("docs/f.md", "f\n");
  std::string tip = w.upstream.commit("feature docs", &w.carol);
  w.publish("feature");
  REQUIRE(w.in_client("git fetch").status == 0);
  w.publish(":refs/heads/feature");
  auto r = w.in_client("git fetch --prune");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(w.client_ref("refs/remotes/origin/feature").empty());
  CHECK(w.pin("feature") == tip);
  auto status = w.in_client("git warden status");
  CHECK(status.out.find("origin/feature") != std::string::npos);
  CHECK(status.out.find("tracking ref gone (pruned); the pin stays") != std::string::npos);
}

TEST_CASE("client: local commits, branches and checkouts pass through the hook", "[client][e2e]") {
  ClientWorld w;
  std::string pinned = w.pin("main");
  w.sb.write_file(w.client + "/local.txt", "mine\n");
  w.git("add local.txt");
  w.git("commit -q -m 'local unsigned work'");
  w.git("checkout -q -b topic");
  w.git("checkout -q main");
  w.git("branch -q -D topic");
  w.git("tag local-tag");
  CHECK(w.pin("main") == pinned);
  auto status = w.in_client("git warden status");
  CHECK(status.status == 0);
  CHECK(status.out.find("anchor: " + w.anchor + " signed by " + w.alice.fingerprint) != std::string::npos);
  CHECK(status.out.find("origin/main") != std::string::npos);
  CHECK(status.out.find("tracking ref matches") != std::string::npos);
}

TEST_CASE("client: the cache makes a second verification do no signature work", "[client][cache][e2e]") {
  ClientWorld w;
  for (int i = 0; i < 5; ++i) {
    w.upstream.write("src/f" + std::to_string(i), std::to_string(i));
    w.upstream.commit("commit " + std::to_string(i), &w.alice);
  }
  w.publish("main");
  REQUIRE(w.in_client("git fetch").status == 0);
  auto summary = [&](const std::string& flags) {
    auto r = w.in_client("git warden verify --json " + flags + " origin/main");
    INFO(r.err);
    REQUIRE(r.status == 0);
    std::istringstream in(r.out);
    std::string line, last;
    while (std::getline(in, line)) last = line;
    return std::make_pair(nlohmann::json::parse(last), r.err);
  };
  auto full = summary("--no-cache");
  CHECK(full.first["signatures_verified"] == 7);  // anchor + 6 commits
  auto cached = summary("");
  CHECK(cached.first["signatures_verified"] == 0);
  CHECK(cached.first["checked"] == 0);

  std::string cache_dir = w.client + "/.git/warden/verified";
  std::string file = w.sb.sh("ls " + test::quote(cache_dir) + " | head -1");
  REQUIRE_FALSE(file.empty());
  std::string path = cache_dir + "/" + file;
  // From here on the cache is the only known-good state (no pin vouches).
  w.git("update-ref -d refs/warden/pins/remotes/origin/main");
  SECTION("a corrupted cache file is ignored, then rebuilt") {
    std::string text = w.sb.read_file(path);
    text[text.size() / 2] ^= 0x01;
    w.sb.write_file(path, text);
    auto r = summary("");
    CHECK(r.second.find("verified-commit cache ignored: damaged") != std::string::npos);
    CHECK(r.first["signatures_verified"] == 7);
    CHECK(summary("").first["signatures_verified"] == 0);
  }
  SECTION("a cache file writable by others is ignored") {
    w.sb.sh("chmod 666 " + test::quote(path));
    auto r = summary("");
    CHECK(r.second.find("is writable by others") != std::string::npos);
    CHECK(r.first["signatures_verified"] == 7);
  }
  SECTION("garbage in the cache is ignored") {
    w.sb.write_file(path, "warden verified-commits v1\nnonsense\n");
    auto r = summary("");
    CHECK(r.second.find("verified-commit cache ignored") != std::string::npos);
    CHECK(r.first["authenticated"] == true);
  }
}

TEST_CASE("client: a process killed or failing while moving pins leaves each pin old or new", "[client][pins][e2e]") {
  ClientWorld w;
  // 1000 remote branches, all pinned at the anchor, then all moved at once.
  std::string old_tip = w.anchor, new_tip = w.pin("main");
  std::string input, reset;
  for (int i = 0; i < 1000; ++i) {
    std::string ref = "refs/remotes/origin/b" + std::to_string(i);
    input += old_tip + " " + new_tip + " " + ref + "\n";
    reset += "update refs/warden/pins/remotes/origin/b" + std::to_string(i) + " " + old_tip + "\n";
  }
  w.sb.write_file(w.sb.dir() + "/pins-input", input);
  w.sb.write_file(w.sb.dir() + "/pins-reset", reset);
  w.git("update-ref --stdin < " + test::quote(w.sb.dir() + "/pins-reset"));
  const std::string pin_dir = ".git/refs/warden/pins/remotes/origin/";
  // How many pins moved; every pin must be old or new, never anything else.
  auto moved_pins = [&] {
    std::string pins = w.git("for-each-ref --format='%(refname) %(objectname)' refs/warden/pins/remotes/origin/");
    std::istringstream in(pins);
    std::string ref, value;
    int seen = 0, moved = 0;
    while (in >> ref >> value) {
      if (ref.find("/origin/b") == std::string::npos) continue;
      ++seen;
      INFO(ref << " = " << value);
      CHECK((value == old_tip || value == new_tip));
      moved += value == new_tip;
    }
    CHECK(seen == 1000);
    return moved;
  };
  SECTION("killed at some point (wherever the kill lands, no pin is torn)") {
    std::string kill_it = fmt::format(
        "git-warden hook reference-transaction committed < {} & pid=$!; sleep 0.05; kill -9 $pid 2>/dev/null; wait; true",
        test::quote(w.sb.dir() + "/pins-input"));
    CHECK(w.in_client("sh -c " + test::quote(kill_it)).status == 0);
    // A killed process may leave a lock file behind, as git does.
    w.sb.run("rm -f " + pin_dir + "*.lock", w.client);
    moved_pins();
  }
  SECTION("one pin cannot be written mid-way (its lock is held): it stays old, the others move, none is torn") {
    w.sb.write_file(w.client + "/" + pin_dir + "b500.lock", "");
    auto r = w.in_client("git-warden hook reference-transaction committed < " + test::quote(w.sb.dir() + "/pins-input"));
    INFO(r.err);
    CHECK_THAT(r.err, Catch::Contains("b500"));
    int moved = moved_pins();
    CHECK(moved == 999);
    CHECK(w.git("rev-parse refs/warden/pins/remotes/origin/b500") == old_tip);
  }
}

TEST_CASE("client: clone of a bad remote leaves no directory behind", "[client][e2e]") {
  ClientWorld w;
  w.upstream.write("src/main.c", "backdoor\n");
  w.upstream.commit("unsigned backdoor", nullptr);
  w.publish("main");
  auto r = w.cli("git warden clone " + test::quote("file://" + w.remote) + " second --anchor " + w.anchor_arg(), w.sb.dir());
  CHECK(r.status == 1);
  CHECK(r.err.find("clone of file://" + w.remote + " refused; nothing was kept") != std::string::npos);
  CHECK(w.sb.run("ls -A " + test::quote(w.sb.dir()) + " | grep -E '^(second|\\.second)'").status != 0);
  auto wrong_key = w.cli("git warden clone " + test::quote("file://" + w.remote) + " third --anchor " + w.anchor + ":" +
                             w.bob.fingerprint,
                         w.sb.dir());
  CHECK(wrong_key.status == 1);
  CHECK(wrong_key.err.find("\"anchor\" is not signed by the anchor key " + w.bob.fingerprint + " (signed by " +
                           w.alice.fingerprint + ")") != std::string::npos);
  CHECK(w.sb.run("ls -A " + test::quote(w.sb.dir()) + " | grep -E '^(third|\\.third)'").status != 0);
}

TEST_CASE("client: post-merge warns loudly when a merge brought in unauthenticated fetched history", "[client][e2e]") {
  ClientWorld w;
  // Fetching straight from a URL updates no remote-tracking ref; `git pull`
  // is refused (client_fetch_forms_test.cpp), a merge of FETCH_HEAD by hand
  // is the user's own act, and post-merge warns of it.
  w.upstream.git("checkout -q -b evil");
  w.upstream.write("src/main.c", "evil\n");
  std::string evil = w.upstream.commit("evil", nullptr);
  REQUIRE(w.in_client("git fetch -q " + test::quote(w.upstream.path()) + " evil").status == 0);
  auto r = w.in_client("git merge --no-edit FETCH_HEAD");
  INFO(r.err);
  CHECK(r.err.find("warden: WARNING: the merge brought in " + evil.substr(0, 10) + ", which is NOT authenticated") !=
        std::string::npos);
  CHECK(r.err.find("git reset --hard ORIG_HEAD") != std::string::npos);

  SECTION("an authenticated pull is quiet") {
    w.git("reset -q --hard ORIG_HEAD");
    w.upstream.git("checkout -q main");
    w.upstream.write("docs/c.md", "c\n");
    w.upstream.commit("more docs", &w.carol);
    w.publish("main");
    auto ok = w.in_client("git pull --no-rebase --no-edit");
    INFO(ok.err);
    CHECK(ok.status == 0);
    CHECK(ok.err.find("WARNING") == std::string::npos);
  }
}

TEST_CASE("client: install --client on an existing clone pins its refs, and refuses bad ones", "[client][e2e]") {
  ClientWorld w;
  std::string plain = w.sb.dir() + "/plain";
  w.sb.sh("git clone -q " + test::quote("file://" + w.remote) + " " + test::quote(plain));
  REQUIRE(w.cli("git warden trust --anchor " + w.anchor_arg(), plain).status == 0);
  auto ok = w.cli("git warden install --client", plain);
  INFO(ok.err);
  CHECK(ok.status == 0);
  CHECK(ok.out.find("pinned origin/main at") != std::string::npos);
  CHECK(ok.out.find("hooks/reference-transaction") != std::string::npos);

  std::string other = w.sb.dir() + "/other";
  w.upstream.write("src/main.c", "x\n");
  w.upstream.commit("unsigned", nullptr);
  w.publish("main");
  w.sb.sh("git clone -q " + test::quote("file://" + w.remote) + " " + test::quote(other));
  REQUIRE(w.cli("git warden trust --anchor " + w.anchor_arg(), other).status == 0);
  auto bad = w.cli("git warden install --client", other);
  CHECK(bad.status == 1);
  CHECK(bad.err.find("does not authenticate: origin/main") != std::string::npos);
  CHECK(w.sb.run("test -e " + test::quote(other + "/.git/hooks/reference-transaction")).status != 0);
}

TEST_CASE("client: verify --at answers with its exit status only", "[client][e2e]") {
  ClientWorld w;
  std::string good = w.git("rev-parse origin/main");
  auto ok = w.in_client("git warden verify --at " + good);
  CHECK(ok.status == 0);
  CHECK(ok.out.empty());
  CHECK(ok.err.empty());
  w.git("commit -q --allow-empty -m 'local unsigned'");
  w.sb.write_file(w.client + "/src/main.c", "local\n");
  w.git("commit -q -a -m 'local unsigned code'");
  auto bad = w.in_client("git warden verify --at HEAD");
  CHECK(bad.status == 1);
  CHECK(bad.out.empty());
  CHECK(bad.err.empty());
}

TEST_CASE("client: --chain keeps an existing reference-transaction hook running", "[client][e2e]") {
  ClientWorld w;
  std::string hook = w.client + "/.git/hooks/reference-transaction";
  std::string log = w.sb.dir() + "/chained.log";
  auto plain = w.in_client("git warden install --client");
  CHECK(plain.out.find("is already installed") != std::string::npos);  // clone installed it
  w.sb.sh("rm " + test::quote(hook));
  w.sb.write_file(hook, "#!/bin/sh\necho \"state $1\" >> " + log + "\ncat >> " + log + "\n");
  w.sb.sh("chmod +x " + test::quote(hook));
  auto refused = w.in_client("git warden install --client");
  CHECK(refused.status == 1);
  CHECK(refused.err.find("exists and is not warden's") != std::string::npos);
  auto chained = w.in_client("git warden install --client --chain");
  INFO(chained.err);
  REQUIRE(chained.status == 0);

  w.git("commit -q --allow-empty -m local");  // passed over by the shim
  std::string after_commit = w.sb.read_file(log);
  CHECK(after_commit.find("state prepared") != std::string::npos);
  CHECK(after_commit.find("state committed") != std::string::npos);
  CHECK(after_commit.find(" refs/heads/main") != std::string::npos);

  w.upstream.write("docs/b.md", "b\n");
  std::string tip = w.upstream.commit("docs", &w.carol);
  w.publish("main");
  REQUIRE(w.in_client("git fetch").status == 0);  // checked by warden, then the chained hook
  CHECK(w.sb.read_file(log).find(" " + tip + " refs/remotes/origin/main") != std::string::npos);
  CHECK(w.pin("main") == tip);
}
