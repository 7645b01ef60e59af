// The one line every front end prints for a refused commit.
#include <catch2/catch.hpp>

#include "warden/verdict.hpp"

TEST_CASE("refusal line: commit and subject (its escapes shown), reason, rule, signer, path and policy",
          "[rules]") {
  warden::Verdict v;
  v.commit = *warden::ObjectId::from_hex(std::string(40, 'a'));
  v.summary = "fix\x1b]0;owned\x07 it";
  v.signer = "carol";
  v.policy_commit = *warden::ObjectId::from_hex(std::string(40, 'b'));
  v.refusal = warden::Refusal{warden::Rule::grant, "carol has no grant covering src/main.c", "src/main.c"};
  CHECK(warden::refusal_line(v) ==
        "aaaaaaaaaa \"fix\\x1b]0;owned\\x07 it\": carol has no grant covering src/main.c [rule grant; signer carol; "
        "path src/main.c; policy of bbbbbbbbbb]");
  warden::VerifyReport report;
  report.verdicts.push_back(v);
  CHECK(warden::refusal_reason(report) == warden::refusal_line(v));
  report.refusal = warden::RunRefusal{warden::RunCheck::not_descendant, "target is not a descendant of the anchor"};
  CHECK(warden::refusal_reason(report) == "target is not a descendant of the anchor");
  v.refusal.reset();
  CHECK(v.ok());
  CHECK(v.rule_name().empty());
  CHECK(v.reason().empty());
}
