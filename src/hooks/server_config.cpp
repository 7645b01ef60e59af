#include "hooks/server_config.hpp"

#include <fmt/format.h>

#include "hooks/hook_runner.hpp"

namespace warden::hooks {

Result<PushCheckOptions> server_options(const Repository& repo) {
  PushCheckOptions o;
  if (auto b = repo.config_string("warden.policyBranch")) {
    o.policy_branch = b->starts_with("refs/") ? *b : "refs/heads/" + *b;
    if (!is_valid_ref_name(o.policy_branch)) return make_error(fmt::format("warden.policyBranch: invalid ref '{}'", *b));
  } else if (auto head = repo.head_ref_name(); head && head->starts_with("refs/heads/")) {
    o.policy_branch = *head;
  }
  for (const auto& text : repo.config_strings("warden.acceptedTip")) {
    ObjectId id;
    if (text.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&id.raw, text.data(), text.size()) != 0)
      return make_error(fmt::format("warden.acceptedTip: '{}' is not a full commit id", text));
    o.accepted.push_back(id);
  }
  return o;
}

Result<long> hook_timeout_ms(const Repository& repo) {
  auto text = repo.config_string("warden.hookTimeout");
  if (!text) return kDefaultHookTimeoutMs;
  auto ms = parse_duration_ms(*text);
  if (!ms) return make_error(fmt::format("warden.hookTimeout: '{}' is not a duration (e.g. 300, 90s, 500ms)", *text));
  return *ms;
}

}  // namespace warden::hooks
