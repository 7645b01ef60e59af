#include "signatures/ed25519.hpp"

#include <sodium.h>

namespace warden::ed25519 {
namespace {

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;  // thread-safe, once
  return ready;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

Status verify(std::string_view public_key, std::string_view signature, std::string_view data) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES) return make_error("ed25519 public key is not 32 bytes");
  if (signature.size() != crypto_sign_BYTES) return make_error("ed25519 signature is not 64 bytes");
  if (!sodium_ready()) return make_error("cannot set up signature verification (libsodium)");
  if (crypto_sign_verify_detached(bytes(signature), bytes(data), data.size(), bytes(public_key)) != 0)
    return make_error("signature does not verify");
  return Status::success();
}

}  // namespace warden::ed25519
