// What the commands that write or read a policy's files share: person
// names the policy accepts, made from what another tool calls someone, and
// whole files read and written.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>

#include "warden/result.hpp"

namespace warden::cli {

// A policy person name made from `text` (a Guix name, an e-mail address's
// local part): letters, digits, '.', '_' and '-', spaces turned into '-',
// at most 48 characters; `fallback` if nothing is left; "-2", "-3", ...
// appended when `taken` has it already. The result is added to `taken`.
std::string unique_person_name(std::string_view text, const std::string& fallback, std::set<std::string>& taken);

// Writes `content` to `path`, creating its directories.
Status write_file(const std::filesystem::path& path, const std::string& content);

// The whole file, or why not ("cannot read PATH", "PATH is over N bytes").
Result<std::string> read_file(const std::string& path, size_t max_bytes);

}  // namespace warden::cli
