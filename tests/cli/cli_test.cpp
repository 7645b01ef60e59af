// The command line, run as the installed binaries would be: exit codes,
// human messages, JSON Lines, trust, policy check and git verify-range.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/world.hpp"

using test::World;

namespace {

// Runs a git-warden command line in the world's repository, with the build
// directory first on PATH so that `git warden` and `git verify-range` work.
test::Run cli(World& w, const std::string& args) {
  return w.sb.run("PATH=" + test::quote(WARDEN_BIN_DIR) + ":$PATH " + args, w.repo.path());
}

std::string anchor_arg(World& w) { return w.anchor + ":" + w.alice.fingerprint; }

std::vector<nlohmann::json> json_lines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

}  // namespace

TEST_CASE("verify: exit 0 with a summary for authenticated history", "[cli][e2e]") {
  World w;
  w.repo.write("docs/a.md", "a\n");
  w.repo.commit("docs", &w.carol);
  auto r = cli(w, "git warden verify --anchor " + anchor_arg(w));
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("authenticated from anchor " + w.anchor.substr(0, 10) + ": 1 commit checked") != std::string::npos);
}

TEST_CASE("verify: exit 1 and a refusal naming commit, rule, signer, path and policy commit", "[cli][e2e]") {
  World w;
  w.repo.write("src/main.c", "x\n");
  std::string bad = w.repo.commit("carol edits code", &w.carol);
  auto r = cli(w, "git warden verify --anchor " + anchor_arg(w));
  CHECK(r.status == 1);
  CHECK(r.err.find("warden: refused: " + bad.substr(0, 10) +
                   " \"carol edits code\": carol has no grant covering src/main.c [rule grant; signer carol; path "
                   "src/main.c; policy of " +
                   w.anchor.substr(0, 10) + "]") != std::string::npos);
  CHECK(r.err.find("is NOT authenticated: 1 commit refused (" + bad.substr(0, 10) + " \"carol edits code\")") !=
        std::string::npos);
  CHECK(cli(w, "git warden verify -q --anchor " + anchor_arg(w)).out.empty());
}

TEST_CASE("verify: exit 2 for setup and usage errors", "[cli][e2e]") {
  World w;
  auto no_anchor = cli(w, "git warden verify");
  CHECK(no_anchor.status == 2);
  CHECK(no_anchor.err.find("no trust anchor: pass --anchor COMMIT:FINGERPRINT") != std::string::npos);
  CHECK(no_anchor.err.find("'git -c warden.anchor=COMMIT:FINGERPRINT ...'") != std::string::npos);
  // git verify-range, the same.
  auto range_no_anchor = cli(w, "git verify-range HEAD~0..HEAD");
  CHECK(range_no_anchor.status == 2);
  CHECK(range_no_anchor.err.find("no trust anchor: pass --anchor COMMIT:FINGERPRINT") != std::string::npos);
  auto bad_rev = cli(w, "git warden verify --anchor " + anchor_arg(w) + " nosuchrev");
  CHECK(bad_rev.status == 2);
  CHECK(bad_rev.err.find("unknown revision 'nosuchrev'") != std::string::npos);
  auto bad_anchor = cli(w, "git warden verify --anchor " + w.anchor);
  CHECK(bad_anchor.status == 2);
  CHECK(bad_anchor.err.find("must be COMMIT:FINGERPRINT") != std::string::npos);
  auto bad_fpr = cli(w, "git warden verify --anchor " + w.anchor + ":SHA256:short");
  CHECK(bad_fpr.status == 2);
  CHECK(bad_fpr.err.find("anchor key fingerprint 'SHA256:short' is not a SHA-256 fingerprint") != std::string::npos);
  auto bare = cli(w, "git warden");
  CHECK(bare.status == 2);
  CHECK(bare.err.find("A subcommand is required") != std::string::npos);
  auto unknown = cli(w, "git warden verify --frobnicate");
  CHECK(unknown.status == 2);
  CHECK(unknown.err.find("--frobnicate") != std::string::npos);
  auto symmetric = cli(w, "git warden verify --anchor " + anchor_arg(w) + " A...B");
  CHECK(symmetric.status == 2);
  CHECK(symmetric.err.find("'A...B': symmetric ranges (A...B) are not supported; use A..B") != std::string::npos);
  auto outside = w.sb.run("PATH=" + test::quote(WARDEN_BIN_DIR) + ":$PATH git-warden verify", w.sb.dir());
  CHECK(outside.status == 2);
  CHECK(outside.err.find("not a git repository") != std::string::npos);
}

