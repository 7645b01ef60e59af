// OpenSSH allowed signers files, which git warden init and policy import
// read (gpg.ssh.allowedSignersFile).
#include "fuzz_input.hpp"
#include "signatures/allowed_signers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto signers = warden::parse_allowed_signers(warden::fuzz::as_text(data, size));
  if (signers)
    for (const auto& s : *signers) (void)s.signs_git();
  return 0;
}
