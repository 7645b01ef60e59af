// Parsing and validation of .warden/policy.yml: a full valid policy, and
// each validation error with the file, line and problem it reports.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/sandbox.hpp"
#include "warden/policy.hpp"

namespace {

struct Keys {
  test::Sandbox sb;
  std::string alice, bob, carol;
  Keys() {
    alice = sb.key("alice").public_line;
    bob = sb.key("bob", "ecdsa-256").public_line;
    carol = sb.key("carol").public_line;
  }
};

Keys& keys() {
  static Keys k;
  return k;
}

std::string people() {
  return fmt::format("people:\n  alice:\n    keys: [\"{}\"]\n  bob:\n    keys: [\"{}\"]\n", keys().alice, keys().bob);
}

// A minimal valid policy with `body` appended (people occupy lines 2-6).
std::string policy(const std::string& body, bool with_policy_rule = true) {
  return "version: 1\n" + people() + body + (with_policy_rule ? "policy:\n  who: [alice]\n" : "");
}

std::vector<std::string> problems(const std::string& text) { return warden::parse_policy(text, "p.yml").problems; }

std::string only_problem(const std::string& text) {
  auto p = problems(text);
  INFO(text);
  REQUIRE(p.size() == 1);
  return p[0];
}

}  // namespace

TEST_CASE("a full policy parses into its typed form", "[policy]") {
  std::string text = fmt::format(R"(version: 1
people:
  alice:
    keys:
      - "{}"
      - "openpgp:3CE4 6455 8A84 FDC6 9DB4 0CFB 090B 1199 3D9A EBB5"
  bob:
    keys: ["{}"]
  carol:
    keys: ["{}"]
groups:
  maintainers: [alice, bob]
grants:
  - paths: ["/"]
    who: [maintainers]
  - paths: ["docs/", "pkgs/python/"]
    who: [carol]
unprotected: ["drafts/"]
policy:
  who: [maintainers]
  threshold: 2
merges:
  unsigned: allow
refs:
  - pattern: "refs/heads/main"
    fast-forward-only: true
    deletion: deny
  - pattern: "refs/tags/v*"
    immutable: true
    signed-by: [maintainers]
  - pattern: "refs/heads/wip/*"
    verify: false
)",
                                 keys().alice, keys().bob, keys().carol);
  auto parsed = warden::parse_policy(text, "p.yml");
  INFO((parsed.problems.empty() ? "" : parsed.problems[0]));
  REQUIRE(parsed.problems.empty());
  const auto& p = *parsed.policy;
  CHECK(p.people.size() == 3);
  CHECK(p.people.at("alice").ssh_keys.size() == 1);
  CHECK(p.people.at("alice").openpgp_fingerprints == std::vector<std::string>{"3CE464558A84FDC69DB40CFB090B11993D9AEBB5"});
  CHECK(p.grants.size() == 2);
  CHECK(p.grants[0].who.groups == std::vector<std::string>{"maintainers"});
  CHECK(p.includes(p.grants[0].who, "alice"));
  CHECK_FALSE(p.includes(p.grants[0].who, "carol"));
  CHECK(p.granted("carol", "pkgs/python/x.nix"));
  CHECK_FALSE(p.granted("carol", "pkgs/pythonx"));
  CHECK(p.granted("alice", "src/main.c"));
  CHECK_FALSE(p.granted("alice", ".warden/policy.yml"));  // grants never cover .warden/
  CHECK(p.is_unprotected("drafts/idea"));
  CHECK(p.policy.threshold == 2);
  CHECK(p.policy.people == std::set<std::string>{"alice", "bob"});
  CHECK(p.unsigned_merges_allowed);
  REQUIRE(p.refs.size() == 3);
  CHECK(p.refs[0].fast_forward_only == true);
  CHECK(p.refs[0].deletion_allowed == false);
  CHECK(p.refs[1].immutable == true);
  CHECK(p.includes(p.refs[1].signed_by, "bob"));
  CHECK(p.refs[2].verify == false);
  auto key = warden::SshPublicKey::parse_line(keys().carol);
  REQUIRE(p.owner_of(**key) != nullptr);
  CHECK(*p.owner_of(**key) == "carol");
}

