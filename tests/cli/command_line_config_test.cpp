// Settings given on git's command line (git -c) reach warden as git hands
// them to subcommands and hooks: GIT_CONFIG_PARAMETERS (checked against
// what git itself writes there) and GIT_CONFIG_COUNT/KEY_n/VALUE_n.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "git/command_line_config.hpp"
#include "support/world.hpp"
#include "warden/repository.hpp"

using namespace test;

namespace {

// Sets an environment variable for the life of the object.
struct ScopedEnv {
  std::string name;
  ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) { ::setenv(name.c_str(), value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

}  // namespace

TEST_CASE("GIT_CONFIG_PARAMETERS is read as git writes it", "[config]") {
  Sandbox sb;
  // What git exports for these -c options, captured by an alias.
  std::string exported = sb.sh(
      "git -c alias.pp='!printenv GIT_CONFIG_PARAMETERS' -c Warden.Anchor=\"abc:SHA256:x y\" "
      "-c 'warden.quote=it'\"'\"'s!' -c core.bare -c 'Section.Sub.Name=a=b' pp");
  auto parsed = warden::git::parse_config_parameters(exported);
  INFO(exported);
  REQUIRE(parsed);
  // The alias itself comes first.
  REQUIRE(parsed->size() == 5);
  CHECK((*parsed)[1].key == "warden.anchor");
  CHECK((*parsed)[1].value == "abc:SHA256:x y");
  CHECK((*parsed)[2].key == "warden.quote");
  CHECK((*parsed)[2].value == "it's!");
  CHECK((*parsed)[3].key == "core.bare");
  CHECK_FALSE((*parsed)[3].value.has_value());
  CHECK((*parsed)[4].key == "section.Sub.name");
  CHECK((*parsed)[4].value == "a=b");

  // The old style, 'key=value', as older git versions wrote it.
  auto old = warden::git::parse_config_parameters("'warden.anchor=x' 'core.bare'");
  REQUIRE(old);
  REQUIRE(old->size() == 2);
  CHECK(old->at(0).value == "x");
  CHECK_FALSE(old->at(1).value.has_value());

  for (std::string bogus : {"warden.anchor=x", "'unterminated", "'a.b'x", "'a.b'='v'x"}) {
    INFO(bogus);
    auto r = warden::git::parse_config_parameters(bogus);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "bogus format in GIT_CONFIG_PARAMETERS");
  }
  CHECK_FALSE(warden::git::parse_config_parameters("'nodot'='v'"));
}

TEST_CASE("git -c settings override the repository's config, and bad ones refuse to open it", "[config]") {
  World w;
  w.repo.git("config warden.anchor from-file");
  w.repo.git("config --add warden.multi one");
  auto read = [&](const std::string& key) {
    auto repo = warden::Repository::open(w.repo.path());
    REQUIRE(repo);
    return repo->config_string(key);
  };
  CHECK(read("warden.anchor") == "from-file");
  SECTION("GIT_CONFIG_PARAMETERS") {
    ScopedEnv env("GIT_CONFIG_PARAMETERS", "'warden.anchor'='from-command-line' 'WARDEN.MULTI'='two'");
    CHECK(read("warden.anchor") == "from-command-line");
    auto repo = warden::Repository::open(w.repo.path());
    REQUIRE(repo);
    CHECK(repo->config_strings("warden.multi") == std::vector<std::string>{"one", "two"});
  }
  SECTION("GIT_CONFIG_COUNT, and PARAMETERS after it") {
    ScopedEnv count("GIT_CONFIG_COUNT", "2");
    ScopedEnv k0("GIT_CONFIG_KEY_0", "warden.anchor");
    ScopedEnv v0("GIT_CONFIG_VALUE_0", "from-count");
    ScopedEnv k1("GIT_CONFIG_KEY_1", "warden.other");
    ScopedEnv v1("GIT_CONFIG_VALUE_1", "x");
    CHECK(read("warden.anchor") == "from-count");
    ScopedEnv params("GIT_CONFIG_PARAMETERS", "'warden.anchor'='from-parameters'");
    CHECK(read("warden.anchor") == "from-parameters");
  }
  SECTION("what git refuses to run with, warden refuses too") {
    std::string why;
    {
      ScopedEnv env("GIT_CONFIG_PARAMETERS", "'warden.anchor");
      auto repo = warden::Repository::open(w.repo.path());
      REQUIRE_FALSE(repo);
      why = repo.error().message;
    }
    CHECK(why == "bogus format in GIT_CONFIG_PARAMETERS");
    ScopedEnv count("GIT_CONFIG_COUNT", "1");
    auto repo = warden::Repository::open(w.repo.path());
    REQUIRE_FALSE(repo);
    CHECK(repo.error().message == "missing config key GIT_CONFIG_KEY_0");
  }
}
