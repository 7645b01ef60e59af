// The server's settings, from git config:
//   warden.policyBranch  the branch whose policy holds the ref rules
//                        (default: the branch HEAD names)
// and the tips trusted without verification at install time, kept as refs
// refs/warden/accepted/<id> (install --accept-existing).
#pragma once

#include "warden/push_check.hpp"

namespace warden::server {

inline constexpr const char* kAcceptedPrefix = "refs/warden/accepted/";

Result<PushCheckOptions> server_options(const Repository& repo);

}  // namespace warden::server
