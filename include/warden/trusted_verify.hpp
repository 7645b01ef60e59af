// Verification with the client's trust state: commits in the verified-
// commit cache and pinned commits are known good, and a successful run adds
// its target to the cache.
#pragma once

#include <string>
#include <vector>

#include "warden/verifier.hpp"

namespace warden {

struct TrustedVerify {
  bool use_cache = true;
  bool use_pins = true;
  std::vector<ObjectId> known_good;  // vouched for by the caller
  std::optional<ObjectId> previous_tip;  // see VerifyRequest::previous_tip
  bool keep_going = false;
  std::function<void(size_t, size_t)> progress;
};

struct TrustedReport {
  VerifyReport report;
  VerifyRequest request;
  std::string warning;  // e.g. why the cache was ignored
};

Result<TrustedReport> verify_trusted(Repository& repo, Verifier& verifier, const Anchor& anchor, const ObjectId& target,
                                     const TrustedVerify& how);

}  // namespace warden