TEST_CASE("verify --json prints one object per commit and a summary", "[cli][json][e2e]") {
  World w;
  w.repo.write("docs/a.md", "a\n");
  std::string ok = w.repo.commit("docs by carol", &w.carol);
  w.repo.write("src/main.c", "x\n");
  std::string bad = w.repo.commit("unsigned code", nullptr);
  auto r = cli(w, "git warden verify --json --anchor " + anchor_arg(w));
  CHECK(r.status == 1);
  auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["type"] == "commit");
  CHECK(lines[0]["commit"] == ok);
  CHECK(lines[0]["subject"] == "docs by carol");
  CHECK(lines[0]["ok"] == true);
  CHECK(lines[0]["signature"] == "ssh");
  CHECK(lines[0]["signer"] == "carol");
  CHECK(lines[0]["key"] == w.carol.fingerprint);
  CHECK(lines[0]["rule"].is_null());
  CHECK(lines[0]["policy_commit"] == w.anchor);
  CHECK(lines[1]["commit"] == bad);
  CHECK(lines[1]["ok"] == false);
  CHECK(lines[1]["signature"] == "none");
  CHECK(lines[1]["signer"] == "unsigned");
  CHECK(lines[1]["key"].is_null());
  CHECK(lines[1]["rule"] == "unsigned");
  CHECK(lines[1]["reason"] == "unsigned change to a protected path");
  CHECK(lines[1]["path"] == "src/main.c");
  CHECK(lines[1]["policy_commit"] == ok);
  const auto& s = lines[2];
  CHECK(s["type"] == "summary");
  CHECK(s["anchor"] == w.anchor);
  CHECK(s["anchor_key"] == w.alice.fingerprint);
  CHECK(s["target"] == bad);
  CHECK(s["authenticated"] == false);
  CHECK(s["total"] == 2);
  CHECK(s["checked"] == 2);
  CHECK(s["refused"] == 1);
  CHECK(s["signatures_verified"] == 2);
  CHECK(s["refusal"].is_null());
}

TEST_CASE("trust checks the anchor before storing it", "[cli][trust][e2e]") {
  World w;
  auto wrong = cli(w, "git warden trust --anchor " + w.anchor + ":" + w.bob.fingerprint);
  CHECK(wrong.status == 1);
  CHECK(wrong.err.find("is not signed by the anchor key") != std::string::npos);
  CHECK(w.repo.git_run("config warden.anchor").status != 0);

  auto ok = cli(w, "git warden trust --anchor HEAD:" + w.alice.fingerprint);
  CHECK(ok.status == 0);
  CHECK(w.repo.git("config warden.anchor") == w.anchor + ":" + w.alice.fingerprint);
  w.repo.write("docs/a.md", "a\n");
  w.repo.commit("docs", &w.carol);
  CHECK(cli(w, "git warden verify").status == 0);
}

TEST_CASE("git verify-range A..B is verify of the range", "[cli][e2e]") {
  World w;
  w.repo.write("docs/a.md", "a\n");
  std::string a = w.repo.commit("a", &w.carol);
  w.repo.write("docs/b.md", "b\n");
  w.repo.commit("b", &w.carol);
  w.repo.git("config warden.anchor " + anchor_arg(w));
  auto r = cli(w, "git verify-range " + a + "..HEAD --json --no-cache");
  CHECK(r.status == 0);
  auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1]["checked"] == 1);
  auto same = cli(w, "git warden verify --json --no-cache " + a + "..HEAD");
  CHECK(same.out == r.out);
  auto not_a_range = cli(w, "git verify-range HEAD");
  CHECK(not_a_range.status == 2);
  CHECK(not_a_range.err.find("git-verify-range: expected a range A..B") != std::string::npos);
  auto no_range = cli(w, "git verify-range");
  CHECK(no_range.status == 2);
  CHECK(no_range.err.find("revision is required") != std::string::npos);
}

TEST_CASE("policy check validates a file and reports each problem", "[cli][policy][e2e]") {
  World w;
  auto good = cli(w, "git warden policy check");
  CHECK(good.status == 0);
  CHECK(good.out.find("valid policy: 3 people, 1 group, 2 grants, 1 unprotected path") != std::string::npos);
  w.sb.write_file(w.sb.dir() + "/bad.yml", "version: 1\npeople:\n  alice:\n    keys: [\"ssh-ed25519 no!pe\"]\npolicy:\n  who: [bob]\n");
  auto bad = cli(w, "git warden policy check " + test::quote(w.sb.dir() + "/bad.yml"));
  CHECK(bad.status == 1);
  CHECK(bad.err.find("bad.yml:4: key of 'alice': SSH key line has invalid base64") != std::string::npos);
  CHECK(bad.err.find("bad.yml:6: unknown person or group 'bob' in 'policy.who'") != std::string::npos);
  CHECK(bad.err.find("invalid policy (2 problems)") != std::string::npos);
  CHECK(cli(w, "git warden policy check /nonexistent").status == 2);
}

