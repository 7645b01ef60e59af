// A client's trust in its remotes (install --client, clone, the client
// hooks): which remotes are trusted, the current remote-tracking refs
// verified and pinned, and what FETCH_HEAD says was fetched.
#pragma once

#include <string>
#include <vector>

#include "warden/verifier.hpp"

namespace warden {

// True for refs/remotes/R/... of a trusted remote: every remote, unless
// git config warden.remote names some. refs/remotes/R/HEAD is not a branch.
bool is_trusted_tracking_ref(const Repository& repo, const std::string& ref);
// Whether the remote `remote` is trusted (as above).
bool is_trusted_remote(const Repository& repo, const std::string& remote);

// Verifies each trusted remote-tracking ref from the anchor and pins it.
// Returns the refusals, one line each (refs that do authenticate are pinned
// only if none is refused).
Result<std::vector<std::string>> pin_tracking_refs(Repository& repo, const Anchor& anchor);

// The commit `git pull` merges or rebases onto (and `git merge FETCH_HEAD`
// merges): the first FETCH_HEAD line not marked not-for-merge, if any.
std::optional<ObjectId> fetched_for_merge(const Repository& repo);

}  // namespace warden
