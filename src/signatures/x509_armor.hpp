// The armor of git's x509 signatures ("-----BEGIN SIGNED MESSAGE-----").
#pragma once

#include <string>
#include <string_view>

#include "warden/result.hpp"

namespace warden {

// The DER inside: only base64 lines (CRLF allowed) between the two armor
// lines, nothing before or after them but line ends.
Result<std::string> dearmor_x509(std::string_view text);

}  // namespace warden
