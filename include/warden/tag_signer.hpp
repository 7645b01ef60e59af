// Who signed an annotated tag, under a given policy.
#pragma once

#include <string>

#include "warden/policy.hpp"
#include "warden/repository.hpp"

namespace warden {

// The person of `policy` whose key made the tag's SSH signature (namespace
// "git", over the tag object up to the signature). An error says why there
// is none: unsigned, bad signature, unsupported kind, or a key the policy
// does not list.
Result<std::string> tag_signer(const TagData& tag, const Policy& policy);

}  // namespace warden
