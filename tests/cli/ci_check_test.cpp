// scripts/ci-check, as action.yml and ci/gitlab-warden.yml run it: the
// range from the variables GitHub Actions and GitLab CI set, GitHub error
// annotations and a JUnit report for each refused commit, verify's exit
// status.
#include <catch2/catch.hpp>

#include "support/sequoia_world.hpp"
#include "support/world.hpp"

namespace {

test::Run ci_check(const test::Sandbox& sb, const std::string& repo, const std::string& env) {
  return sb.run("PATH=" + test::quote(WARDEN_BIN_DIR) + ":$PATH " + env + " " +
                    test::quote(std::string(WARDEN_SOURCE_DIR) + "/scripts/ci-check"),
                repo);
}

}  // namespace

TEST_CASE("ci-check: a GitHub pull request with an unsigned commit is annotated and fails", "[ci][cli][e2e]") {
  test::World w;
  std::string base = w.repo.git("rev-parse HEAD");
  w.repo.write("src/main.c", "int main(void) { return 2; }\n");
  std::string good = w.repo.commit("signed change", &w.alice);
  std::string anchor = "WARDEN_ANCHOR=" + test::quote(w.anchor + ":" + w.alice.fingerprint);
  std::string event = w.sb.dir() + "/event.json";

  SECTION("authenticated") {
    w.sb.write_file(event, "{\"pull_request\": {\"base\": {\"sha\": \"" + base + "\"}, \"head\": {\"sha\": \"" + good +
                               "\"}}}");
    auto r = ci_check(w.sb, w.repo.path(),
                      anchor + " GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH=" + event);
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("1 commit(s) checked, 0 refused: authenticated"));
    CHECK(r.out.find("::error") == std::string::npos);
  }
  SECTION("refused") {
    w.repo.write("src/main.c", "unsigned\n");
    std::string bad = w.repo.commit("unsigned change", nullptr);
    w.sb.write_file(event, "{\"pull_request\": {\"base\": {\"sha\": \"" + base + "\"}, \"head\": {\"sha\": \"" + bad +
                               "\"}}}");
    auto r = ci_check(w.sb, w.repo.path(),
                      anchor + " GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH=" + event);
    INFO(r.out + r.err);
    CHECK(r.status == 1);
    CHECK_THAT(r.out, Catch::Contains("::error title=warden refused " + bad.substr(0, 10) + "::" + bad.substr(0, 10) +
                                      " \"unsigned change\": unsigned change to a protected path"));
    CHECK_THAT(r.out, Catch::Contains("2 commit(s) checked, 1 refused: NOT authenticated"));
    std::string junit = w.sb.read_file(w.repo.path() + "/warden-junit.xml");
    CHECK_THAT(junit, Catch::Contains("failures=\"1\""));
    CHECK_THAT(junit, Catch::Contains("<failure message=\"unsigned change to a protected path"));
  }
  SECTION("a push on top of a push an earlier check refused: the head is checked from the anchor, not from before") {
    w.repo.write("src/main.c", "unsigned\n");
    // The subject tries a workflow command of its own after a carriage return.
    std::string bad = w.repo.commit("unsigned\r::error title=spoof::all good", nullptr);
    w.repo.write("src/main.c", "signed again\n");
    std::string top = w.repo.commit("signed on top", &w.alice);
    w.sb.write_file(event, "{\"before\": \"" + bad + "\", \"after\": \"" + top + "\"}");
    auto r = ci_check(w.sb, w.repo.path(),
                      anchor + " GITHUB_ACTIONS=true GITHUB_EVENT_NAME=push GITHUB_SHA=" + top +
                          " GITHUB_EVENT_PATH=" + event);
    INFO(r.out + r.err);
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("git warden verify --json --keep-going --anchor " + w.anchor + ":" +
                                      w.alice.fingerprint + " " + top + "\n"));
    CHECK_THAT(r.out, Catch::Contains("warden: refused: " + bad.substr(0, 10) + " \"unsigned\\x0d::error title=spoof"));
    CHECK(r.out.find('\r') == std::string::npos);
  }
}

TEST_CASE("ci-check: a GitLab merge request in sequoia-git mode writes the JUnit report", "[ci][cli][e2e][sequoia]") {
  test::SequoiaWorld w;
  std::string base = w.change("src/a.c", w.alice);
  const auto& mallory = w.gpg.key("mallory");
  std::string bad = w.change("src/evil.c", mallory);
  auto r = ci_check(w.sb, w.repo.path(),
                    "GITLAB_CI=true CI_PIPELINE_SOURCE=merge_request_event CI_MERGE_REQUEST_DIFF_BASE_SHA=" + base +
                        " CI_COMMIT_SHA=" + bad + " WARDEN_MODE=sequoia WARDEN_TRUST_ROOT=" + w.root);
  INFO(r.out + r.err);
  CHECK(r.status == 1);
  CHECK(r.out.find("::error") == std::string::npos);  // not GitHub
  CHECK_THAT(r.out, Catch::Contains("warden: refused: " + bad.substr(0, 10) + " \"change src/evil.c\""));
  std::string junit = w.sb.read_file(w.repo.path() + "/warden-junit.xml");
  CHECK_THAT(junit, Catch::Contains("<testcase classname=\"warden\" name=\"" + bad.substr(0, 10) + " change src/evil.c\">"
                                    "<failure"));
  CHECK_THAT(r.err, Catch::Contains("git warden verify --json --keep-going --sequoia --trust-root " + w.root + " " +
                                    base + ".." + bad));
}
