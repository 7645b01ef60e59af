// A client's trust in its remotes (install --client, clone, the client
// hooks): which remotes are trusted, the current remote-tracking refs
// verified and pinned, and what FETCH_HEAD says was fetched.
#pragma once

#include <string>
#include <vector>

#include "warden/repository.hpp"
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

// The commits whose policies speak for `remote` in a fetch, the most
// authoritative first: the remote's default branch (what
// refs/remotes/<remote>/HEAD names, main, master), then what the fetch
// brings (`moved`: refs the fetch writes for that remote -> the id
// written) ahead of what is pinned (a fetched tip descends from its pin:
// the client refuses it otherwise), then by ref name; never by commit
// date, which the signer picks (DESIGN section 3). Each commit once.
Result<std::vector<ObjectId>> remote_policy_commits(const Repository& repo, const std::string& remote,
                                                    const std::vector<std::pair<std::string, ObjectId>>& moved);

// The commit `git pull` merges or rebases onto (and `git merge FETCH_HEAD`
// merges): the first FETCH_HEAD line not marked not-for-merge, if any.
std::optional<ObjectId> fetched_for_merge(const Repository& repo);

}  // namespace warden
