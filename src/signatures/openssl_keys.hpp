// Public keys and signature encodings built for OpenSSL from raw parts,
// shared by the SSH and OpenPGP code.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "signatures/openssl_handles.hpp"
#include "warden/result.hpp"

namespace warden::openssl {

inline constexpr int kMinRsaBits = 2048;
// DSA keys whose p has fewer bits are refused too: 1024-bit DSA (gpg's old
// default, with SHA-1) gives about 80 bits of security, as 1024-bit RSA does.
inline constexpr int kMinDsaBits = 2048;

// An Ed25519 key from its 32-byte public value.
Result<PKey> ed25519_key(std::string_view pk);
// An EC key on `group` (OpenSSL's name, "prime256v1") from an uncompressed point.
Result<PKey> ec_key(const char* group, std::string_view point);
// An RSA key from big-endian e and n; under kMinRsaBits is refused.
Result<PKey> rsa_key(std::string_view e, std::string_view n);
// A DSA key from big-endian p, q, g and y; p under kMinDsaBits is refused.
Result<PKey> dsa_key(std::string_view p, std::string_view q, std::string_view g, std::string_view y);
// Verifies `sig` over `data`, hashed with `md` (nullptr for Ed25519).
Status digest_verify(EVP_PKEY* key, const EVP_MD* md, std::string_view sig, std::string_view data);
// The digest of an OpenPGP hash algorithm id (SHA-1 and SHA-2), or nullptr.
const EVP_MD* openpgp_md(uint8_t algorithm);
// ECDSA's (r, s), big-endian, as DER.
Result<std::string> ecdsa_der(std::string_view r, std::string_view s);

}  // namespace warden::openssl
