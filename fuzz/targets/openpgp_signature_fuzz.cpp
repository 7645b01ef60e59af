// OpenPGP signatures as git stores them: the ASCII armor (mode 0) and the
// packet inside it (mode 1: the input is armored here first, so that the
// fuzzer reaches the packet parser without guessing base64).
#include "fuzz_input.hpp"
#include "signatures/base64.hpp"
#include "signatures/openpgp_signature.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [mode, rest] = warden::fuzz::split_mode(data, size);
  if (mode % 2 == 0) {
    (void)warden::dearmor(rest, "PGP SIGNATURE");
    (void)warden::parse_openpgp_signature(rest, "signed data");
    return 0;
  }
  std::string armored = "-----BEGIN PGP SIGNATURE-----\n\n" + warden::base64_encode(rest) +
                        "\n-----END PGP SIGNATURE-----\n";
  (void)warden::parse_openpgp_signature(armored, "signed data");
  return 0;
}
