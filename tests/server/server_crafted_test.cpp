// Crafted objects pushed for real to a guarded server: a tree git could not
// check out and a signature header rewritten so that libgit2 and git would
// disagree on what was signed. Both refused, with their reasons.
#include <catch2/catch.hpp>

#include "support/server_world.hpp"

using namespace test;

TEST_CASE("server: a pushed tree that git could not check out is refused", "[server][path]") {
  ServerWorld w(Transport::file);
  w.work.write("drafts/notes.txt", "notes\n");
  w.work.commit("drafts", &w.alice);
  REQUIRE(w.push("main").status == 0);
  std::string blob = w.work.git("rev-parse HEAD:drafts/notes.txt");
  std::string drafts = w.sb.sh("{ git ls-tree HEAD:drafts; printf '100644 blob " + blob + "\\t.GIT\\n'; } | git mktree",
                               w.work.path());
  std::string root = w.sb.sh("git ls-tree HEAD | sed 's/[0-9a-f]\\{40\\}\\tdrafts$/" + drafts + "\\tdrafts/' | git mktree",
                             w.work.path());
  std::string bad = w.work.git("commit-tree " + root + " -p HEAD -m 'a draft'");  // unsigned, under drafts/
  w.work.git("update-ref refs/heads/main " + bad);
  auto r = w.push("main");
  INFO(r.err);
  CHECK(r.status != 0);
  CHECK(r.err.find("refs/heads/main: REFUSED: " + bad.substr(0, 10) +
                   " \"a draft\": git refuses to check out drafts/.GIT") != std::string::npos);
  CHECK(w.server_ref("refs/heads/main") != bad);
}

TEST_CASE("server: a signature whose encoding header was renamed gpgsig... is refused", "[server][signature]") {
  ServerWorld w(Transport::file);
  w.work.write("src/a.c", "a\n");
  w.work.git("add -A");
  w.work.git("-c i18n.commitEncoding=ISO-8859-1 -c user.signingkey=" + quote(w.alice.private_path) +
             " commit -q -S -m 'latin-1'");
  std::string raw = w.work.git("cat-file commit HEAD") + "\n";
  size_t at = raw.find("\nencoding ");
  REQUIRE(at != std::string::npos);
  raw.replace(at, 10, "\ngpgsigencoding ");
  std::string forged = w.work.write_commit_object(raw);
  w.work.git("update-ref refs/heads/main " + forged);
  auto r = w.push("main");
  INFO(r.err);
  CHECK(r.status != 0);
  CHECK(r.err.find("bad signature: a header other than gpgsig starts with 'gpgsig'") != std::string::npos);
}
