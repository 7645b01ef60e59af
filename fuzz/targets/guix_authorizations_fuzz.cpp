// Guix's .guix-authorizations and .guix-channel (S-expressions).
#include "fuzz_input.hpp"
#include "warden/guix_authorizations.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = warden::fuzz::as_text(data, size);
  auto a = warden::parse_guix_authorizations(text);
  if (a) (void)a->authorizes("3CE464558A84FDC69DB40CFB090B11993D9AEBB5");
  (void)warden::guix_keyring_reference(text);
  return 0;
}
