#include "verify/authorization.hpp"

#include <fmt/format.h>

namespace warden::verify {

std::optional<PathRefusal> may_change(const Policy& policy, const std::string* signer,
                                             const std::vector<std::string>& paths, bool unknown_key,
                                             int approvals) {
  const char* nobody = unknown_key ? "change not signed by any key the policy lists" : "unsigned change";
  for (const auto& path : paths) {
    if (is_policy_path(path)) {
      if (signer == nullptr) return PathRefusal{"policy", path, fmt::format("{} to the policy directory .warden/", nobody)};
      if (!policy.may_change_policy(*signer))
        return PathRefusal{"policy", path, fmt::format("{} is not in policy.who and may not change .warden/", *signer)};
      int people = 1 + approvals;
      if (people < policy.policy.threshold)
        return PathRefusal{"threshold", path,
                           fmt::format("changing .warden/ needs {} distinct people, has {}", policy.policy.threshold, people)};
      continue;
    }
    if (policy.is_unprotected(path)) continue;
    if (signer == nullptr) return PathRefusal{"unsigned", path, fmt::format("{} to a protected path", nobody)};
    if (!policy.granted(*signer, path))
      return PathRefusal{"grant", path, fmt::format("{} has no grant covering {}", *signer, path)};
  }
  return std::nullopt;
}

}  // namespace warden::verify
