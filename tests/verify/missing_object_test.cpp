// Fail closed on objects git cannot give: a commit, tree or blob that is
// missing (a shallow or damaged clone, a push that leaves one out) or
// unreadable (corrupt) anywhere on a verification path is a refusal, never
// a pass, and the message names the object. The faults are injected
// between the engine and a real repository (support/faulty_reads.hpp), at
// every place the engine reads them, one by one and on the threads that
// read ahead.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "support/faulty_reads.hpp"
#include "support/world.hpp"

using test::FaultyReads;
using test::World;
using warden::ObjectId;

namespace {

struct Outcome {
  bool authenticated = false;
  std::string message;  // the run's error, or its refusal
};

Outcome verify_through(const warden::GitReads& reads, const World& w, const std::string& target, size_t parallel_from,
                       bool keep_going) {
  warden::VerifyRequest req;
  req.anchor = warden::Anchor{*ObjectId::from_hex(w.anchor), w.alice.fingerprint};
  auto t = reads.resolve_commit(target);
  REQUIRE(t.ok());
  req.target = *t;
  req.keep_going = keep_going;
  req.parallel_from = parallel_from;
  warden::Verifier verifier(reads);
  auto report = verifier.verify(req);
  if (!report) return {false, report.error().message};
  return {report->authenticated, warden::refusal_reason(*report)};
}

ObjectId id_of(const World& w, const std::string& rev) { return *ObjectId::from_hex(w.repo.git("rev-parse " + rev)); }

}  // namespace

TEST_CASE("a missing or unreadable object on the verification path is a refusal that names it",
          "[verify][fail-closed]") {
  World w;
  w.repo.write("docs/guide.md", "guide\n");
  std::string carol_commit = w.repo.commit("carol's docs", &w.carol);
  w.repo.git("checkout -q -b topic");
  w.repo.write("src/topic.c", "topic\n");
  std::string topic = w.repo.commit("topic work", &w.bob);
  w.repo.git("checkout -q main");
  w.repo.write("src/main.c", "int main(void) { return 1; }\n");
  w.repo.commit("main work", &w.alice);
  w.repo.merge("topic", &w.alice, "merge topic");
  w.repo.write("src/after.c", "after\n");
  w.repo.write(".warden/policy.yml", test::standard_policy(w.alice, w.bob, w.carol, "# changed\n"));
  w.repo.commit("after the merge, with a new policy", &w.bob);

  auto real = warden::Repository::open(w.repo.path());
  REQUIRE(real.ok());
  for (size_t parallel_from : {size_t{1}, SIZE_MAX}) {
    for (bool keep_going : {false, true}) {
      INFO("read ahead from " << parallel_from << ", keep going " << keep_going);
      REQUIRE(verify_through(*real, w, "HEAD", parallel_from, keep_going).authenticated);
    }
  }

  struct Case {
    const char* what;
    ObjectId object;
  };
  const Case cases[] = {
      {"the anchor's policy file", id_of(w, w.anchor + ":.warden/policy.yml")},
      {"the anchor's tree", id_of(w, w.anchor + "^{tree}")},
      {"a commit in the range", id_of(w, carol_commit)},
      {"the tree of a commit in the range", id_of(w, carol_commit + "^{tree}")},
      {"a merge's second parent", id_of(w, topic)},
      {"the tree of a merge's second parent", id_of(w, topic + "^{tree}")},
      {"the merge", id_of(w, "HEAD^")},
      {"the tree of the merge", id_of(w, "HEAD^^{tree}")},
      {"the target", id_of(w, "HEAD")},
      {"the target's policy file", id_of(w, "HEAD:.warden/policy.yml")},
  };
  for (const auto& c : cases) {
    for (auto fault : {FaultyReads::Fault::missing, FaultyReads::Fault::unreadable}) {
      for (size_t parallel_from : {size_t{1}, SIZE_MAX}) {
        for (bool keep_going : {false, true}) {
          INFO(c.what << " " << c.object.hex() << (fault == FaultyReads::Fault::missing ? " missing" : " unreadable")
                      << ", read ahead from " << parallel_from << ", keep going " << keep_going);
          FaultyReads reads(*real);
          reads.inject(c.object, fault);
          auto outcome = verify_through(reads, w, "HEAD", parallel_from, keep_going);
          INFO(outcome.message);
          if (std::getenv("WARDEN_TEST_SHOW")) WARN(c.what << ": " << outcome.message);
          CHECK(reads.faults_met() > 0);
          CHECK_FALSE(outcome.authenticated);
          CHECK(outcome.message.find(c.object.hex()) != std::string::npos);
          CHECK(outcome.message.find(fault == FaultyReads::Fault::missing ? "missing " : "cannot read ") !=
                std::string::npos);
        }
      }
    }
  }
}
