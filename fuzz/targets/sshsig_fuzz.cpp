// SSHSIG blocks as they stand in a commit's gpgsig header: the armor, the
// blob, the embedded public key and the raw signature inside it.
#include "fuzz_input.hpp"
#include "signatures/sshsig.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = warden::fuzz::as_text(data, size);
  auto sig = warden::parse_sshsig(text);
  if (!sig) return 0;
  auto key = warden::SshPublicKey::parse_blob(sig->public_key);
  if (!key) return 0;
  (void)warden::verify_sshsig(*sig, **key, "message", "git");
  return 0;
}
