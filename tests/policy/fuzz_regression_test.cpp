// What the fuzzers (fuzz/, scripts/fuzz) found, each kept as a test: the
// input that broke a parser is in fuzz/corpus/<target>/regression-*, so
// that every fuzz run replays it too, and here the parser must refuse it
// with a reason. Runs in the unit tier (so also under the sanitizers).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "git/signed_commit.hpp"
#include "signatures/commit_signature.hpp"
#include "signatures/sshsig.hpp"
#include "warden/policy.hpp"

namespace {

std::string regression(const std::string& target, const std::string& name) {
  std::ifstream in(std::string(WARDEN_FUZZ_CORPUS_DIR) + "/" + target + "/regression-" + name, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("fuzz regression: an SSH signature whose BEGIN and END lines overlap is refused", "[fuzz][sshsig]") {
  // "-----BEGIN SSH SIGNATURE------END SSH SIGNATURE-----": it starts with
  // the one and ends with the other, and cutting both off ran past the
  // start of the text (undefined behaviour; a wild read in a release build).
  auto sig = warden::parse_sshsig(regression("sshsig", "overlapping-armor"));
  REQUIRE_FALSE(sig.ok());
  CHECK(sig.error().message == "not an armored SSH signature");

  // The same bytes in a commit's gpgsig header: a bad signature.
  auto split = warden::git::split_signed_commit(regression("commit_signature", "overlapping-armor"));
  REQUIRE(split.signature == "-----BEGIN SSH SIGNATURE------END SSH SIGNATURE-----\n");
  warden::SignatureChecker checker;
  auto checked = checker.check_signed(split.signature, split.payload);
  CHECK(checked.kind == warden::SignatureKind::bad);
  CHECK(checked.problem.find("not an armored SSH signature") != std::string::npos);
}

TEST_CASE("fuzz regression: a policy on which yaml-cpp finds documents forever is refused", "[fuzz][policy]") {
  // yaml-cpp 0.7's Parser returned a new, empty document on every call for
  // this text (a stray byte inside a flow sequence): the check that a
  // policy is one document never ended, and the server hook hung until
  // its deadline.
  auto parsed = warden::parse_policy(regression("policy", "endless-documents"), "c0ffee:.warden/policy.yml");
  CHECK_FALSE(parsed.policy);
  REQUIRE_FALSE(parsed.problems.empty());
  INFO(parsed.problems.front());
  CHECK(parsed.problems.front().starts_with("c0ffee:.warden/policy.yml:"));
}
