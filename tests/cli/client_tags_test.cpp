// The server's tag rules hold on a client too (DESIGN section 5): a mirror
// or a thief writing straight to the remote cannot serve a maintainer's
// signed v1.0 as v2.0, a lightweight tag or one signed by someone else
// under a `signed-by` rule, nor move an immutable tag with a forced fetch.
#include <catch2/catch.hpp>

#include "support/client_world.hpp"

using test::ClientWorld;
using test::quote;

namespace {

constexpr const char* kTagRules = R"(refs:
  - pattern: "refs/tags/v*"
    immutable: true
    signed-by: [maintainers]
)";

}  // namespace

TEST_CASE("client: fetched tags keep the remote's tag rules", "[client][tags][e2e]") {
  ClientWorld w(kTagRules);
  auto sign_tag = [&](const test::Key& who, const std::string& name, const std::string& at) {
    w.upstream.git("-c user.signingkey=" + quote(who.private_path) + " tag -s " + name + " -m " + name + " " + at);
    return w.upstream.git("rev-parse refs/tags/" + name);
  };
  std::string main = w.upstream.git("rev-parse main");
  std::string v1 = sign_tag(w.bob, "v1.0", main);
  w.publish("refs/tags/v1.0");
  auto first = w.in_client("git fetch --tags");
  INFO(first.err);
  REQUIRE(first.status == 0);
  REQUIRE(w.client_ref("refs/tags/v1.0") == v1);

  SECTION("a maintainer's signed v1.0 served as v2.0 (attack: an old release under a new name)") {
    w.upstream.git("push -q " + quote(w.remote) + " " + v1 + ":refs/tags/v2.0");
    auto r = w.in_client("git fetch --tags");
    CHECK(r.status != 0);
    CHECK_THAT(r.err, Catch::Contains("warden: refused: refs/tags/v2.0: the tag object " + v1.substr(0, 10) +
                                      " is named 'v1.0' (refs/tags/v1.0), not refs/tags/v2.0: a signed tag counts "
                                      "only under its own name; it must be signed by maintainers (rule 'refs/tags/v*')"));
    CHECK(w.client_ref("refs/tags/v2.0").empty());
  }
  SECTION("the same, fetched by URL into a tag of the attacker's naming") {
    w.upstream.git("push -q " + quote(w.remote) + " " + v1 + ":refs/tags/v2.0");
    auto r = w.in_client("git fetch " + quote("file://" + w.remote) + " refs/tags/v2.0:refs/tags/v2.0");
    CHECK(r.status != 0);
    CHECK_THAT(r.err, Catch::Contains("refs/tags/v2.0: the tag object " + v1.substr(0, 10) + " is named 'v1.0'"));
    CHECK(w.client_ref("refs/tags/v2.0").empty());
  }
  SECTION("a lightweight tag under signed-by") {
    w.upstream.git("tag v3.0 main");
    w.publish("refs/tags/v3.0");
    auto r = w.in_client("git fetch --tags");
    CHECK(r.status != 0);
    CHECK_THAT(r.err, Catch::Contains("refs/tags/v3.0: needs an annotated tag signed by maintainers; this is a "
                                      "lightweight tag (rule 'refs/tags/v*')"));
    CHECK(w.client_ref("refs/tags/v3.0").empty());
  }
  SECTION("a tag signed by someone outside signed-by") {
    sign_tag(w.carol, "v4.0", main);
    w.publish("refs/tags/v4.0");
    auto r = w.in_client("git fetch --tags");
    CHECK(r.status != 0);
    CHECK_THAT(r.err, Catch::Contains("refs/tags/v4.0: the tag is signed by carol, not by maintainers (rule "
                                      "'refs/tags/v*')"));
    CHECK(w.client_ref("refs/tags/v4.0").empty());
  }
  SECTION("a forced fetch moving an immutable tag, even to another maintainer-signed tag") {
    w.upstream.git("tag -d v1.0");
    std::string again = sign_tag(w.alice, "v1.0", main);
    w.publish("refs/tags/v1.0");
    auto r = w.in_client("git fetch --tags --force");
    CHECK(r.status != 0);
    CHECK_THAT(r.err, Catch::Contains("refs/tags/v1.0: refs/tags/v1.0 is immutable and cannot be moved (rule "
                                      "'refs/tags/v*')"));
    CHECK(w.client_ref("refs/tags/v1.0") == v1);
    (void)again;
  }
  SECTION("tags no rule covers and a maintainer's own new tag are fetched") {
    w.upstream.git("tag nightly main");
    std::string v5 = sign_tag(w.alice, "v5.0", main);
    w.publish("--tags");
    auto r = w.in_client("git fetch --tags");
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(w.client_ref("refs/tags/v5.0") == v5);
    CHECK_FALSE(w.client_ref("refs/tags/nightly").empty());
  }
}

TEST_CASE("client: a clone refuses a tag served under another name", "[client][tags][e2e]") {
  ClientWorld w(kTagRules);
  std::string main = w.upstream.git("rev-parse main");
  w.upstream.git("-c user.signingkey=" + quote(w.bob.private_path) + " tag -s v1.0 -m v1.0 main");
  std::string v1 = w.upstream.git("rev-parse refs/tags/v1.0");
  w.upstream.git("push -q " + quote(w.remote) + " " + v1 + ":refs/tags/v2.0");
  auto r = w.cli("git warden clone " + quote("file://" + w.remote) + " second --anchor " + w.anchor_arg(), w.sb.dir());
  CHECK(r.status != 0);
  CHECK_THAT(r.err, Catch::Contains("refs/tags/v2.0: the tag object " + v1.substr(0, 10) + " is named 'v1.0'"));
  CHECK(w.sb.run("test -e second").status != 0);
  (void)main;
}

TEST_CASE("client: a tag on a commit from before the tag rules is judged by the remote's rules", "[client][tags][e2e]") {
  // The attacker picks an old, authenticated commit whose policy had no
  // tag rule yet, and tags it lightweight.
  ClientWorld w;
  std::string old = w.anchor;
  w.upstream.write(".warden/policy.yml", test::standard_policy(w.alice, w.bob, w.carol, kTagRules));
  w.upstream.commit("tags need a maintainer's signature", &w.alice);
  w.publish("main");
  auto update = w.in_client("git fetch");
  INFO(update.err);
  REQUIRE(update.status == 0);
  w.upstream.git("push -q " + quote(w.remote) + " " + old + ":refs/tags/v9.9");
  SECTION("fetched from the remote") {
    auto r = w.in_client("git fetch --tags");
    CHECK(r.status != 0);
    CHECK_THAT(r.err, Catch::Contains("refs/tags/v9.9: needs an annotated tag signed by maintainers"));
  }
  SECTION("fetched by URL") {
    auto r = w.in_client("git fetch " + quote("file://" + w.remote) + " refs/tags/v9.9:refs/tags/v9.9");
    CHECK(r.status != 0);
    CHECK_THAT(r.err, Catch::Contains("refs/tags/v9.9: needs an annotated tag signed by maintainers"));
  }
  CHECK(w.client_ref("refs/tags/v9.9").empty());
}
