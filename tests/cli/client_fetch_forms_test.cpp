// The client in every form of fetch (issue: client gaps): no fetch leaves
// a branch, a tag or a tracking ref on unauthenticated history, none plants
// a replace ref, `git pull` (merge or rebase) and `git rebase FETCH_HEAD`
// refuse unauthenticated fetched history, and the user's own unsigned work
// on local branches keeps working.
#include <catch2/catch.hpp>

#include "support/client_world.hpp"

using test::ClientWorld;
using test::quote;

namespace {

// An unsigned commit to a protected path on the remote's branch `evil`
// (with `publish`; otherwise only in the upstream work tree).
std::string publish_evil(ClientWorld& w, bool publish = true) {
  w.upstream.git("checkout -q -b evil");
  w.upstream.write("src/main.c", "evil\n");
  std::string evil = w.upstream.commit("evil", nullptr);
  w.upstream.git("checkout -q main");
  if (publish) w.publish("evil");
  return evil;
}

}  // namespace

TEST_CASE("client: fetching into a local branch must authenticate", "[client][fetch-forms][e2e]") {
  ClientWorld w;
  std::string evil = publish_evil(w);
  std::string before = w.client_ref("refs/heads/main");
  SECTION("git fetch origin evil:release") {
    auto r = w.in_client("git fetch origin evil:release");
    CHECK(r.status != 0);
    CHECK(r.err.find("warden: refused: refs/heads/release would move to unauthenticated history") != std::string::npos);
    CHECK(w.client_ref("refs/heads/release").empty());
  }
  SECTION("git fetch URL evil:refs/heads/x") {
    auto r = w.in_client("git fetch " + quote("file://" + w.remote) + " evil:refs/heads/x");
    CHECK(r.status != 0);
    CHECK(r.err.find("refs/heads/x would move to unauthenticated history") != std::string::npos);
    CHECK(w.client_ref("refs/heads/x").empty());
  }
  SECTION("an authenticated branch is fetched") {
    auto r = w.in_client("git fetch origin main:release");
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(w.client_ref("refs/heads/release") == w.upstream.git("rev-parse main"));
  }
  CHECK(w.client_ref("refs/heads/main") == before);
  (void)evil;
}

TEST_CASE("client: fetched tags must point at authenticated commits", "[client][fetch-forms][e2e]") {
  ClientWorld w;
  std::string evil = publish_evil(w, false);
  w.upstream.git("tag good main");
  w.upstream.git("tag -a -m 'release' v1 main");
  w.publish("--tags");
  SECTION("authenticated tags, lightweight and annotated, are fetched") {
    auto r = w.in_client("git fetch --tags");
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK_FALSE(w.client_ref("refs/tags/good").empty());
    CHECK_FALSE(w.client_ref("refs/tags/v1").empty());
  }
  SECTION("a tag on an unauthenticated commit is refused") {
    w.upstream.git("tag bad " + evil);
    w.publish("--tags");
    auto r = w.in_client("git fetch --tags");
    CHECK(r.status != 0);
    CHECK(r.err.find("refs/tags/bad would move to unauthenticated history") != std::string::npos);
    CHECK(w.client_ref("refs/tags/bad").empty());
  }
  SECTION("a forced fetch moving a tag onto an unauthenticated commit is refused") {
    REQUIRE(w.in_client("git fetch -q --tags").status == 0);
    w.upstream.git("tag -f good " + evil);
    w.publish("--tags");
    auto r = w.in_client("git fetch --tags --force");
    CHECK(r.status != 0);
    CHECK(r.err.find("refs/tags/good would move to unauthenticated history: " + evil.substr(0, 10) +
                     " \"evil\": unsigned change to a protected path [rule unsigned") != std::string::npos);
    CHECK(w.client_ref("refs/tags/good") == w.upstream.git("rev-parse main"));
  }
}