TEST_CASE("policy errors name the file, the line and the problem", "[policy]") {
  SECTION("unknown top-level key") {
    CHECK(only_problem(policy("owners: [alice]\n")) == "p.yml:7: unknown key 'owners' in policy");
  }
  SECTION("unknown key inside a person") {
    CHECK(only_problem("version: 1\npeople:\n  alice:\n    keys: [\"" + keys().alice +
                       "\"]\n    email: a@b\npolicy:\n  who: [alice]\n") ==
          "p.yml:5: unknown key 'email' in person 'alice'");
  }
  SECTION("missing and wrong version") {
    CHECK(only_problem(people() + "policy:\n  who: [alice]\n") == "p.yml:1: missing 'version' (write 'version: 1')");
    CHECK(only_problem("version: 2\n" + people() + "policy:\n  who: [alice]\n") ==
          "p.yml:1: unsupported policy version '2' (only 1)");
  }
  SECTION("bad key line") {
    CHECK(only_problem("version: 1\npeople:\n  alice:\n    keys: [\"ssh-ed25519 !!notbase64\"]\npolicy:\n  who: [alice]\n") ==
          "p.yml:4: key of 'alice': SSH key line has invalid base64");
    CHECK(only_problem("version: 1\npeople:\n  alice:\n    keys: [\"openpgp:1234\"]\npolicy:\n  who: [alice]\n") ==
          "p.yml:4: key of 'alice': an OpenPGP key is 'openpgp:' and a 40-digit v4 fingerprint");
  }
  SECTION("names of people and groups: a letter or digit, then letters, digits, '.', '_' or '-', at most 64") {
    auto person = [](const std::string& name) {
      return problems("version: 1\npeople:\n  \"" + name + "\":\n    keys: [\"" + keys().alice +
                      "\"]\npolicy:\n  who: [\"" + name + "\"]\n");
    };
    for (const std::string& good : std::vector<std::string>{"a", "B0b", "carol.smith", "d_e-f.9", std::string(64, 'x')}) {
      INFO(good);
      CHECK(person(good).empty());
    }
    for (const std::string& bad : std::vector<std::string>{"-bob", ".bob", "_bob", "bob smith", "bob/x", "b\u00f6b", "bob:", std::string(65, 'x')}) {
      INFO(bad);
      auto p = person(bad);
      REQUIRE_FALSE(p.empty());
      CHECK_THAT(p.front(), Catch::StartsWith("p.yml:3: invalid person name '"));
    }
    CHECK(only_problem(policy("groups:\n  \"ops team\": [alice]\n")) == "p.yml:8: invalid group name 'ops team'");
  }
  SECTION("person without keys") {
    CHECK(only_problem("version: 1\npeople:\n  alice:\n    keys: []\npolicy:\n  who: [alice]\n") ==
          "p.yml:4: 'keys' of 'alice' must be a non-empty list");
  }
  SECTION("unknown person in a group") {
    CHECK(only_problem(policy("groups:\n  maintainers: [alice, dave]\n")) ==
          "p.yml:8: unknown person 'dave' in group 'maintainers'");
  }
  SECTION("a name that is both a person and a group") {
    CHECK(only_problem(policy("groups:\n  alice: [bob]\n")) == "p.yml:8: 'alice' is both a person and a group");
  }
  SECTION("duplicate key across people") {
    std::string text = fmt::format("version: 1\npeople:\n  alice:\n    keys: [\"{}\"]\n  mallory:\n    keys: [\"{}\"]\npolicy:\n  who: [alice]\n",
                                   keys().alice, keys().alice);
    CHECK(only_problem(text) == "p.yml:6: key of 'mallory' is also listed for 'alice' (a key belongs to one person)");
  }
  SECTION("the same key twice for one person") {
    std::string text = fmt::format("version: 1\npeople:\n  alice:\n    keys: [\"{}\", \"{}\"]\npolicy:\n  who: [alice]\n",
                                   keys().alice, keys().alice);
    CHECK(only_problem(text) == "p.yml:4: key listed twice for 'alice'");
  }
  SECTION("YAML anchors and aliases (alias bombs)") {
    std::string bomb = policy("groups:\n  a: &a [alice, alice, alice]\n  b: [*a, *a, *a]\n");
    auto p = problems(bomb);
    REQUIRE(p.size() >= 2);
    CHECK(p[0] == "p.yml:8: YAML anchors are not allowed in a policy");
    CHECK(p[1].find("YAML aliases are not allowed in a policy") != std::string::npos);
  }
  SECTION("larger than 1 MiB") {
    std::string big = policy("") + "# " + std::string(1 << 20, 'x') + "\n";
    CHECK(only_problem(big) == "p.yml:1: policy is larger than 1048576 bytes");
  }
  SECTION("invalid path patterns in grants and unprotected") {
    CHECK(only_problem(policy("grants:\n  - paths: [\"src/../etc\"]\n    who: [alice]\n")) ==
          "p.yml:8: path pattern 'src/../etc' contains a '..' segment");
    CHECK(only_problem(policy("unprotected: [\"/drafts\"]\n")) ==
          "p.yml:7: path pattern '/drafts' starts with '/' (write paths relative to the top)");
  }
  SECTION("grants that name .warden/") {
    CHECK(only_problem(policy("grants:\n  - paths: [\".warden/keys\"]\n    who: [alice]\n")) ==
          "p.yml:8: grants never cover .warden/ ('.warden/keys'); use the 'policy' section");
  }
  SECTION("unprotected paths overlapping .warden/") {
    CHECK(only_problem(policy("unprotected: [\"/\"]\n")) == "p.yml:7: unprotected path '/' overlaps .warden/");
    CHECK(only_problem(policy("unprotected: [\".warden/keys/\"]\n")) ==
          "p.yml:7: unprotected path '.warden/keys/' overlaps .warden/");
  }
  SECTION("unknown person or group in a grant") {
    CHECK(only_problem(policy("grants:\n  - paths: [\"/\"]\n    who: [admins]\n")) ==
          "p.yml:9: unknown person or group 'admins' in a grant");
  }
  SECTION("grant without who") {
    CHECK(only_problem(policy("grants:\n  - paths: [\"/\"]\n")) == "p.yml:8: grant without 'who'");
  }
  SECTION("policy section") {
    CHECK(only_problem(policy("", false)) == "p.yml:1: missing 'policy' (who may change .warden/)");
    CHECK(only_problem(policy("policy:\n  who: [alice]\n  threshold: 3\n", false)) ==
          "p.yml:9: 'threshold' 3 is more than the 1 person of 'policy.who'");
    CHECK(only_problem(policy("policy:\n  who: [alice]\n  threshold: 0\n", false)) ==
          "p.yml:9: 'threshold' must be a whole number of at least 1");
    CHECK(only_problem(policy("policy:\n  who: [alice]\n  threshold: two\n", false)) ==
          "p.yml:9: 'threshold' must be a whole number of at least 1");
    CHECK(only_problem(policy("policy:\n  who: []\n", false)) == "p.yml:8: 'policy.who' must not be empty");
  }
  SECTION("merges") {
    CHECK(only_problem(policy("merges:\n  unsigned: maybe\n")) == "p.yml:8: 'merges.unsigned' must be 'allow' or 'deny'");
  }
  SECTION("ref rules") {
    CHECK(only_problem(policy("refs:\n  - pattern: \"refs/heads/main\"\n    protect: true\n")) ==
          "p.yml:9: unknown key 'protect' in a ref rule");
    CHECK(only_problem(policy("refs:\n  - pattern: \"main\"\n")) ==
          "p.yml:8: ref pattern 'main' must be a full ref name under refs/ (with '*' wildcards)");
    CHECK(only_problem(policy("refs:\n  - pattern: \"refs/tags/*\"\n    immutable: yes\n")) ==
          "p.yml:9: 'immutable' must be true or false");
    CHECK(only_problem(policy("refs:\n  - pattern: \"refs/tags/*\"\n    signed-by: [eve]\n")) ==
          "p.yml:9: unknown person or group 'eve' in 'signed-by'");
    CHECK(only_problem(policy("refs:\n  - immutable: true\n")) == "p.yml:8: ref rule without 'pattern'");
  }
  SECTION("duplicate keys") {
    CHECK(only_problem(policy("merges:\n  unsigned: allow\nmerges:\n  unsigned: deny\n")) ==
          "p.yml:9: duplicate key 'merges'");
  }
  SECTION("not YAML, several documents, empty, not a mapping") {
    CHECK(only_problem("version: [1\n").find("p.yml:") == 0);
    CHECK(only_problem("version: [1\n").find("invalid YAML") != std::string::npos);
    CHECK(only_problem(policy("") + "---\nversion: 1\n") == "p.yml:1: a policy is one YAML document");
    CHECK(only_problem("") == "p.yml:1: policy is empty");
    CHECK(only_problem("- a\n- b\n") == "p.yml:1: a policy is a mapping with 'version: 1' at the top");
    CHECK(only_problem(std::string("version: 1\0", 11)) == "p.yml:1: policy contains a NUL byte");
  }
  SECTION("deep nesting") {
    std::string deep = "version: 1\nx: " + std::string(100, '[') + std::string(100, ']') + "\n";
    auto p = problems(deep);
    REQUIRE_FALSE(p.empty());
    CHECK(p[0] == "p.yml:2: nested too deeply");
  }
  SECTION("several problems are all reported, in line order") {
    auto p = problems(policy("groups:\n  g: [zed]\ngrants:\n  - paths: [\"a//b\"]\n    who: [nobody]\n"));
    REQUIRE(p.size() == 3);
    CHECK(p[0] == "p.yml:8: unknown person 'zed' in group 'g'");
    CHECK(p[1] == "p.yml:10: path pattern 'a//b' contains '//'");
    CHECK(p[2] == "p.yml:11: unknown person or group 'nobody' in a grant");
  }
}

