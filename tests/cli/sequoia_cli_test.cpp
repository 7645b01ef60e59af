// The sequoia-git front ends: verify --sequoia (exit status, messages,
// JSON), policy import sequoia, and a server installed with --sequoia that
// judges real pushes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/sequoia_world.hpp"

using namespace test;

TEST_CASE("verify --sequoia: exit status, messages and JSON", "[sequoia][cli][e2e]") {
  SequoiaWorld w;
  std::string b = w.change("src/b.c", w.bob);
  auto ok = w.cli("git warden verify --sequoia --trust-root " + w.root);
  CHECK(ok.status == 0);
  CHECK_THAT(ok.out, Catch::Contains("authenticated from trust root " + w.root.substr(0, 10) + " (sequoia-git"));

  SECTION("the trust root from git config sequoia.trustRoot, as sq-git reads it") {
    w.repo.git("config sequoia.trustRoot " + w.root);
    CHECK(w.cli("git warden verify --sequoia").status == 0);
  }
  SECTION("no trust root is a usage error") {
    auto r = w.cli("git warden verify --sequoia");
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("no trust root"));
  }
  SECTION("a refusal names the commit, the signer and the policy") {
    const auto& mallory = w.gpg.key("mallory");
    std::string m = w.change("src/evil.c", mallory);
    auto r = w.cli("git warden verify --sequoia --trust-root " + w.root);
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("warden: refused: " + m.substr(0, 10) + " \"change src/evil.c\": commit " + m +
                                      " is signed by key " + w.fpr(mallory)));
    CHECK_THAT(r.err, Catch::Contains("[rule capability;"));
    auto j = w.cli("git warden verify --sequoia --json --keep-going --trust-root " + w.root);
    CHECK(j.status == 1);
    std::vector<nlohmann::json> lines;
    std::istringstream in(j.out);
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0]["commit"] == b);
    CHECK(lines[0]["signer"] == "Bob <bob@example.org>");
    CHECK(lines[0]["parents"][0]["ok"] == true);
    CHECK(lines[1]["commit"] == m);
    CHECK(lines[1]["rule"] == "capability");
    CHECK(lines[1]["parents"][0]["parent"] == b);
    CHECK(lines[1]["parents"][0]["ok"] == false);
    CHECK(lines[2]["type"] == "summary");
    CHECK(lines[2]["authenticated"] == false);
  }
  SECTION("--sequoia with Guix's or policy mode's options is a usage error") {
    CHECK(w.cli("git warden verify --sequoia --guix --trust-root " + w.root).status == 2);
    CHECK(w.cli("git warden verify --trust-root " + w.root).status == 2);
  }
}

TEST_CASE("policy import sequoia: a warden policy from openpgp-policy.toml that policy check accepts",
          "[sequoia][cli][e2e]") {
  SequoiaWorld w;
  auto r = w.cli("git warden policy import sequoia");
  INFO(r.out + r.err);
  REQUIRE(r.status == 0);
  std::string policy = w.sb.read_file(w.repo.path() + "/.warden/policy.yml");
  CHECK_THAT(policy, Catch::Contains("openpgp:" + w.alice.fingerprint));
  CHECK_THAT(policy, Catch::Contains("openpgp:" + w.bob.fingerprint));
  CHECK_THAT(policy, Catch::Contains("committers: [Alice, Bob]"));
  CHECK_THAT(policy, Catch::Contains("policy-admins: [Alice]"));
  CHECK_THAT(policy, Catch::Contains("signed-by: [taggers]"));
  CHECK(w.sb.read_file(w.repo.path() + "/.warden/keys/" + w.alice.fingerprint + ".asc").find("BEGIN PGP") !=
        std::string::npos);
  auto check = w.cli("git warden policy check");
  INFO(check.out + check.err);
  CHECK(check.status == 0);
  CHECK(w.cli("git warden policy import sequoia").status == 2);  // exists: --force
  // A repository whose policy is not committed yet: told what to do.
  w.sb.sh("git init -q fresh", w.sb.dir());
  auto fresh = w.sb.run("PATH=" + quote(WARDEN_BIN_DIR) + ":$PATH git warden policy import sequoia", w.sb.dir() + "/fresh");
  CHECK(fresh.status == 2);
  CHECK_THAT(fresh.err, Catch::Contains("policy import reads openpgp-policy.toml from a commit: commit it first"));
}

TEST_CASE("install --server --sequoia: pushes are judged from the pinned trust root", "[sequoia][cli][e2e][server]") {
  SequoiaWorld w;
  std::string server = w.sb.dir() + "/server.git";
  w.repo.git("clone -q --bare . " + quote(server));
  std::string path = "PATH=" + quote(WARDEN_BIN_DIR) + ":$PATH ";
  auto install = w.sb.run(path + "git warden install --server --sequoia --trust-root " + w.root, server);
  INFO(install.out + install.err);
  REQUIRE(install.status == 0);
  CHECK_THAT(install.out, Catch::Contains("sequoia-git mode"));

  w.change("src/good.c", w.bob);
  auto good = w.sb.run(path + "git push -q " + quote(server) + " HEAD:refs/heads/master 2>&1", w.repo.path());
  INFO(good.out);
  CHECK(good.status == 0);

  const auto& mallory = w.gpg.key("mallory");
  std::string m = w.change("src/evil.c", mallory);
  auto bad = w.sb.run(path + "GL_USER=mallory git push " + quote(server) + " HEAD:refs/heads/master 2>&1",
                      w.repo.path());
  CHECK(bad.status != 0);
  CHECK_THAT(bad.out, Catch::Contains("remote: warden: refs/heads/master: REFUSED"));
  CHECK_THAT(bad.out, Catch::Contains(w.fpr(mallory)));
  CHECK_THAT(bad.out, Catch::Contains("(pushed by mallory)"));
  CHECK(w.sb.run("git rev-parse refs/heads/master", server).out.find(m) == std::string::npos);

  auto del = w.sb.run(path + "git push " + quote(server) + " :refs/heads/master 2>&1", w.repo.path());
  CHECK(del.status != 0);
  CHECK_THAT(del.out, Catch::Contains("deletions are refused"));
}
