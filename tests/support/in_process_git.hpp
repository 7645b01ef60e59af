// `git add -A && git commit -S` in the test process, with libgit2 and
// ssh_sign (ssh_signer.hpp): the same objects git makes (same tree, the
// identity from the repository's config, the sandbox's fixed date, an
// SSHSIG in the gpgsig header), without the four processes a commit costs
// through git. tests/git/in_process_commit_test.cpp compares the two.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "support/sandbox.hpp"

namespace test {

// The date Sandbox::run gives git (GIT_AUTHOR_DATE, GIT_COMMITTER_DATE):
// 2026-01-01T00:00:00Z.
inline constexpr int64_t kSandboxDate = 1767225600;

// Stages the work tree as `git add -A` does and commits it on HEAD (an
// unborn branch gets a root commit), signed by `signer` unless it is
// null. Returns the new commit's id, or nullopt where git must make the
// commit itself, as a user's would: the repository has hooks or
// core.hooksPath (they must run), an operation in progress (a merge, a
// cherry-pick), or a key ssh_sign does not take.
std::optional<std::string> commit_in_process(const std::string& repo_path, const std::string& message,
                                             const Key* signer);

}  // namespace test
