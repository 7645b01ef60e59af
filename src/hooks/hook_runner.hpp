// What every hook needs from its surroundings: where hooks live, its input,
// a deadline, and running the hook it was chained in front of.
#pragma once

#include <string>
#include <vector>

#include "warden/repository.hpp"

namespace warden::hooks {

// `requested` if given (absolute, or relative to GIT_DIR), else
// core.hooksPath if set, else GIT_DIR/hooks.
std::string hooks_dir(const Repository& repo, const std::string& requested = "");

// The repository a hook runs in: GIT_DIR if git set it, else the current
// directory.
Result<Repository> open_hook_repository();

// Reads all of stdin, refusing more than `limit` bytes.
Result<std::string> read_stdin(size_t limit);

// From now on, if the process is still running after `millis`, it prints
// "warden: hook timed out" and kills itself with SIGKILL (so git sees a
// hook killed by a signal, and refuses).
void set_deadline(long millis);

inline constexpr long kDefaultHookTimeoutMs = 300 * 1000;
// How long a hook may run: git config warden.hookTimeout ("300", "90s",
// "500ms"), else the default.
Result<long> hook_timeout_ms(const Repository& repo);

// Parses a duration ("300", "300s", "250ms") into milliseconds; nullopt if
// malformed.
std::optional<long> parse_duration_ms(const std::string& text);

// Runs `path` with `args` and `input` on its stdin; returns its exit status
// (128+N if killed by signal N), or an error if it cannot be started.
Result<int> run_with_input(const std::string& path, const std::vector<std::string>& args, const std::string& input);

// Runs DIR/NAME.chained, if there is one (the hook warden was installed in
// front of with --chain), with the same arguments and input. Returns its
// exit status, or 0 if there is none.
Result<int> run_chained(const Repository& repo, const std::string& name, const std::vector<std::string>& args,
                        const std::string& input);

}  // namespace warden::hooks
