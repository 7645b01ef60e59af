#include "verify/authorization.hpp"

#include <fmt/format.h>

namespace warden::verify {

MaybeRefusal may_change(const Policy& policy, const std::string* signer,
                                             const std::vector<std::string>& paths, bool unknown_key,
                                             int approvals) {
  const char* nobody = unknown_key ? "change not signed by any key the policy lists" : "unsigned change";
  for (const auto& path : paths) {
    if (is_policy_path(path)) {
      if (signer == nullptr) return Refusal{"policy", fmt::format("{} to the policy directory .warden/", nobody), path};
      if (!policy.may_change_policy(*signer))
        return Refusal{"policy", fmt::format("{} is not in policy.who and may not change .warden/", *signer), path};
      int people = 1 + approvals;
      if (people < policy.policy.threshold)
        return Refusal{"threshold", fmt::format("changing .warden/ needs {} distinct people, has {}", policy.policy.threshold, people), path};
      continue;
    }
    if (policy.is_unprotected(path)) continue;
    if (signer == nullptr) return Refusal{"unsigned", fmt::format("{} to a protected path", nobody), path};
    if (!policy.granted(*signer, path))
      return Refusal{"grant", fmt::format("{} has no grant covering {}", *signer, path), path};
  }
  return std::nullopt;
}

}  // namespace warden::verify
