// Single-parent commits: who signed, what they changed, and the policy of
// the parent (DESIGN section 3).
#include <catch2/catch.hpp>

#include "support/world.hpp"

using test::World;

TEST_CASE("linear history by granted people with each key type is authenticated", "[verify][linear]") {
  test::Sandbox sb;
  const char* types[] = {"ed25519", "ecdsa-256", "ecdsa-384", "ecdsa-521", "rsa"};
  test::PolicyText policy;
  std::string everyone;
  for (const char* t : types) {
    std::string name = std::string("p-") + t;
    policy.person(name, {&sb.key(name, t)});
    everyone += (everyone.empty() ? "" : ", ") + name;
  }
  policy.section("grants:\n  - paths: [\"/\"]\n    who: [" + everyone + "]\npolicy:\n  who: [p-ed25519]\n");
  test::Repo repo(sb);
  repo.write(".warden/policy.yml", policy.str());
  std::string anchor = repo.commit("anchor", &sb.key("p-ed25519"));
  for (const char* t : types) {
    repo.write(std::string("src/") + t, t);
    repo.commit(std::string("change by ") + t, &sb.key(std::string("p-") + t));
  }
  auto report = repo.verify(anchor, sb.key("p-ed25519"));
  CHECK(report.authenticated);
  REQUIRE(report.verdicts.size() == 5);
  for (size_t i = 0; i < 5; ++i) {
    CHECK(report.verdicts[i].ok());
    CHECK(report.verdicts[i].signer == std::string("p-") + types[i]);
    CHECK(report.verdicts[i].signature == warden::SignatureKind::ssh);
    CHECK(report.verdicts[i].key_fingerprint == sb.key(std::string("p-") + types[i]).fingerprint);
  }
  CHECK(report.signatures_verified == 6);  // the anchor and five commits
}

TEST_CASE("an unsigned change to a protected path is refused and the commit named", "[verify][linear]") {
  World w;
  w.repo.write("docs/a.md", "a\n");
  w.repo.commit("docs by carol", &w.carol);
  w.repo.write("src/main.c", "int backdoor;\n");
  std::string bad = w.repo.commit("unsigned change", nullptr);
  w.repo.write("docs/b.md", "b\n");
  w.repo.commit("later docs by carol", &w.carol);
  const auto& v = w.refused(bad, "unsigned");
  CHECK(v.summary == "unsigned change");
  CHECK(v.signer == "unsigned");
  CHECK(v.path() == "src/main.c");
  CHECK(v.reason() == "unsigned change to a protected path");
  CHECK(v.policy_commit->hex() == w.repo.git("rev-parse " + bad + "^"));
}

TEST_CASE("a signer the parent's policy does not list is refused", "[verify][linear]") {
  World w;
  w.repo.write("src/evil.c", "x\n");
  std::string bad = w.repo.commit("mallory's change", &w.mallory);
  const auto& v = w.refused(bad, "unsigned");
  CHECK(v.signer == "key not in policy (" + w.mallory.fingerprint + ")");
  CHECK(v.reason() == "change not signed by any key the policy lists to a protected path");
  CHECK(v.path() == "src/evil.c");
}

TEST_CASE("path grants cover their prefix and nothing else", "[verify][linear][grants]") {
  World w;
  SECTION("inside the grant") {
    w.repo.write("docs/guide.md", "guide\n");
    w.repo.write("pkgs/foo/extra.nix", "{ }\n");
    w.repo.commit("carol inside her grant", &w.carol);
    w.accepted();
  }
  SECTION("outside the grant") {
    w.repo.write("src/main.c", "changed\n");
    std::string bad = w.repo.commit("carol outside her grant", &w.carol);
    const auto& v = w.refused(bad, "grant");
    CHECK(v.signer == "carol");
    CHECK(v.path() == "src/main.c");
    CHECK(v.reason() == "carol has no grant covering src/main.c");
  }
  SECTION("pkgs/foo does not cover pkgs/foobar") {
    w.repo.write("pkgs/foobar/default.nix", "{ evil = true; }\n");
    std::string bad = w.repo.commit("carol in pkgs/foobar", &w.carol);
    CHECK(w.refused(bad, "grant").path() == "pkgs/foobar/default.nix");
  }
  SECTION("a rename out of the grant is a deletion plus an addition") {
    w.repo.git("mv docs/index.md src/index.md");
    std::string bad = w.repo.commit("carol moves docs into src", &w.carol);
    CHECK(w.refused(bad, "grant").path() == "src/index.md");
  }
  SECTION("deleting a file outside the grant") {
    w.repo.remove("src/main.c");
    std::string bad = w.repo.commit("carol deletes code", &w.carol);
    CHECK(w.refused(bad, "grant").path() == "src/main.c");
  }
}

