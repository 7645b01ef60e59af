// The whole-run checks of policy mode about the anchor (DESIGN section 3):
// the anchor is signed by the anchor key and carries a valid policy, and
// the target (and every known-good commit) is the anchor or descends from
// it. With history_altered (history_checks.hpp) these are the checks made
// on a run as a whole, before and around the per-commit rules.
#pragma once

#include <optional>

#include "verify/commit_facts.hpp"
#include "verify/policy_store.hpp"
#include "warden/anchor.hpp"
#include "warden/refusal.hpp"
#include "warden/git_reads.hpp"

namespace warden::verify {

using MaybeRunRefusal = std::optional<RunRefusal>;

// Nothing if `anchor.commit` is signed by the anchor key (unless
// `signature_checked`: a valid cache says an earlier run checked it) and
// carries a valid policy; else the refusal (anchor-signature,
// anchor-policy). An OpenPGP anchor key's certificate is the one the
// anchor commit carries (its fingerprint, learned out of band, pins it).
Result<MaybeRunRefusal> anchor_refusal(CommitFacts& facts, PolicyStore& policies, const Anchor& anchor,
                                       bool signature_checked);

// Nothing if `c` is `anchor` or descends from it, else the refusal
// (not-descendant); `what` names `c` ("target", "known-good commit").
Result<MaybeRunRefusal> descent_refusal(const GitReads& repo, CommitFacts& facts, const ObjectId& c,
                                        const ObjectId& anchor, const char* what);

}  // namespace warden::verify
