// The settings git hands a subcommand or a hook from its command line
// (`git -c key=value`): GIT_CONFIG_COUNT with GIT_CONFIG_KEY_<n> and
// GIT_CONFIG_VALUE_<n>, then GIT_CONFIG_PARAMETERS, read exactly as git's
// config.c reads them (git_config_from_parameters). They override every
// config file. libgit2 does not read them; warden does, so that
// `git -c warden.anchor=... warden verify` means what it means to git.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warden/result.hpp"

namespace warden::git {

struct ConfigEntry {
  std::string key;                   // canonical: section and name lower-case
  std::optional<std::string> value;  // nullopt: "key" given without "=" (true as a boolean)
};

// Parses GIT_CONFIG_PARAMETERS: 'key'='value' or 'key=value' items,
// single-quoted as git's sq_quote writes them, separated by white space.
// An error names the variable, as git's "bogus format in ..." does.
Result<std::vector<ConfigEntry>> parse_config_parameters(std::string_view text);

// The command-line settings of this process's environment, in git's order
// (the later wins). An error is what git would refuse to run with.
Result<std::vector<ConfigEntry>> command_line_config();

// "Section.Sub.Name" -> "section.Sub.name"; an error if it is not a key.
Result<std::string> canonical_config_key(std::string_view key);

}  // namespace warden::git