TEST_CASE("unprotected prefixes need no signature, but only on their own", "[verify][linear][unprotected]") {
  World w;
  SECTION("unsigned inside the unprotected prefix") {
    w.repo.write("drafts/idea.txt", "idea\n");
    w.repo.commit("unsigned draft", nullptr);
    w.accepted();
  }
  SECTION("unsigned inside plus outside") {
    w.repo.write("drafts/idea.txt", "idea\n");
    w.repo.write("src/main.c", "sneaky\n");
    std::string bad = w.repo.commit("unsigned draft and code", nullptr);
    CHECK(w.refused(bad, "unsigned").path() == "src/main.c");
  }
  SECTION("signed by an unknown key inside the unprotected prefix") {
    w.repo.write("drafts/mallory.txt", "hello\n");
    w.repo.commit("mallory's draft", &w.mallory);
    w.accepted();
  }
}

TEST_CASE("mode-only and symlink changes count as changes", "[verify][linear]") {
  World w;
  SECTION("mode-only change") {
    w.repo.git("update-index --chmod=+x src/main.c");
    w.repo.git("commit -q -m 'make executable'");
    std::string bad = w.repo.git("rev-parse HEAD");
    REQUIRE(w.repo.git("diff --name-only HEAD^ HEAD") == "src/main.c");
    CHECK(w.refused(bad, "unsigned").path() == "src/main.c");
  }
  SECTION("file replaced by a symlink with the same content") {
    w.repo.remove("src/main.c");
    w.sb.sh("mkdir -p src && ln -s 'int main(void) { return 0; }' src/main.c", w.repo.path());
    std::string bad = w.repo.commit("symlink", &w.carol);
    CHECK(w.refused(bad, "grant").path() == "src/main.c");
  }
  SECTION("symlink target changed") {
    w.sb.sh("ln -s index.md docs/link", w.repo.path());
    w.repo.commit("add link", &w.alice);
    w.sb.sh("ln -sfn ../src/main.c docs/link", w.repo.path());
    w.repo.commit("retarget link", &w.carol);
    w.accepted();  // carol may change docs/, whatever the link points to
    w.sb.sh("rm docs/link && mkdir -p src && ln -s ../docs/index.md src/link", w.repo.path());
    std::string bad = w.repo.commit("move link", &w.carol);
    CHECK(w.refused(bad, "grant").path() == "src/link");
  }
}

TEST_CASE("a refused commit refuses its descendants: --keep-going reports them all", "[verify][linear]") {
  World w;
  w.repo.write("src/main.c", "unsigned\n");
  std::string bad = w.repo.commit("unsigned", nullptr);
  w.repo.write("docs/x.md", "x\n");
  std::string child = w.repo.commit("child by carol", &w.carol);
  auto stop = w.verify("HEAD", false);
  CHECK(stop.verdicts.size() == 1);
  CHECK(stop.total == 2);
  auto all = w.verify("HEAD", true);
  REQUIRE(all.verdicts.size() == 2);
  CHECK(all.verdicts[1].commit.hex() == child);
  CHECK_FALSE(all.verdicts[1].ok());
  CHECK(all.verdicts[1].rule_name() == "ancestry");
  CHECK(all.verdicts[1].reason() == "parent " + bad.substr(0, 10) + " is not authenticated");
}

TEST_CASE("submodule entries count as changes", "[verify][linear]") {
  World w;
  std::string some_commit = w.anchor;
  w.repo.git("update-index --add --cacheinfo 160000," + some_commit + ",docs/vendored");
  w.repo.git("-c user.signingkey=" + test::quote(w.carol.private_path) + " commit -q -S -m 'carol adds a submodule in docs'");
  w.accepted();
  w.repo.git("update-index --add --cacheinfo 160000," + some_commit + ",src/vendored");
  w.repo.git("-c user.signingkey=" + test::quote(w.carol.private_path) + " commit -q -S -m 'carol adds a submodule in src'");
  std::string bad = w.repo.git("rev-parse HEAD");
  CHECK(w.refused(bad, "grant").path() == "src/vendored");
}

TEST_CASE("moving a submodule to another commit is a change", "[verify][linear]") {
  World w;
  w.repo.git("update-index --add --cacheinfo 160000," + w.anchor + ",src/vendored");
  w.repo.git("-c user.signingkey=" + test::quote(w.alice.private_path) + " commit -q -S -m 'alice adds a submodule'");
  w.accepted();
  std::string other = w.repo.git("rev-parse HEAD");
  w.repo.git("update-index --cacheinfo 160000," + other + ",src/vendored");
  w.repo.git("commit -q -m 'unsigned submodule bump'");
  std::string bad = w.repo.git("rev-parse HEAD");
  CHECK(w.refused(bad, "unsigned").path() == "src/vendored");
}
