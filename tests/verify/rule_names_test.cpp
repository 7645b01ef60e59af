// The one table of rule names drives the README's schema: the block
// between <!-- rules:begin --> and <!-- rules:end --> must be exactly what
// the table renders to.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "warden/refusal.hpp"

namespace {

std::string rendered() {
  std::string out = "| `rule` | mode | meaning |\n| ------ | ---- | ------- |\n";
  for (const auto& r : warden::rule_table()) out += fmt::format("| `{}` | {} | {} |\n", r.name, r.mode, r.meaning);
  out += "\n| `refusal_kind` | meaning |\n| -------------- | ------- |\n";
  for (const auto& c : warden::run_check_table()) out += fmt::format("| `{}` | {} |\n", c.name, c.meaning);
  return out;
}

const std::string kBegin = "<!-- rules:begin -->\n", kEnd = "<!-- rules:end -->";

std::string readme() {
  std::ifstream in(WARDEN_SOURCE_DIR "/README.md");
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

std::string readme_block() {
  std::string text = readme();
  auto b = text.find(kBegin), e = text.find(kEnd);
  if (b == std::string::npos || e == std::string::npos || e < b) return "(no rules block in README.md)";
  return text.substr(b + kBegin.size(), e - b - kBegin.size());
}

}  // namespace

TEST_CASE("rule names: the README's list is the engine's table", "[rules]") {
  // WARDEN_UPDATE_README=1 rewrites the block from the table (after a rule
  // is added or renamed); the test then passes, and the diff shows it.
  if (const char* update = std::getenv("WARDEN_UPDATE_README"); update && std::string(update) == "1") {
    std::string text = readme();
    auto b = text.find(kBegin), e = text.find(kEnd);
    REQUIRE((b != std::string::npos && e != std::string::npos && b < e));
    text.replace(b + kBegin.size(), e - b - kBegin.size(), rendered());
    std::ofstream(WARDEN_SOURCE_DIR "/README.md") << text;
  }
  INFO("README.md's rules block differs from src/verify/rule_names.cpp (WARDEN_UPDATE_README=1 rewrites it)");
  CHECK(readme_block() == rendered());
}

TEST_CASE("rule names: every rule and run check has one distinct name", "[rules]") {
  std::set<std::string_view> names;
  for (const auto& r : warden::rule_table()) {
    CHECK(names.insert(r.name).second);
    CHECK(warden::name_of(r.rule) == r.name);
    CHECK(warden::rule_named(r.name) == r.rule);
    CHECK((r.mode == "policy" || r.mode == "guix" || r.mode == "sequoia" || r.mode == "all"));
  }
  CHECK(warden::rule_table().size() == static_cast<size_t>(warden::Rule::sequoia_policy_file) + 1);
  std::set<std::string_view> kinds;
  for (const auto& c : warden::run_check_table()) {
    CHECK(kinds.insert(c.name).second);
    CHECK(warden::name_of(c.check) == c.name);
  }
  CHECK(warden::run_check_table().size() == static_cast<size_t>(warden::RunCheck::not_descendant) + 1);
  CHECK_FALSE(warden::rule_named("authorizations").has_value());
}
