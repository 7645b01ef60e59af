// The server's settings, from git config:
//   warden.policyBranch  the branch whose policy holds the ref rules
//                        (default: the branch HEAD names)
// and the tips trusted without verification at install time, kept as refs
// refs/warden/accepted/<id> (install --accept-existing).
//   warden.hookTimeout   how long a hook may run ("300", "90s", "500ms")
#pragma once

#include "warden/push_check.hpp"

namespace warden::hooks {

inline constexpr long kDefaultHookTimeoutMs = 300 * 1000;
inline constexpr const char* kAcceptedPrefix = "refs/warden/accepted/";

Result<PushCheckOptions> server_options(const Repository& repo);
Result<long> hook_timeout_ms(const Repository& repo);

}  // namespace warden::hooks
