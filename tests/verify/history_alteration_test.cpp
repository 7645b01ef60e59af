// git must show the history warden verifies: replace refs and grafts that
// touch it are refused (git honours them, libgit2 does not), and so is a
// shallow clone; replace refs git would ignore are ignored.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "support/world.hpp"

using namespace test;

namespace {

struct AlterWorld : World {
  std::string good, evil;
  AlterWorld() {
    repo.write("src/a.c", "good\n");
    good = repo.commit("good", &alice);
    repo.write("docs/b.md", "b\n");
    repo.commit("more", &carol);
    // Some other commit, never verified.
    repo.git("checkout -q -b other " + anchor);
    repo.write("src/a.c", "evil\n");
    evil = repo.commit("evil", &mallory);
    repo.git("checkout -q main");
  }
  std::string refusal() {
    auto report = verify("main");
    CHECK_FALSE(report.authenticated);
    return test::run_refusal(report);
  }
};

}  // namespace

TEST_CASE("history: a replace ref on a verified commit is refused", "[verify][history]") {
  AlterWorld w;
  w.repo.git("replace " + w.good + " " + w.evil);
  CHECK(w.repo.git("show -s --format=%s " + w.good) == "evil");  // what git shows
  std::string why = w.refusal();
  CHECK(why.find("refs/replace/" + w.good + " replaces commit " + w.good.substr(0, 10) +
                 " in the history being verified") != std::string::npos);

  // Where git ignores replace refs, so does warden.
  SECTION("GIT_NO_REPLACE_OBJECTS") {
    ::setenv("GIT_NO_REPLACE_OBJECTS", "1", 1);
    w.accepted("main");
    ::unsetenv("GIT_NO_REPLACE_OBJECTS");
  }
  SECTION("core.useReplaceRefs=false") {
    w.repo.git("config core.useReplaceRefs false");
    w.accepted("main");
  }
}

TEST_CASE("history: a replace ref outside the verified history is ignored", "[verify][history]") {
  AlterWorld w;
  std::string evil2 = w.repo.git("commit-tree " + w.evil + "^{tree} -p " + w.evil + " -m again");
  w.repo.git("replace " + w.evil + " " + evil2);
  w.accepted("main");
}

TEST_CASE("history: a replaced blob or tree is refused", "[verify][history]") {
  AlterWorld w;
  std::string blob = w.repo.git("rev-parse " + w.good + ":src/a.c");
  std::string other = w.repo.git("rev-parse " + w.evil + ":src/a.c");
  w.repo.git("replace -f " + blob + " " + other);
  CHECK(w.refusal().find("replaces blob " + blob.substr(0, 10)) != std::string::npos);
}

TEST_CASE("history: a graft on a verified commit is refused", "[verify][history]") {
  AlterWorld w;
  w.sb.write_file(w.repo.path() + "/.git/info/grafts", "# comment\n" + w.good + " " + w.evil + "\n");
  CHECK(w.refusal().find("grafts other parents onto commit " + w.good.substr(0, 10)) != std::string::npos);
}

TEST_CASE("history: a shallow clone is refused with a clear message", "[verify][history]") {
  AlterWorld w;
  w.sb.sh("git clone -q --depth 1 " + quote("file://" + w.repo.path()) + " shallow");
  auto repo = warden::Repository::open(w.sb.dir() + "/shallow");
  REQUIRE(repo.ok());
  CHECK(repo->is_shallow());
  w.sb.sh("git fetch -q --depth 1 origin " + w.anchor, w.sb.dir() + "/shallow");
  warden::Verifier verifier(*repo);
  warden::VerifyRequest req;
  req.anchor = warden::Anchor{*warden::ObjectId::from_hex(w.anchor), w.alice.fingerprint};
  req.target = *repo->resolve_commit("HEAD");
  auto report = verifier.verify(req);
  INFO((report.ok() ? "" : report.error().message));
  REQUIRE(report.ok());
  CHECK_FALSE(report->authenticated);
  CHECK(test::run_refusal(*report).find("this is a shallow clone") != std::string::npos);
  CHECK(test::run_refusal(*report).find("git fetch --unshallow") != std::string::npos);
}

TEST_CASE("history: a replaced object that cannot be read is an error, not 'replaces nothing'", "[verify][history]") {
  AlterWorld w;
  w.repo.git("replace " + w.good + " " + w.evil);
  // The replaced commit's loose object, made unreadable (not absent).
  std::string loose = w.repo.path() + "/.git/objects/" + w.good.substr(0, 2) + "/" + w.good.substr(2);
  w.sb.run("chmod u+w " + quote(loose) + " && printf 'garbage' > " + quote(loose));
  auto repo = warden::Repository::open(w.repo.path());
  REQUIRE(repo);
  warden::Verifier verifier(*repo);
  warden::VerifyRequest req;
  req.anchor = {*repo->resolve_commit(w.anchor), w.alice.fingerprint};
  req.target = *repo->resolve_commit("main");
  auto report = verifier.verify(req);
  // Either way it is no pass: an error that says the object cannot be
  // read (the replace check does not skip it as absent).
  REQUIRE_FALSE(report);
  CHECK_THAT(report.error().message, Catch::Contains("cannot read object " + w.good));
}
