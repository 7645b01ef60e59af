// OpenPGP certificates (.warden/keys, keyrings, Guix's keyring branch):
// warden's pre-filter, then RNP's import, then the keys warden keeps.
#include "fuzz_input.hpp"
#include "warden/openpgp_cert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto certs = warden::OpenPgpCert::parse_all(warden::fuzz::as_text(data, size));
  if (!certs) return 0;
  for (const auto& c : *certs) {
    (void)c->fingerprint();
    (void)c->key_fingerprints();
    (void)c->has_key("0123456789ABCDEF");
  }
  return 0;
}
