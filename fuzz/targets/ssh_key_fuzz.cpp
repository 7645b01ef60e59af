// SSH public keys: "TYPE BASE64 COMMENT" lines (policies, allowed-signers
// files) and wire blobs (embedded in signatures); a key that parses then
// checks the rest of the input as a raw SSH signature.
#include "fuzz_input.hpp"
#include "warden/ssh_key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [mode, rest] = warden::fuzz::split_mode(data, size);
  if (mode % 2 == 0) {
    (void)warden::SshPublicKey::parse_line(rest);
    return 0;
  }
  // A length byte, the key blob, then the signature blob.
  if (rest.empty()) return 0;
  size_t n = static_cast<unsigned char>(rest[0]) * 4;
  rest.remove_prefix(1);
  if (n > rest.size()) n = rest.size();
  auto key = warden::SshPublicKey::parse_blob(rest.substr(0, n));
  if (!key) return 0;
  (void)(*key)->fingerprint();
  (void)(*key)->verify(rest.substr(n), "signed data");
  return 0;
}
