// A commit whose tree holds a path git refuses to check out is refused,
// whoever signed it and wherever it is (unprotected paths included):
// otherwise an unsigned commit under drafts/ could make the branch
// impossible to clone.
#include <catch2/catch.hpp>

#include "support/world.hpp"
#include "warden/verifier.hpp"

using namespace test;

namespace {

struct Crafter {
  World& w;

  std::string write_object(const std::string& type, const std::string& raw) {
    w.sb.write_file(w.sb.dir() + "/.obj", raw);
    return w.repo.git("hash-object -t " + type + " -w --literally " + quote(w.sb.dir() + "/.obj"));
  }
  // A tree object from (mode, name, id) entries, written as given.
  std::string tree(const std::vector<std::tuple<std::string, std::string, std::string>>& entries) {
    return w.repo.write_tree_object(entries);
  }
  // HEAD's tree with `name` (mode, id) added to drafts/ (or to the top level).
  std::string with_entry(const std::string& mode, const std::string& name, const std::string& id, bool top = false) {
    std::string blob = w.repo.git("rev-parse HEAD:drafts/notes.txt");
    std::vector<std::tuple<std::string, std::string, std::string>> drafts = {{"100644", "notes.txt", blob}};
    if (!top) drafts.insert(drafts.begin(), {mode, name, id});
    std::string drafts_tree = tree(drafts);
    std::vector<std::tuple<std::string, std::string, std::string>> root;
    if (top) root.push_back({mode, name, id});
    for (std::string dir : {".warden", "docs", "drafts", "pkgs", "src"})
      root.push_back({"40000", dir, dir == "drafts" ? drafts_tree : w.repo.git("rev-parse HEAD:" + dir)});
    return tree(root);
  }
  // An unsigned (or `signer`-signed) commit of `tree` on HEAD, checked out.
  std::string commit(const std::string& tree, const Key* signer = nullptr) {
    std::string sign = signer ? "-c user.signingkey=" + quote(signer->private_path) + " " : "";
    std::string c = w.repo.git(sign + "commit-tree " + (signer ? "-S " : "") + tree + " -p HEAD -m crafted");
    w.repo.git("update-ref refs/heads/main " + c);
    return c;
  }
};

}  // namespace

TEST_CASE("paths git refuses to check out are refused, even unprotected and signed", "[verify][path]") {
  struct Case {
    std::string mode, name;
    bool top;
  };
  const std::vector<Case> refused = {
      {"100644", "b/../../src/x", false},  // a name containing '/'
      {"100644", ".", false},
      {"100644", "..", false},
      {"100644", ".git", false},
      {"100644", ".GIT", false},
      {"100644", ".Git", true},
      {"100644", "git~1", false},
      {"100644", ".git ", false},
      {"100644", ".git.", false},
      {"100644", ".git::$INDEX_ALLOCATION", false},
      {"100644", "x\\.git", false},
      {"100644", ".g\xe2\x80\x8cit", false},       // U+200C ZERO WIDTH NON-JOINER
      {"100644", "\xef\xbb\xbf.git", false},       // U+FEFF before the dot
      {"120000", ".gitmodules", false},             // a symbolic link
      {"120000", ".GITMODULES", false},
      {"120000", "gitmod~1", false},
      {"40000", ".git", false},                     // a directory .git/hooks/x
  };
  // One repository; each crafted commit goes on the anchor.
  World w;
  Crafter craft{w};
  for (const auto& c : refused) {
    w.repo.git("update-ref refs/heads/main " + w.anchor);
    INFO("name: '" << c.name << "' mode " << c.mode);
    std::string blob = w.repo.git("rev-parse HEAD:src/main.c");
    std::string id = blob;
    if (c.mode == "40000") id = craft.tree({{"40000", "hooks", craft.tree({{"100755", "post-checkout", blob}})}});
    std::string bad = craft.commit(craft.with_entry(c.mode, c.name, id, c.top), c.top ? &w.alice : nullptr);
    const warden::Verdict& v = w.refused(bad, "path");
    CHECK(v.reason().find("git refuses to check out") != std::string::npos);
    CHECK_FALSE(v.path().empty());
  }
}

TEST_CASE("names that only look like .git are accepted", "[verify][path]") {
  World w;
  Crafter craft{w};
  for (std::string name : {".gitignore", ".github", "..foo", "git~2", ".gitx", "a.git", ".gitmodules"}) {
    w.repo.git("update-ref refs/heads/main " + w.anchor);
    INFO(name);
    craft.commit(craft.with_entry("100644", name, w.repo.git("rev-parse HEAD:src/main.c")));
    w.accepted();
  }
}

TEST_CASE("a malformed tree is reported as malformed, not missing", "[verify][path]") {
  World w;
  Crafter craft{w};
  // libgit2 does not parse a tree entry with an empty name at all.
  bool empty_name = GENERATE(false, true);
  std::string garbage = empty_name ? craft.with_entry("100644", "", w.repo.git("rev-parse HEAD:src/main.c"))
                                   : craft.write_object("tree", "100644 no-id-follows");
  craft.commit(garbage, &w.alice);
  auto repo = warden::Repository::open(w.repo.path());
  REQUIRE(repo.ok());
  warden::Verifier verifier(*repo);
  warden::VerifyRequest req;
  req.anchor = warden::Anchor{*warden::ObjectId::from_hex(w.anchor), w.alice.fingerprint};
  req.target = *repo->resolve_commit("HEAD");
  auto report = verifier.verify(req);
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().message.find("malformed tree object") != std::string::npos);
}
