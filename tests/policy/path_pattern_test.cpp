#include <catch2/catch.hpp>

#include "warden/path_pattern.hpp"

using warden::PathPattern;

TEST_CASE("path patterns cover a path and what is under it, never a sibling prefix", "[policy][paths]") {
  auto root = *PathPattern::parse("/");
  CHECK(root.covers("anything/at/all"));
  CHECK(root.covers("x"));
  for (const char* text : {"pkgs/foo", "pkgs/foo/"}) {
    auto p = *PathPattern::parse(text);
    INFO(text);
    CHECK(p.covers("pkgs/foo"));
    CHECK(p.covers("pkgs/foo/bar.nix"));
    CHECK_FALSE(p.covers("pkgs/foobar"));
    CHECK_FALSE(p.covers("pkgs/foobar/x"));
    CHECK_FALSE(p.covers("pkgs"));
    CHECK_FALSE(p.covers("Pkgs/foo"));  // case-sensitive
  }
}

TEST_CASE("invalid path patterns are refused with a reason", "[policy][paths]") {
  CHECK(PathPattern::parse("").error().message == "empty path pattern");
  CHECK(PathPattern::parse("a/../b").error().message == "path pattern 'a/../b' contains a '..' segment");
  CHECK(PathPattern::parse("./a").error().message == "path pattern './a' contains a '.' segment");
  CHECK(PathPattern::parse("a//b").error().message == "path pattern 'a//b' contains '//'");
  CHECK(PathPattern::parse("/a").error().message == "path pattern '/a' starts with '/' (write paths relative to the top)");
  CHECK(PathPattern::parse("a\\b").error().message == "path pattern 'a\\b' contains a backslash");
  CHECK(PathPattern::parse(std::string("a\0b", 3)).error().message == "path pattern contains a NUL byte");
}

TEST_CASE("overlap and the policy directory", "[policy][paths]") {
  CHECK(PathPattern::parse("/")->overlaps(*PathPattern::parse(".warden")));
  CHECK(PathPattern::parse(".warden/keys")->overlaps(*PathPattern::parse(".warden")));
  CHECK_FALSE(PathPattern::parse(".wardenx")->overlaps(*PathPattern::parse(".warden")));
  CHECK(warden::is_policy_path(".warden"));
  CHECK(warden::is_policy_path(".warden/policy.yml"));
  CHECK_FALSE(warden::is_policy_path(".wardens/x"));
}
