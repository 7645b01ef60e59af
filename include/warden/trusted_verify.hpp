// Verification with the client's trust state: commits in the verified-
// commit cache and pinned commits are known good, and a successful run adds
// its target to the cache.
#pragma once

#include <string>
#include <vector>

#include "warden/repository.hpp"
#include "warden/verifier.hpp"

namespace warden {

struct TrustedVerify {
  bool use_cache = true;
  bool use_pins = true;
  std::vector<ObjectId> known_good;  // vouched for by the caller
  std::optional<ObjectId> previous_tip;  // see VerifyRequest::previous_tip
  bool keep_going = false;
  std::function<void(size_t, size_t)> progress;
  // Notes commits holding approvals besides the repository's own (a fetch
  // whose notes update is not yet in its ref).
  std::vector<ObjectId> approval_notes;
};

struct TrustedReport {
  VerifyReport report;
  VerifyRequest request;
  std::string warning;  // e.g. why the cache was ignored
};

// The notes commits a client reads approvals from: refs/notes/warden (its
// own approvals) and refs/notes/remotes/<remote>/warden (what it fetched).
Result<std::vector<ObjectId>> client_approval_notes(const Repository& repo);
bool is_client_approval_notes_ref(std::string_view ref);
// The fetch refspec that brings a remote's approvals (its notes refs,
// refs/notes/warden among them, under refs/notes/remotes/<remote>/).
std::string approval_notes_refspec(const std::string& remote);

Result<TrustedReport> verify_trusted(Repository& repo, Verifier& verifier, const Anchor& anchor, const ObjectId& target,
                                     const TrustedVerify& how);

}  // namespace warden
