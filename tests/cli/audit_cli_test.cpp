// verify --policy FILE: the first use of warden on a repository that never
// adopted it, as a user makes it: its allowed-signers file turned into a
// policy file (nothing committed), then every commit audited against it.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/history.hpp"
#include "support/people.hpp"

namespace {

struct Project : test::People {
  test::Repo repo{sb};
  std::string first, last;

  Project() {
    sb.write_file(sb.dir() + "/allowed_signers",
                  "alice@example.org " + alice.public_line + "\nbob@example.org " + bob.public_line + "\n");
    repo.write("README", "a project\n");
    first = repo.commit("first", &alice);
    repo.write("src/a.c", "a\n");
    repo.commit("bob's change", &bob);
    repo.write("src/b.c", "b\n");
    last = repo.commit("alice's change", &alice);
  }

  test::Run cli(const std::string& args) const {
    return sb.run("PATH=" + test::quote(WARDEN_BIN_DIR) + ":$PATH " + args, repo.path());
  }
};

}  // namespace

TEST_CASE("verify --policy: a repository without a warden policy audited against an allowed-signers file",
          "[cli][audit][e2e]") {
  Project p;
  auto import = p.cli("git warden policy import allowed-signers " + test::quote(p.sb.dir() + "/allowed_signers"));
  INFO(import.err);
  REQUIRE(import.status == 0);
  CHECK(p.repo.git("status --porcelain --untracked-files=all") == "?? .warden/policy.yml");  // nothing committed
  // The auditor keeps the file outside the history audited.
  p.sb.sh("mv " + test::quote(p.repo.path() + "/.warden") + " " + test::quote(p.sb.dir() + "/audit"));
  const std::string policy = test::quote(p.sb.dir() + "/audit/policy.yml");

  auto ok = p.cli("git warden verify --policy " + policy);
  INFO(ok.err);
  CHECK(ok.status == 0);
  CHECK(ok.out.find("warden: " + p.last.substr(0, 10) +
                    " authenticated under the audit policy: 3 commits checked, 3 signatures verified") !=
        std::string::npos);

  auto range = p.cli("git warden verify --policy " + policy + " --json " + p.first + "..HEAD");
  CHECK(range.status == 0);
  std::istringstream lines(range.out);
  std::string line, summary;
  int commits = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    if (j["type"] == "commit") ++commits;
    else summary = line;
  }
  CHECK(commits == 2);
  auto s = nlohmann::json::parse(summary);
  CHECK(s["authenticated"] == true);
  CHECK(s["anchor"].is_null());

  // Someone the file does not list.
  p.repo.write("src/c.c", "c\n");
  std::string hers = p.repo.commit("mallory's change", &p.mallory);
  auto refused = p.cli("git warden verify --policy " + policy);
  CHECK(refused.status == 1);
  CHECK(refused.err.find("warden: refused: " + hers.substr(0, 10) + " \"mallory's change\"") != std::string::npos);
  CHECK(refused.err.find("[rule unsigned; signer key not in policy") != std::string::npos);
  CHECK(refused.err.find("policy of") == std::string::npos);  // the auditor's policy, not a commit's

  auto with_anchor = p.cli("git warden verify --policy " + policy + " --anchor " + p.first + ":" + p.alice.fingerprint);
  CHECK(with_anchor.status == 2);
  CHECK(with_anchor.err ==
        "warden: error: --policy audits without an anchor: --anchor and --fresh do not go with it\n");
  auto invalid = p.cli("git warden verify --policy README");
  CHECK(invalid.status == 2);
  CHECK(invalid.err.find("warden: error: README: invalid policy: README:") != std::string::npos);
  auto missing = p.cli("git warden verify --policy nowhere.yml");
  CHECK(missing.status == 2);
  CHECK(missing.err == "warden: error: cannot read nowhere.yml\n");
}