TEST_CASE("every policy example in policy-examples/ is valid", "[policy][examples]") {
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(WARDEN_EXAMPLES_DIR)) {
    if (entry.path().extension() != ".yml") continue;
    ++seen;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = warden::parse_policy(text.str(), entry.path().filename().string());
    INFO(entry.path().string() << ": " << (parsed.problems.empty() ? "" : parsed.problems[0]));
    CHECK(parsed.problems.empty());
  }
  CHECK(seen >= 3);
}

// Found by the robustness test's mutations: a problem that quotes the
// policy back (a key line, a name) must stay one line, or a hook's
// one-line refusal becomes several lines of the attacker's choosing.
TEST_CASE("policy problems quoting line breaks and control characters stay one line", "[policy]") {
  std::string text =
      "version: 1\npeople:\n  \"al\\nice\":\n    keys: [\"ssh-ed25519 AAAA\\nforged: line\\x01\"]\n"
      "policy:\n  who: [\"al\\nice\"]\n";
  auto parsed = warden::parse_policy(text, "p.yml");
  REQUIRE_FALSE(parsed.problems.empty());
  bool quoted = false;
  for (const auto& p : parsed.problems) {
    INFO(p);
    CHECK(p.find('\n') == std::string::npos);
    CHECK(p.find('\x01') == std::string::npos);
    quoted = quoted || p.find("AAAA\\nforged: line\\x01") != std::string::npos || p.find("al\\nice") != std::string::npos;
  }
  CHECK(quoted);
}
