// Real pushes to a server running warden's pre-receive hook, over
// file://, git daemon and smart HTTP (lighttpd + git http-backend), all on
// 127.0.0.1. Each test runs once per transport.
#include <catch2/catch.hpp>

#include "support/server_world.hpp"

using test::ServerWorld;
using test::Transport;

// How a push reaches the hook (local, git daemon, smart HTTP) matters for
// what the pusher sees, not for what warden decides: the scenarios that
// show the verdict reaching the pusher run over every transport, the
// decisions themselves over one.
#define FOR_EACH_TRANSPORT()                                                   \
  const Transport transport = GENERATE(Transport::file, Transport::daemon, Transport::http); \
  INFO("transport: " << test::to_string(transport))
#define ONE_TRANSPORT() const Transport transport = Transport::file

TEST_CASE("server: a good push is accepted", "[server][push][e2e]") {
  FOR_EACH_TRANSPORT();
  ServerWorld w(transport);
  w.work.write("docs/a.md", "a\n");
  w.work.commit("carol documents", &w.carol);
  w.work.write("src/a.c", "a\n");
  std::string tip = w.work.commit("bob codes", &w.bob);
  auto r = w.push("main");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.err.find("remote: warden: refs/heads/main: ok: 2 new commits authenticated") != std::string::npos);
  CHECK(w.server_ref("refs/heads/main") == tip);
}

TEST_CASE("server: an unsigned commit is refused and named", "[server][push][e2e]") {
  FOR_EACH_TRANSPORT();
  ServerWorld w(transport);
  w.work.write("src/main.c", "backdoor\n");
  std::string bad = w.work.commit("sneaky unsigned change", nullptr);
  auto r = w.push("main");
  CHECK(r.status != 0);
  CHECK(r.err.find("remote: warden: refs/heads/main: REFUSED: " + bad.substr(0, 10) +
                   " \"sneaky unsigned change\": unsigned change to a protected path [rule unsigned; signer unsigned; "
                   "path src/main.c") != std::string::npos);
  CHECK(r.err.find("pre-receive hook declined") != std::string::npos);
  CHECK(w.server_ref("refs/heads/main") == w.anchor);
}

TEST_CASE("server: an out-of-grant change is refused", "[server][push][e2e]") {
  ONE_TRANSPORT();
  ServerWorld w(transport);
  w.work.write("src/main.c", "carol's code\n");
  std::string bad = w.work.commit("carol outside docs", &w.carol);
  auto r = w.push("main");
  CHECK(r.status != 0);
  CHECK(r.err.find(bad.substr(0, 10) + " \"carol outside docs\": carol has no grant covering src/main.c [rule grant; "
                                       "signer carol; path src/main.c") != std::string::npos);
  CHECK(w.server_ref("refs/heads/main") == w.anchor);
}

TEST_CASE("server: rewinding or deleting the policy branch is refused", "[server][push][e2e]") {
  ONE_TRANSPORT();
  ServerWorld w(transport);
  w.work.write("src/a.c", "a\n");
  std::string tip = w.work.commit("alice", &w.alice);
  REQUIRE(w.push("main").status == 0);
  SECTION("force-push rewinding main") {
    auto r = w.push("--force " + w.anchor + ":refs/heads/main");
    CHECK(r.status != 0);
    CHECK(r.err.find("remote: warden: refs/heads/main: REFUSED: non-fast-forward update refused") != std::string::npos);
    CHECK(w.server_ref("refs/heads/main") == tip);
  }
  SECTION("force-push replacing main with other signed history") {
    w.work.git("checkout -q -b other " + w.anchor);
    w.work.write("src/b.c", "b\n");
    w.work.commit("alice elsewhere", &w.alice);
    auto r = w.push("--force other:refs/heads/main");
    CHECK(r.status != 0);
    CHECK(r.err.find("non-fast-forward update refused") != std::string::npos);
    CHECK(w.server_ref("refs/heads/main") == tip);
  }
  SECTION("deleting main") {
    auto r = w.push(":refs/heads/main");
    CHECK(r.status != 0);
    CHECK(r.err.find("remote: warden: refs/heads/main: REFUSED: deleting the policy branch is refused") !=
          std::string::npos);
    CHECK(w.server_ref("refs/heads/main") == tip);
  }
}

TEST_CASE("server: a push of two refs where one is bad leaves both unchanged", "[server][push][e2e]") {
  FOR_EACH_TRANSPORT();
  ServerWorld w(transport);
  w.work.git("checkout -q -b feature");
  w.work.write("docs/f.md", "good\n");
  std::string good = w.work.commit("good feature work", &w.carol);
  w.work.git("checkout -q main");
  w.work.write("src/main.c", "bad\n");
  w.work.commit("bad unsigned work", nullptr);
  auto r = w.push("feature main");
  CHECK(r.status != 0);
  CHECK(r.err.find("remote: warden: refs/heads/feature: ok") != std::string::npos);
  CHECK(r.err.find("remote: warden: refs/heads/main: REFUSED") != std::string::npos);
  CHECK(r.err.find("1 of 2 ref updates refused; nothing was updated") != std::string::npos);
  CHECK(w.server_ref("refs/heads/main") == w.anchor);
  CHECK(w.server_ref("refs/heads/feature").empty());
  // The good ref alone goes through.
  CHECK(w.push("feature").status == 0);
  CHECK(w.server_ref("refs/heads/feature") == good);
}

