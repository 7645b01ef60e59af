#include "git/command_line_config.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>

namespace warden::git {
namespace {

constexpr const char* kParameters = "GIT_CONFIG_PARAMETERS";

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// git's sq_dequote_step: `text` at `at` starts with a single quote; the
// quoted string (with '\'' and '\!' sequences between quoted parts), and
// `at` moved past it. nullopt if it is not well quoted.
std::optional<std::string> sq_dequote_step(std::string_view text, size_t& at) {
  if (at >= text.size() || text[at] != '\'') return std::nullopt;
  std::string out;
  size_t i = at + 1;
  for (;;) {
    if (i >= text.size()) return std::nullopt;
    char c = text[i];
    if (c != '\'') {
      out.push_back(c);
      ++i;
      continue;
    }
    ++i;  // stepped out of the quotes
    if (i < text.size() && text[i] == '\\' && i + 2 < text.size() && (text[i + 1] == '\'' || text[i + 1] == '!') &&
        text[i + 2] == '\'') {
      out.push_back(text[i + 1]);
      i += 3;  // and back into quotes
      continue;
    }
    at = i;
    return out;
  }
}

Error bogus() { return make_error(fmt::format("bogus format in {}", kParameters)); }

}  // namespace

Result<std::string> canonical_config_key(std::string_view key) {
  size_t first = key.find('.'), last = key.rfind('.');
  if (key.empty()) return make_error("empty config key");
  if (first == std::string_view::npos || first == 0 || last + 1 == key.size())
    return make_error(fmt::format("key does not contain a section: {}", key));
  std::string out(key);
  for (size_t i = 0; i < first; ++i) out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
  for (size_t i = last + 1; i < out.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    if (!std::isalnum(c) && c != '-') return make_error(fmt::format("invalid key: {}", key));
    out[i] = static_cast<char>(std::tolower(c));
  }
  if (!std::isalpha(static_cast<unsigned char>(out[last + 1]))) return make_error(fmt::format("invalid key: {}", key));
  return out;
}

Result<std::vector<ConfigEntry>> parse_config_parameters(std::string_view text) {
  std::vector<ConfigEntry> out;
  size_t at = 0;
  while (at < text.size()) {
    auto key = sq_dequote_step(text, at);
    if (!key) return bogus();
    ConfigEntry e;
    if (at >= text.size() || is_space(text[at])) {
      // old style 'key=value'
      size_t eq = key->find('=');
      std::string name = key->substr(0, eq);
      if (name.empty()) return make_error(fmt::format("bogus config parameter: {}", *key));
      if (eq != std::string::npos) e.value = key->substr(eq + 1);
      auto canonical = canonical_config_key(name);
      if (!canonical) return canonical.error();
      e.key = *canonical;
    } else if (text[at] == '=') {
      // new style 'key'='value', or 'key'= (no value)
      ++at;
      if (at < text.size() && text[at] == '\'') {
        auto value = sq_dequote_step(text, at);
        if (!value || (at < text.size() && !is_space(text[at]))) return bogus();
        e.value = std::move(*value);
      } else if (at < text.size() && !is_space(text[at])) {
        return bogus();
      }
      auto canonical = canonical_config_key(*key);
      if (!canonical) return canonical.error();
      e.key = *canonical;
    } else {
      return bogus();
    }
    out.push_back(std::move(e));
    while (at < text.size() && is_space(text[at])) ++at;
  }
  return out;
}

Result<std::vector<ConfigEntry>> command_line_config() {
  std::vector<ConfigEntry> out;
  if (const char* count_text = std::getenv("GIT_CONFIG_COUNT")) {
    char* end = nullptr;
    errno = 0;
    unsigned long count = std::strtoul(count_text, &end, 10);
    if (*end != '\0' || errno != 0) return make_error("bogus count in GIT_CONFIG_COUNT");
    if (count > INT_MAX) return make_error("too many entries in GIT_CONFIG_COUNT");
    for (unsigned long i = 0; i < count; ++i) {
      std::string key_var = fmt::format("GIT_CONFIG_KEY_{}", i), value_var = fmt::format("GIT_CONFIG_VALUE_{}", i);
      const char* key = std::getenv(key_var.c_str());
      if (key == nullptr) return make_error(fmt::format("missing config key {}", key_var));
      const char* value = std::getenv(value_var.c_str());
      if (value == nullptr) return make_error(fmt::format("missing config value {}", value_var));
      auto canonical = canonical_config_key(key);
      if (!canonical) return canonical.error();
      out.push_back(ConfigEntry{*canonical, std::string(value)});
    }
  }
  if (const char* params = std::getenv(kParameters)) {
    auto parsed = parse_config_parameters(params);
    if (!parsed) return parsed.error();
    out.insert(out.end(), parsed->begin(), parsed->end());
  }
  return out;
}

}  // namespace warden::git
