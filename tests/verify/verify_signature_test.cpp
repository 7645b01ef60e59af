// What a commit's signature header may and may not be: tampering after
// signing, another namespace, several blocks or headers, and garbage.
// OpenPGP signatures have tests of their own (openpgp_verify_test.cpp).
#include <catch2/catch.hpp>

#include "support/world.hpp"

using test::World;

namespace {

// Points main at `commit` (a crafted object) so that HEAD is it.
void point_main_at(World& w, const std::string& commit) { w.repo.git("update-ref refs/heads/main " + commit); }

}  // namespace

TEST_CASE("a commit whose message was changed after signing is refused", "[verify][signature]") {
  World w;
  w.repo.write("src/a.c", "a\n");
  std::string signed_commit = w.repo.commit("original message", &w.alice);
  std::string raw = w.repo.git("cat-file commit " + signed_commit) + "\n";
  raw.replace(raw.find("original message"), 16, "changed message!");
  std::string tampered = w.repo.write_commit_object(raw);
  point_main_at(w, tampered);
  const auto& v = w.refused(tampered, "signature");
  CHECK(v.reason() == "bad signature: signature does not verify");
  CHECK(v.summary == "changed message!");
}

TEST_CASE("a commit with tampered content but the original signature is refused", "[verify][signature]") {
  World w;
  w.repo.write("docs/a.md", "a\n");
  std::string good = w.repo.commit("carol's docs", &w.carol);
  w.repo.git("checkout -q HEAD^");
  w.repo.write("src/main.c", "evil\n");
  std::string other_tree = w.repo.commit("tmp", nullptr);
  std::string tree = w.repo.git("rev-parse " + other_tree + "^{tree}");
  std::string raw = w.repo.git("cat-file commit " + good) + "\n";
  std::string old_tree = w.repo.git("rev-parse " + good + "^{tree}");
  raw.replace(raw.find(old_tree), old_tree.size(), tree);
  std::string tampered = w.repo.write_commit_object(raw);
  w.repo.git("checkout -q main");
  point_main_at(w, tampered);
  CHECK(w.refused(tampered, "signature").reason() == "bad signature: signature does not verify");
}

TEST_CASE("a signature in another namespace is refused", "[verify][signature]") {
  World w;
  w.repo.write("src/a.c", "a\n");
  std::string unsigned_commit = w.repo.commit("change", nullptr);
  std::string resigned = w.repo.resign(unsigned_commit, w.alice, "file");
  point_main_at(w, resigned);
  const auto& v = w.refused(resigned, "signature");
  CHECK(v.reason() == "bad signature: signature namespace is 'file', not 'git'");
  CHECK(v.signature == warden::SignatureKind::bad);
}

TEST_CASE("the resigning helper itself produces accepted commits", "[verify][signature]") {
  World w;
  w.repo.write("src/a.c", "a\n");
  std::string unsigned_commit = w.repo.commit("change", nullptr);
  point_main_at(w, w.repo.resign(unsigned_commit, w.alice, "git"));
  w.accepted();
}

TEST_CASE("several signature blocks or headers are refused", "[verify][signature]") {
  World w;
  w.repo.write("src/a.c", "a\n");
  std::string unsigned_commit = w.repo.commit("change", nullptr);
  SECTION("two blocks in one header") {
    std::string c = w.repo.resign(unsigned_commit, w.alice, "git", 2, 1);
    point_main_at(w, c);
    CHECK(w.refused(c, "signature").reason() == "bad signature: more than one signature block");
  }
  SECTION("two gpgsig headers") {
    std::string c = w.repo.resign(unsigned_commit, w.alice, "git", 1, 2);
    point_main_at(w, c);
    CHECK(w.refused(c, "signature").reason() == "bad signature: more than one signature header");
  }
}

TEST_CASE("a garbage signature header is refused, even on unprotected paths", "[verify][signature]") {
  World w;
  w.repo.write("drafts/a.txt", "a\n");
  std::string unsigned_commit = w.repo.commit("draft", nullptr);
  std::string raw = w.repo.git("cat-file commit " + unsigned_commit) + "\n";
  raw.insert(raw.find("\n\n") + 1, "gpgsig not a signature\n");
  std::string c = w.repo.write_commit_object(raw);
  point_main_at(w, c);
  CHECK(w.refused(c, "signature").reason() == "bad signature: not an armored SSH signature");
}

TEST_CASE("signatures checked up front on all cores give the same verdicts", "[verify][signature][parallel]") {
  World w;
  const test::Key* signers[] = {&w.alice, &w.bob, &w.carol, &w.mallory, nullptr};
  for (int i = 0; i < 40; ++i) {
    w.repo.write(i % 3 == 0 ? "src/f" + std::to_string(i % 7) : "docs/f" + std::to_string(i % 5), std::to_string(i));
    w.repo.commit("commit " + std::to_string(i), signers[i % 5]);
  }
  std::string unsigned_commit = w.repo.commit("unsigned tip", nullptr);
  point_main_at(w, w.repo.resign(unsigned_commit, w.alice, "file"));
  auto one_by_one = w.repo.verify(w.anchor, w.alice, "HEAD", {}, true, SIZE_MAX);
  auto up_front = w.repo.verify(w.anchor, w.alice, "HEAD", {}, true, 1);
  REQUIRE(one_by_one.verdicts.size() == 41);
  int refused = test::check_same_verdicts(one_by_one, up_front);
  CHECK(refused > 0);
  CHECK(up_front.signatures_verified == one_by_one.signatures_verified);
}

// Tags are judged by the same signature code as commits: the same
// parsing, the same "bad signature" reasons, the same key cache.
TEST_CASE("an annotated tag's signature is judged exactly as a commit's", "[verify][signature][tag]") {
  World w;
  std::string sign = "-c user.signingkey=" + w.alice.private_path + " ";
  w.repo.git(sign + "tag -s -m 'release 1' v1");
  w.repo.git("tag -a -m 'not signed' v2");
  // The same tag with its message changed after signing, and one whose
  // signature is a truncated X.509 (gpgsm) block.
  std::string raw = w.repo.git("cat-file tag v1") + "\n";
  std::string tampered = raw;
  tampered.replace(tampered.find("release 1"), 9, "release 9");
  std::string x509 = raw.substr(0, raw.find("-----BEGIN SSH SIGNATURE-----")) +
                     "-----BEGIN SIGNED MESSAGE-----\nMIAGCSqGSIb3DQEHAqCAMIACAQExDzAN\n-----END SIGNED MESSAGE-----\n";
  auto write_tag = [&](const std::string& name, const std::string& object) {
    w.sb.write_file(w.sb.dir() + "/.tag", object);
    std::string id = w.repo.git("hash-object -t tag -w " + w.sb.dir() + "/.tag");
    w.repo.git("update-ref refs/tags/" + name + " " + id);
  };
  write_tag("tampered", tampered);
  write_tag("x509", x509);

  auto signer = [&](const std::string& name) { return test::tag_signer(w.repo, name); };
  auto good = signer("v1");
  INFO((good ? "" : good.error().message));
  REQUIRE(good);
  CHECK(*good == "alice");
  auto bad = signer("tampered");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "the tag has a bad signature: signature does not verify");
  auto truncated = signer("x509");
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().message == "the tag has a bad signature: malformed x509 signature (not a CMS structure)");
  auto none = signer("v2");
  REQUIRE_FALSE(none);
  CHECK(none.error().message == "the tag is not signed");
}
