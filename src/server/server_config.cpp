#include "server/server_config.hpp"

#include <fmt/format.h>

namespace warden::server {

Result<PushCheckOptions> server_options(const Repository& repo) {
  PushCheckOptions o;
  if (auto b = repo.config_string("warden.policyBranch")) {
    o.policy_branch = b->starts_with("refs/") ? *b : "refs/heads/" + *b;
    if (!is_valid_ref_name(o.policy_branch)) return make_error(fmt::format("warden.policyBranch: invalid ref '{}'", *b));
  } else if (auto head = repo.head_ref_name(); head && head->starts_with("refs/heads/")) {
    o.policy_branch = *head;
  }
  auto refs = repo.list_refs();
  if (!refs) return refs.error();
  for (const auto& r : *refs)
    if (r.name.starts_with(kAcceptedPrefix)) o.accepted.push_back(r.target);
  return o;
}

}  // namespace warden::server
