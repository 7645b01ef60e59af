// SHA-256 and SHA-512 of a byte string, as raw digests.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace warden {

// libsodium computes them: OpenSSL 3's one-shot SHA256()/SHA512() fetch
// the algorithm from its providers, and the first fetch of a process
// builds OpenSSL's whole table of algorithm names (about 0.7 ms, a twentieth
// of a push hook's time) for a digest that needs none of it.
inline constexpr std::size_t kSha256Bytes = 32;
std::string sha256(std::string_view data);
std::string sha512(std::string_view data);

}  // namespace warden
