// The statement reader (attest/statement) on crafted input: statements
// come from notes anyone who can push may write, so every malformed one is
// an Error with a reason, never a crash, and a well-formed one of an
// unknown type is ignored. Runs in the unit tier (under the sanitizers).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "attest/statement.hpp"

using warden::attest::parse_statement;
using Json = nlohmann::json;

namespace {

const std::string kCommit(40, 'c');

Json statement(const std::string& type, Json predicate) {
  return {{"_type", "https://in-toto.io/Statement/v1"},
          {"subject", Json::array({{{"name", "commit"}, {"digest", {{"gitCommit", kCommit}}}}})},
          {"predicateType", type},
          {"predicate", std::move(predicate)}};
}

std::string error_of(const Json& j) {
  auto r = parse_statement(j.dump());
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("statements: reviews and builds round-trip through their writers", "[attest]") {
  auto id = *warden::ObjectId::from_hex(kCommit);
  auto review = parse_statement(warden::attest::review_statement({id, warden::attest::Verdict::reject, "no tests"}));
  REQUIRE(review.ok());
  REQUIRE(*review);
  REQUIRE((*review)->review);
  CHECK((*review)->review->verdict == warden::attest::Verdict::reject);
  CHECK((*review)->review->comment == "no tests");
  CHECK((*review)->review->commit == id);

  auto out = warden::attest::parse_build_output("/nix/store/x-hello=sha256:" + std::string(64, 'A'));
  REQUIRE(out.ok());
  CHECK(out->hex == std::string(64, 'a'));  // digests compare in lowercase
  auto build = parse_statement(warden::attest::build_statement({id, {*out}, "x86_64-linux"}));
  REQUIRE(build.ok());
  REQUIRE((*build)->build);
  CHECK((*build)->build->outputs.at(0) == *out);
  CHECK((*build)->build->platform == "x86_64-linux");

  // A name may hold '=': the digest is after the last one.
  auto eq = warden::attest::parse_build_output("a=b=sha1:" + std::string(40, '0'));
  REQUIRE(eq.ok());
  CHECK(eq->name == "a=b");
}

TEST_CASE("statements: malformed reviews and builds are errors with a reason", "[attest]") {
  const std::string build = "urn:warden:attestation:build:v1";
  const std::string review = "urn:warden:attestation:review:v1";
  Json ok_output = {{"name", "x"}, {"digest", {{"sha256", std::string(64, 'a')}}}};
  CHECK(error_of(statement(build, Json::object())) == "a build's predicate has no list of outputs");
  CHECK(error_of(statement(build, {{"outputs", Json::array()}})) == "a build's predicate has no list of outputs");
  CHECK(error_of(statement(build, {{"outputs", {ok_output}}, {"extra", 1}})) ==
        "unknown field 'extra' in a build's predicate");
  CHECK(error_of(statement(build, {{"outputs", {{{"name", "x"}}}}})).starts_with("a build output must be exactly"));
  CHECK(error_of(statement(build, {{"outputs", {{{"name", "x"}, {"digest", {{"sha256", "zz"}}}}}}})) ==
        "the sha256 digest 'zz' is not hexadecimal");
  CHECK(error_of(statement(build, {{"outputs", {{{"name", ""}, {"digest", {{"sha256", std::string(64, 'a')}}}}}}})) ==
        "a build output without a name");
  CHECK(error_of(statement(build, {{"outputs", {ok_output}}, {"platform", 7}})) == "a build's 'platform' is not a string");
  CHECK(error_of(statement(build, {{"outputs", {ok_output}}, {"platform", std::string(5000, 'p')}})) ==
        "a build's 'platform' is over 4096 bytes");
  CHECK(error_of(statement(review, {{"verdict", "maybe"}})) == "a review's verdict is neither 'approve' nor 'reject'");
  CHECK(error_of(statement(review, Json::object())) == "a review has no verdict");
  CHECK(error_of(statement(review, Json::array())) == "a review has no predicate object");
  Json two = statement(review, {{"verdict", "approve"}});
  two["subject"].push_back(two["subject"][0]);
  CHECK(error_of(two) == "a review must have exactly one subject, the commit");

  // Unknown types (a later version) are not errors: ignored.
  auto later = parse_statement(statement("urn:warden:attestation:build:v2", Json::object()).dump());
  REQUIRE(later.ok());
  CHECK_FALSE(*later);
  CHECK_FALSE(warden::attest::parse_build_output("no-digest").ok());
  CHECK_FALSE(warden::attest::parse_build_output("=sha256:" + std::string(64, 'a')).ok());
  CHECK_FALSE(warden::attest::parse_digest("Sha256:" + std::string(64, 'a')).ok());
}
