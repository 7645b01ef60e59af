// Strict standard base64 (RFC 4648 section 4), through OpenSSL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace warden {

// Decodes base64 text with no whitespace. Returns nullopt on any character
// outside the alphabet, a length that is not a multiple of 4, or misplaced
// padding.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

}  // namespace warden
