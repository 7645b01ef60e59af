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
  CHECK(v.reason == "bad signature: signature does not verify");
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
  CHECK(w.refused(tampered, "signature").reason == "bad signature: signature does not verify");
}

TEST_CASE("a signature in another namespace is refused", "[verify][signature]") {
  World w;
  w.repo.write("src/a.c", "a\n");
  std::string unsigned_commit = w.repo.commit("change", nullptr);
  std::string resigned = w.repo.resign(unsigned_commit, w.alice, "file");
  point_main_at(w, resigned);
  const auto& v = w.refused(resigned, "signature");
  CHECK(v.reason == "bad signature: signature namespace is 'file', not 'git'");
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
    CHECK(w.refused(c, "signature").reason == "bad signature: more than one signature block");
  }
  SECTION("two gpgsig headers") {
    std::string c = w.repo.resign(unsigned_commit, w.alice, "git", 1, 2);
    point_main_at(w, c);
    CHECK(w.refused(c, "signature").reason == "bad signature: more than one signature header");
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
  CHECK(w.refused(c, "signature").reason == "bad signature: not an armored SSH signature");
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
  REQUIRE(up_front.verdicts.size() == one_by_one.verdicts.size());
  int refused = 0;
  for (size_t i = 0; i < one_by_one.verdicts.size(); ++i) {
    const auto& a = one_by_one.verdicts[i];
    const auto& b = up_front.verdicts[i];
    INFO("commit " << i);
    CHECK(a.commit == b.commit);
    CHECK(a.ok == b.ok);
    CHECK(a.rule == b.rule);
    CHECK(a.reason == b.reason);
    CHECK(a.signer == b.signer);
    CHECK(a.signature == b.signature);
    refused += !a.ok;
  }
  CHECK(refused > 0);
  CHECK(up_front.signatures_verified == one_by_one.signatures_verified);
}
