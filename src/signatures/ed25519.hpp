// Ed25519 signatures (RFC 8032), for SSH and OpenPGP keys alike.
#pragma once

#include <string>
#include <string_view>

#include "warden/result.hpp"

namespace warden::ed25519 {

// Verifies the 64-byte `signature` over `data` by the 32-byte
// `public_key`. libsodium does the work: it takes about 60% of OpenSSL
// 3's time, and Ed25519 checks are the largest cost of an audit. It is
// also stricter than OpenSSL, OpenSSH and GnuPG: it refuses keys and R
// values of small order and non-canonical encodings, which no honest
// signer produces. With a key of small order (the identity point among
// them), OpenSSL and ssh-keygen accept a "signature" anyone can make for
// any message; here nothing signed by such a key verifies.
Status verify(std::string_view public_key, std::string_view signature, std::string_view data);

}  // namespace warden::ed25519
