// The pre-receive hook on OpenPGP-signed history: certificates are read
// from the pushed trees like any policy, and refusals name the key.
#include <catch2/catch.hpp>

#include "support/pgp_world.hpp"
#include "warden/policy_loader.hpp"

using test::PgpWorld;

TEST_CASE("server: OpenPGP-signed pushes land, a key not in the policy is refused", "[openpgp][server][e2e]") {
  PgpWorld w;
  const auto& bob = w.gpg.key("bob");
  const auto& mallory = w.gpg.key("mallory");
  w.start({{"bob", {"openpgp:" + bob.fingerprint}}}, {&bob});
  std::string srv = w.sb.dir() + "/srv.git";
  auto cli = [&](const std::string& cmd, const std::string& cwd) {
    return w.sb.run("PATH=" + test::quote(WARDEN_BIN_DIR) + ":$PATH " + cmd, cwd);
  };
  w.sb.sh("git init -q --bare -b main " + test::quote(srv));
  auto trust = cli("git warden trust --anchor '" + w.anchor + ":" + warden::format_openpgp_fingerprint(w.alice.fingerprint) + "'", srv);
  INFO(trust.err);
  REQUIRE(trust.status == 0);
  REQUIRE(cli("git warden install --server", srv).status == 0);

  w.change("src/bob.c", "bob", bob);
  auto good = cli("git push -q " + test::quote(srv) + " main", w.repo.path());
  INFO(good.err);
  CHECK(good.status == 0);

  std::string bad = w.change("src/mallory.c", "mallory", mallory);
  auto refused = cli("git push " + test::quote(srv) + " main", w.repo.path());
  CHECK(refused.status != 0);
  CHECK_THAT(refused.err, Catch::Contains("key not in policy (OpenPGP " + mallory.fingerprint + ")"));
  CHECK_THAT(refused.err, Catch::Contains(bad.substr(0, 10)));
  CHECK(w.sb.sh("git -C " + test::quote(srv) + " rev-parse main") != bad);
}

TEST_CASE("server: an OpenPGP-signed annotated tag names its signer for signed-by rules", "[openpgp][server][tags][e2e]") {
  PgpWorld w;
  const auto& mallory = w.gpg.key("mallory");
  w.start();
  auto tag = [&](const std::string& name, const test::PgpKey& key) {
    w.sb.sh(w.gpg.env() + "git -c gpg.format=openpgp tag -s -u " + key.signing + " -m " + name + " " + name,
            w.repo.path());
    auto repo = warden::Repository::open(w.repo.path());
    REQUIRE(repo);
    auto id = repo->ref_target("refs/tags/" + name);
    REQUIRE(id);
    REQUIRE(id->has_value());
    auto data = repo->read_tag(**id);
    REQUIRE(data);
    warden::Verifier verifier(*repo);
    auto policy = verifier.policy_at(*repo->resolve_commit("HEAD"));
    REQUIRE(policy);
    return verifier.tag_signer(*data, "refs/tags/" + data->name, **policy);
  };
  auto good = tag("v1.0", w.alice);
  INFO((good ? "" : good.error().message));
  REQUIRE(good);
  CHECK(*good == "alice");
  auto bad = tag("v1.1", mallory);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "the tag is signed by a key not in the policy (OpenPGP " + mallory.fingerprint + ")");
}