TEST_CASE("client: a clone's tags must point at authenticated commits", "[client][fetch-forms][e2e]") {
  ClientWorld w;
  std::string evil = publish_evil(w, false);
  w.upstream.git("tag -a -m 'release' v1 main");
  w.upstream.git("tag bad " + evil);
  w.publish("--tags");
  auto r = w.cli("git warden clone " + quote("file://" + w.remote) + " second --anchor " + w.anchor_arg(), w.sb.dir());
  CHECK(r.status != 0);
  CHECK(r.err.find("refs/tags/bad would move to unauthenticated history") != std::string::npos);
  CHECK(w.sb.run("test -e second").status != 0);
  w.upstream.git("tag -d bad");
  w.upstream.git("push -q " + quote(w.remote) + " :refs/tags/bad");
  auto good = w.cli("git warden clone " + quote("file://" + w.remote) + " third --anchor " + w.anchor_arg(), w.sb.dir());
  INFO(good.err);
  CHECK(good.status == 0);
  CHECK(w.sb.run("git -C third rev-parse -q --verify refs/tags/v1").status == 0);
}

TEST_CASE("client: a fetch never plants replace refs", "[client][fetch-forms][e2e]") {
  ClientWorld w;
  std::string evil = publish_evil(w);
  std::string main = w.upstream.git("rev-parse main");
  w.upstream.git("replace " + main + " " + evil);
  w.publish("'refs/replace/*:refs/replace/*'");
  auto r = w.in_client("git fetch origin 'refs/replace/*:refs/replace/*'");
  CHECK(r.status != 0);
  CHECK(r.err.find("a fetch may not create or move replace refs") != std::string::npos);
  CHECK(w.client_ref("refs/replace/" + main).empty());
}

TEST_CASE("client: git pull of unauthenticated history is refused, merge or rebase", "[client][fetch-forms][e2e]") {
  ClientWorld w;
  std::string evil = publish_evil(w);
  std::string before = w.client_ref("HEAD");
  std::string url = quote("file://" + w.remote);
  SECTION("merge") {
    auto r = w.in_client("git pull --no-rebase --no-edit " + url + " evil");
    CHECK(r.status != 0);
    CHECK(r.err.find("git pull would bring in " + evil.substr(0, 10) + ", which is not authenticated") !=
          std::string::npos);
  }
  SECTION("rebase") {
    w.git("commit -q --allow-empty -m 'local work'");
    before = w.client_ref("HEAD");
    auto r = w.in_client("git pull --rebase " + url + " evil");
    CHECK(r.status != 0);
    CHECK(r.err.find("the rebase would put your branch on fetched history " + evil.substr(0, 10)) != std::string::npos);
  }
  SECTION("git rebase FETCH_HEAD") {
    w.git("commit -q --allow-empty -m 'local work'");
    before = w.client_ref("HEAD");
    REQUIRE(w.in_client("git fetch -q " + url + " evil").status == 0);
    auto r = w.in_client("git rebase FETCH_HEAD");
    CHECK(r.status != 0);
    CHECK(r.err.find("the rebase would put your branch on fetched history") != std::string::npos);
    w.in_client("git rebase --abort");
  }
  CHECK(w.client_ref("HEAD") == before);
  CHECK(w.client_ref("refs/heads/main") == before);
}

TEST_CASE("client: local unsigned work, local tags and local rebases keep working", "[client][fetch-forms][e2e]") {
  ClientWorld w;
  w.sb.write_file(w.client + "/src/local.c", "mine\n");
  w.git("add -A");
  w.git("commit -q -m 'my unsigned work'");
  w.git("tag local-tag");
  w.git("branch topic");
  w.git("commit -q --allow-empty -m 'more'");
  w.git("checkout -q topic");
  w.git("commit -q --allow-empty -m 'topic work'");
  w.git("rebase -q main");
  w.git("checkout -q main");
  w.git("merge -q --no-edit topic");
  CHECK_FALSE(w.client_ref("refs/tags/local-tag").empty());
  // And an authenticated pull with --rebase on top of local work.
  w.upstream.write("docs/c.md", "c\n");
  w.upstream.commit("more docs", &w.carol);
  w.publish("main");
  auto r = w.in_client("git pull --rebase -q");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.err.find("WARNING") == std::string::npos);
}
