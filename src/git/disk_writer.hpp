// What the writers that keep their objects (notes, snapshots) share: a
// plain handle on the repository (Repository's own writes to memory only),
// the committer identity, and a ref moved only from the value it was read at.
#pragma once

#include <optional>
#include <string>

#include "git/handles.hpp"
#include "warden/object_id.hpp"
#include "warden/result.hpp"

namespace warden::git {

using SignatureHandle = Handle<git_signature, git_signature_free>;

// A handle on `git_dir` that writes objects to disk.
Result<RepositoryHandle> open_disk_writer(const std::string& git_dir, const std::string& purpose);
// The configured user, or "warden <warden@localhost>".
Result<SignatureHandle> committer(git_repository* repo);
// Points `ref` at `to`, only from `from` (or creates it when `from` is
// empty): a concurrent writer makes this fail rather than be lost.
Status move_ref_from(git_repository* repo, const std::string& ref, const ObjectId& to,
                     const std::optional<ObjectId>& from, const std::string& message);

}  // namespace warden::git
