#include "signatures/sha2.hpp"

#include <sodium.h>

namespace warden {
namespace {

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

// libsodium's SHA-2 is one portable implementation: sodium_init() picks
// nothing for it and it uses no random numbers, so it needs no set-up.
static_assert(kSha256Bytes == crypto_hash_sha256_BYTES);

std::string sha256(std::string_view data) {
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()), bytes(data), data.size());
  return digest;
}

std::string sha512(std::string_view data) {
  std::string digest(crypto_hash_sha512_BYTES, '\0');
  crypto_hash_sha512(reinterpret_cast<unsigned char*>(digest.data()), bytes(data), data.size());
  return digest;
}

}  // namespace warden
