// Review rules (DESIGN section 6): a change to the paths of a rule needs
// `count` approving reviews (git warden attest review, real ssh-keygen
// signatures in refs/notes/warden) by people of the rule other than the
// signer. Each way a review could be made to count when it must not is
// refused, with the reason the user sees.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "support/history.hpp"
#include "support/people.hpp"

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// alice, bob and carol maintain everything; changes to src/crypto/ need one
// approving review by a maintainer other than the signer.
struct ReviewWorld : test::People {
  test::Repo repo;
  std::string anchor;

  ReviewWorld() : repo(sb) {
    repo.write(".warden/policy.yml", test::PolicyText()
                                         .person("alice", {&alice})
                                         .person("bob", {&bob})
                                         .person("carol", {&carol})
                                         .section(R"(groups:
  maintainers: [alice, bob]
grants:
  - paths: ["/"]
    who: [maintainers, carol]
policy:
  who: [maintainers]
  threshold: 1
reviews:
  - paths: ["src/crypto/"]
    who: [maintainers]
    count: 1
)")
                                         .str());
    repo.write("src/crypto/aes.c", "aes\n");
    anchor = repo.commit("anchor", &alice);
  }

  test::Run warden(const std::string& args) const { return repo.warden(args); }
  void reviews(const std::string& rev, const test::Key& key, const std::string& verdict = "approve") const {
    auto r = warden(fmt::format("attest review {} --verdict {} --key {}", rev, verdict, test::quote(key.private_path)));
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  warden::VerifyReport verify() {
    return repo.verify_tuned(anchor, alice, "HEAD",
                             [&](warden::VerifyRequest& r) { r.approval_notes = repo.approval_notes(); });
  }
  // The reason HEAD is refused for, by rule "review" ("" if it is accepted).
  std::string refusal() {
    auto report = verify();
    const warden::Verdict* v = test::first_refusal(report);
    if (!v) return report.authenticated ? "" : warden::refusal_reason(report);
    CHECK(v->rule_name() == "review");
    return v->reason();
  }
};

}  // namespace

TEST_CASE("reviews: a change under a review rule needs an approving review by someone else", "[reviews]") {
  ReviewWorld w;
  w.repo.write("src/crypto/aes.c", "faster aes\n");
  std::string c = w.repo.commit("faster aes", &w.alice);

  std::string none = w.refusal();
  CHECK(has(none, "changing src/crypto/aes.c needs 1 approving review by maintainers other than the signer (alice), "
                  "has 0; no review found (git warden attest review)"));

  SECTION("the signer's own review does not count") {
    w.reviews(c, w.alice);
    CHECK(has(w.refusal(), "alice's own review does not count"));
  }
  SECTION("a review by someone outside the rule does not count") {
    w.reviews(c, w.carol);
    CHECK(has(w.refusal(), "reviewed by carol, not of maintainers"));
  }
  SECTION("a review signed by a key no policy lists does not count") {
    w.reviews(c, w.mallory);
    CHECK(has(w.refusal(), "a review signed by a key not in the policy (" + w.mallory.fingerprint + ")"));
  }
  SECTION("a review of another commit, copied onto this one, does not count") {
    w.reviews(w.anchor, w.bob);
    std::string line = w.repo.git("notes --ref warden show " + w.anchor);
    w.repo.git("notes --ref warden add -m " + test::quote(line) + " " + c);
    CHECK(has(w.refusal(), fmt::format("bob's review is of commit {}, not of {}", w.anchor.substr(0, 10), c.substr(0, 10))));
  }
  SECTION("a reviewer who also rejected it does not count") {
    w.reviews(c, w.bob);
    w.reviews(c, w.bob, "reject");
    CHECK(has(w.refusal(), "bob rejected it"));
  }
  SECTION("bob's approving review lands it; changes elsewhere need none") {
    w.reviews(c, w.bob);
    CHECK(w.refusal() == "");
    auto report = w.verify();
    CHECK(report.verdicts.back().approved_by == std::vector<std::string>{"bob"});
    w.repo.write("docs/x.md", "x\n");
    w.repo.commit("docs", &w.carol);
    CHECK(w.refusal() == "");
  }
}

TEST_CASE("reviews: policy check explains review rules and refuses malformed ones", "[reviews]") {
  ReviewWorld w;
  auto r = w.warden("policy check");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(has(r.out + r.err, "changes to src/crypto/ need 1 approving review (git warden attest review) by maintainers "
                           "other than the signer"));
  std::string base = w.sb.read_file(w.repo.path() + "/.warden/policy.yml");
  auto check = [&](const std::string& reviews) {
    w.sb.write_file(w.sb.dir() + "/p.yml", base.substr(0, base.find("reviews:")) + reviews);
    return w.warden("policy check " + test::quote(w.sb.dir() + "/p.yml"));
  };
  auto warden_path = check("reviews:\n  - paths: [\".warden/\"]\n    who: [alice]\n");
  CHECK(warden_path.status != 0);
  CHECK(has(warden_path.err, "review rules never cover .warden/"));
  auto too_many = check("reviews:\n  - paths: [\"src/\"]\n    who: [alice]\n    count: 2\n");
  CHECK(too_many.status != 0);
  CHECK(has(too_many.err, "'count' 2 is more than the 1 person of the review rule's 'who'"));
}
