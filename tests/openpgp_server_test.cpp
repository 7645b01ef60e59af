// The pre-receive hook on OpenPGP-signed history: certificates are read
// from the pushed trees like any policy, and refusals name the key.
#include <catch2/catch.hpp>

#include "support/pgp_world.hpp"

using test::PgpWorld;

TEST_CASE("server: OpenPGP-signed pushes land, a key not in the policy is refused", "[openpgp][server]") {
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
