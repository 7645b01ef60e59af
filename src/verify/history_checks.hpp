// Checks on a whole run, shared by every rule set (policy mode, Guix
// mode): git must show the history that is verified. A replace ref or a
// graft that touches the target's history, a replaced tree or blob, or a
// shallow clone makes git show other history than the objects hold.
#pragma once

#include <optional>
#include <string>

#include "warden/object_id.hpp"
#include "warden/refusal.hpp"
#include "warden/git_reads.hpp"
#include "warden/result.hpp"

namespace warden::verify {

// Nothing unless git would show another history for `target` than the
// objects hold, else the refusal (RunCheck::history_altered): why, in one
// line with the way out. An Error: the
// repository cannot be read (never a pass).
Result<std::optional<RunRefusal>> history_altered(const GitReads& repo, const ObjectId& target);

}  // namespace warden::verify
