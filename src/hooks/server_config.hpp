// The server's settings, from git config:
//   warden.policyBranch  the branch whose policy holds the ref rules
//                        (default: the branch HEAD names)
//   warden.acceptedTip   tips trusted without verification at install time
//   warden.hookTimeout   how long a hook may run ("300", "90s", "500ms")
#pragma once

#include "warden/push_check.hpp"

namespace warden::hooks {

inline constexpr long kDefaultHookTimeoutMs = 300 * 1000;

Result<PushCheckOptions> server_options(const Repository& repo);
Result<long> hook_timeout_ms(const Repository& repo);

}  // namespace warden::hooks