TEST_CASE("server: release tags must be annotated, signed by signed-by people, and stay put", "[server][push][tags][e2e]") {
  ONE_TRANSPORT();
  ServerWorld w(transport);
  SECTION("signed by a maintainer: accepted") {
    w.signed_tag("v1.0", w.bob);
    auto r = w.push("refs/tags/v1.0");
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(r.err.find("tag signed by bob") != std::string::npos);
    CHECK_FALSE(w.server_ref("refs/tags/v1.0").empty());
  }
  SECTION("signed by someone not in signed-by: refused") {
    w.signed_tag("v1.0", w.carol);
    auto r = w.push("refs/tags/v1.0");
    CHECK(r.status != 0);
    CHECK(r.err.find("REFUSED: the tag is signed by carol, not by maintainers (rule 'refs/tags/v*')") != std::string::npos);
    CHECK(w.server_ref("refs/tags/v1.0").empty());
  }
  SECTION("signed by an unknown key: refused") {
    w.signed_tag("v1.0", w.mallory);
    auto r = w.push("refs/tags/v1.0");
    CHECK(r.status != 0);
    CHECK(r.err.find("the tag is signed by a key not in the policy") != std::string::npos);
  }
  SECTION("a lightweight tag on the protected pattern: refused") {
    w.work.git("tag v1.0");
    auto r = w.push("refs/tags/v1.0");
    CHECK(r.status != 0);
    CHECK(r.err.find("needs an annotated tag signed by maintainers; this is a lightweight tag") != std::string::npos);
    CHECK(w.server_ref("refs/tags/v1.0").empty());
  }
  SECTION("moving an immutable tag: refused") {
    w.signed_tag("v1.0", w.alice);
    REQUIRE(w.push("refs/tags/v1.0").status == 0);
    std::string first = w.server_ref("refs/tags/v1.0");
    w.work.write("src/b.c", "b\n");
    w.work.commit("more", &w.alice);
    w.work.git("tag -d v1.0");
    w.signed_tag("v1.0", w.alice);
    auto r = w.push("--force refs/tags/v1.0");
    CHECK(r.status != 0);
    CHECK(r.err.find("refs/tags/v1.0 is immutable and cannot be moved") != std::string::npos);
    CHECK(w.server_ref("refs/tags/v1.0") == first);
    auto del = w.push(":refs/tags/v1.0");
    CHECK(del.status != 0);
    CHECK(del.err.find("refs/tags/v1.0: REFUSED: refs/tags/v1.0 is immutable (rule 'refs/tags/v*')") != std::string::npos);
    CHECK(w.server_ref("refs/tags/v1.0") == first);
  }
  SECTION("a tag outside the protected pattern still points at authenticated history") {
    w.work.write("src/main.c", "unsigned\n");
    w.work.commit("unsigned", nullptr);
    w.work.git("tag snapshot");
    auto r = w.push("refs/tags/snapshot");
    CHECK(r.status != 0);
    CHECK(r.err.find("remote: warden: refs/tags/snapshot: REFUSED") != std::string::npos);
  }
}

TEST_CASE("server: refs under verify: false are accepted unsigned", "[server][push][e2e]") {
  ONE_TRANSPORT();
  ServerWorld w(transport);
  w.work.write("src/main.c", "experiment\n");
  std::string wip = w.work.commit("unsigned experiment", nullptr);
  auto r = w.push("HEAD:refs/heads/wip/experiment");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.err.find("refs/heads/wip/experiment: ok: not verified (rule 'refs/heads/wip/*')") != std::string::npos);
  CHECK(w.server_ref("refs/heads/wip/experiment") == wip);
  // ...and cannot be laundered into main.
  auto laundered = w.push("HEAD:refs/heads/main");
  CHECK(laundered.status != 0);
  CHECK(laundered.err.find("refs/heads/main: REFUSED: " + wip.substr(0, 10) +
                          " \"unsigned experiment\": unsigned change to a protected path [rule unsigned") != std::string::npos);
}

TEST_CASE("server: the first push to an empty repository must contain the anchor", "[server][push][e2e]") {
  ONE_TRANSPORT();
  ServerWorld w(transport, false);
  auto trust = w.cli("git warden trust --anchor " + w.anchor + ":" + w.alice.fingerprint, w.srv);
  CHECK(trust.status == 0);
  CHECK(trust.out.find("not in this repository yet") != std::string::npos);
  w.install_hook();
  SECTION("history without the anchor: refused") {
    w.work.git("checkout -q --orphan other");
    w.work.write("x", "x\n");
    w.work.commit("not the anchor", &w.alice);
    auto r = w.push("other:refs/heads/main");
    CHECK(r.status != 0);
    CHECK(r.err.find("remote: warden: push refused") != std::string::npos);
    CHECK(w.server_ref("refs/heads/main").empty());
  }
  SECTION("history with the anchor: accepted") {
    w.work.write("docs/x.md", "x\n");
    std::string tip = w.work.commit("docs", &w.carol);
    auto r = w.push("main");
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(w.server_ref("refs/heads/main") == tip);
  }
}
