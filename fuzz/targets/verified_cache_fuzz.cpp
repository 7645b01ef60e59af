// The verified-commit cache file. Mode 0 takes the input as the file;
// mode 1 appends the checksum a real file ends with, so that the fuzzer
// reaches what is behind it.
#include <openssl/sha.h>

#include "fuzz_input.hpp"
#include "warden/verified_cache.hpp"

namespace {
std::string sha256_hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : md) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr std::string_view kAnchor = "anchor 1111111111111111111111111111111111111111:SHA256:fuzz";
  auto [mode, rest] = warden::fuzz::split_mode(data, size);
  if (mode % 2 == 0) {
    (void)warden::VerifiedCache::parse_cache_file(rest, kAnchor);
    return 0;
  }
  std::string text(rest);
  text += "sha256 " + sha256_hex(text) + "\n";
  (void)warden::VerifiedCache::parse_cache_file(text, kAnchor);
  return 0;
}