TEST_CASE("verify refuses with a one-line error when an object is missing", "[cli][e2e]") {
  World w;
  w.repo.write("docs/a.md", "a\n");
  w.repo.commit("docs", &w.carol);
  std::string tree = w.repo.git("rev-parse HEAD^{tree}");
  w.sb.sh("rm .git/objects/" + tree.substr(0, 2) + "/" + tree.substr(2), w.repo.path());
  auto r = cli(w, "git warden verify --anchor " + anchor_arg(w));
  CHECK(r.status == 2);
  CHECK(r.err.find("warden: error: missing tree object " + tree) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("verify: settings given as git -c, as git hands them to its subcommands", "[cli][config][e2e]") {
  World w;
  w.repo.write("docs/a.md", "a\n");
  w.repo.commit("carol documents", &w.carol);
  auto given = cli(w, "git -c warden.anchor=" + anchor_arg(w) + " warden verify");
  INFO(given.err);
  CHECK(given.status == 0);
  auto range = cli(w, "git -c warden.anchor=" + anchor_arg(w) + " verify-range " + w.anchor + "..HEAD");
  INFO(range.err);
  CHECK(range.status == 0);
  // A -c setting overrides the repository's config, as in git.
  w.repo.git("config warden.anchor nonsense");
  auto nonsense = cli(w, "git warden verify");
  CHECK(nonsense.status == 2);
  CHECK(nonsense.err.find("git config warden.anchor: anchor 'nonsense' must be COMMIT:FINGERPRINT") != std::string::npos);
  CHECK(cli(w, "git -c warden.anchor=" + anchor_arg(w) + " warden verify").status == 0);
}

TEST_CASE("verify --keep-going names the root cause once and counts what descends from it", "[cli][e2e]") {
  World w;
  w.repo.write("src/main.c", "x\n");
  std::string bad = w.repo.commit("carol edits code", &w.carol);
  for (int i = 0; i < 3; ++i) {
    w.repo.write("docs/" + std::to_string(i) + ".md", "d\n");
    w.repo.commit("docs " + std::to_string(i), &w.carol);
  }
  auto r = cli(w, "git warden verify --keep-going --anchor " + anchor_arg(w));
  CHECK(r.status == 1);
  INFO(r.err);
  CHECK(r.err.find("warden: refused: " + bad.substr(0, 10)) != std::string::npos);
  CHECK(r.err.find("is not authenticated [rule ancestry") == std::string::npos);  // descendants not listed
  CHECK(r.err.find("is NOT authenticated: 1 commit refused (" + bad.substr(0, 10) +
                   " \"carol edits code\"), 3 commits after it not authenticated\n") != std::string::npos);
  // Without --keep-going: the first refusal, and what was not checked.
  auto first = cli(w, "git warden verify --anchor " + anchor_arg(w));
  CHECK(first.err.find("1 commit refused (" + bad.substr(0, 10) + " \"carol edits code\"), 3 not checked (use "
                       "--keep-going to check them all)") != std::string::npos);
  // JSON: one object per commit; root_cause says which refusals are causes.
  auto json = json_lines(cli(w, "git warden verify --json --keep-going --anchor " + anchor_arg(w)).out);
  REQUIRE(json.size() == 5);
  CHECK(json[0]["commit"] == bad);
  CHECK(json[0]["root_cause"] == true);
  for (int i = 1; i < 4; ++i) CHECK(json[i]["root_cause"] == false);
  CHECK(json[4]["root_causes"] == 1);
  CHECK(json[4]["refused"] == 4);
}

TEST_CASE("help: git warden --help opens the man page from a build that is not installed, -h the built-in help",
          "[cli][help][e2e]") {
  World w;
  auto brief = cli(w, "git warden -h");
  CHECK(brief.status == 0);
  CHECK_THAT(brief.out, Catch::Contains("verify") && Catch::Contains("trust") && Catch::Contains("--help"));
  // The built-in help of one command, which needs no man page.
  auto verify = cli(w, "git warden help verify");
  CHECK(verify.status == 0);
  CHECK_THAT(verify.out, Catch::Contains("git-warden verify") && Catch::Contains("--keep-going"));
  auto import = cli(w, "git warden help policy import");
  CHECK(import.status == 0);
  CHECK_THAT(import.out, Catch::Contains("allowed-signers"));
  auto unknown = cli(w, "git warden help nosuch");
  CHECK(unknown.status == 2);
  CHECK(unknown.err == "git-warden: help: 'nosuch' is not a command; run 'git warden -h' for the list\n");
  // A usage error points at what works without a man page.
  auto usage = cli(w, "git warden verify --no-such-option");
  CHECK(usage.status == 2);
  CHECK_THAT(usage.err, Catch::EndsWith("Run 'git warden -h' for usage.\n"));
  // git runs `man git-warden` for `git warden --help`, before warden runs:
  // the build lays its pages out where man finds them beside a program on
  // PATH.
  if (w.sb.run("command -v man").status != 0) {
    WARN("man is not installed: git warden --help cannot open a page here");
    return;
  }
  for (const auto& [command, name] : {std::pair{"git warden --help", "git-warden - authenticate git history"},
                                      std::pair{"git verify-range --help", "git-verify-range - "},
                                      std::pair{"git help warden", "git-warden - authenticate git history"}}) {
    auto page = cli(w, std::string("env -u MANPATH LC_ALL=C MANPAGER=cat MANWIDTH=100 ") + command);
    INFO(command << "\n" << page.out << page.err);
    CHECK(page.status == 0);
    CHECK_THAT(page.out, Catch::Contains(name));
  }
}
