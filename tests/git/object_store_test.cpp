// Releasing and reopening a repository's object store (what a long run
// does to free libgit2's per-pack caches): after the release nothing is
// readable, after the reopen everything is again (packs, loose objects,
// object directories added for a push's quarantine), and objects a merge
// computation writes still go to memory, never to disk.
#include <catch2/catch.hpp>

#include "support/sandbox.hpp"
#include "warden/repository.hpp"

TEST_CASE("an object store released and reopened reads the same objects and still writes only to memory",
          "[repository]") {
  test::Sandbox box;
  const std::string repo = box.dir() + "/repo";
  box.sh("git init -q " + test::quote(repo));
  auto commit = [&](const std::string& file, const std::string& content, const std::string& msg) {
    box.write_file(repo + "/" + file, content);
    box.sh("git add -A && git -c user.name=T -c user.email=t@example.org commit -q -m " + test::quote(msg), repo);
  };
  commit("f", "base\nline\n", "base");
  box.sh("git checkout -q -b side", repo);
  commit("f", "base\nline\nside\n", "side");
  box.sh("git checkout -q -", repo);
  commit("f", "main\nbase\nline\n", "main");
  box.sh("git repack -q -a -d", repo);  // these in a pack
  commit("g", "loose\n", "loose");
  // An object only in another directory, as a push's quarantine holds it.
  const std::string other = box.dir() + "/other";
  box.sh("git init -q --bare " + test::quote(other));
  const std::string quarantined = box.sh("echo quarantined | git --git-dir=" + test::quote(other) + " hash-object -w --stdin");

  auto r = warden::Repository::open_exact(repo);
  REQUIRE(r);
  REQUIRE(r->add_object_directories({other + "/objects"}));
  auto packed = r->resolve_commit("HEAD~1");
  auto loose = r->resolve_commit("HEAD");
  auto side = r->resolve_commit("side");
  REQUIRE(packed);
  REQUIRE(loose);
  REQUIRE(side);
  auto in_other = warden::ObjectId::from_hex(quarantined);
  REQUIRE(in_other);

  r->release_objects();
  auto gone = r->read_commit(*packed);
  REQUIRE_FALSE(gone);  // released: a read in between is an error, never stale data

  REQUIRE(r->reopen_objects());
  CHECK(r->read_commit(*packed));
  CHECK(r->read_commit(*loose));
  auto type = r->object_type(*in_other);
  REQUIRE(type);
  CHECK(*type == "blob");

  const std::string loose_before = box.sh("find objects -type f | sort", repo + "/.git");
  auto merged = r->clean_merge({*packed, *side});
  REQUIRE(merged);
  REQUIRE(merged->tree);  // both sides changed f: a content merge, written somewhere
  auto f = r->entry_id(*merged->tree, "f");
  REQUIRE(f);
  CHECK(f->has_value());
  CHECK(box.sh("find objects -type f | sort", repo + "/.git") == loose_before);
  CHECK(box.run("git cat-file -e " + merged->tree->hex(), repo).status != 0);  // in memory only
}
