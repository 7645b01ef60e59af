// Guix's channel authorizations, the .guix-authorizations file:
//
//   (authorizations
//     (version 0)
//     (("3CE4 6455 8A84 FDC6 9DB4  0CFB 090B 1199 3D9A EBB5" (name "alice"))
//      ...))
//
// read exactly as Guix reads it: the fingerprints of the entries (spaces
// and case ignored), other fields ignored except a name, which is kept for
// `policy import guix`. Anything else is an error naming the line. Also
// `(keyring-reference "...")` from .guix-channel.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warden/result.hpp"

namespace warden {

inline constexpr const char* kGuixAuthorizationsPath = ".guix-authorizations";
inline constexpr const char* kGuixChannelPath = ".guix-channel";

struct GuixAuthorization {
  std::string fingerprint;  // 40 upper-case hex digits
  std::string name;         // from (name "..."), or ""
};

struct GuixAuthorizations {
  std::vector<GuixAuthorization> keys;  // in file order, without repeats
  bool authorizes(const std::string& fingerprint) const;
};

// Parses .guix-authorizations. Errors read "line N: problem".
Result<GuixAuthorizations> parse_guix_authorizations(std::string_view text);

// The (keyring-reference "...") of a .guix-channel file, if it has one.
Result<std::optional<std::string>> guix_keyring_reference(std::string_view channel_file);

}  // namespace warden
