// sequoia-git's openpgp-policy.toml (toml++, then the keyrings with RNP),
// and the difference between two policies read from one input.
#include "fuzz_input.hpp"
#include "warden/sequoia_policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = warden::fuzz::as_text(data, size);
  auto p = warden::parse_sequoia_policy(text);
  if (!p) return 0;
  (void)p->openpgp_cert_for("3CE464558A84FDC69DB40CFB090B11993D9AEBB5");
  warden::SequoiaPolicy empty;
  for (const auto& change : warden::sequoia_changes(empty, *p)) (void)change.describe();
  for (const auto& change : warden::sequoia_changes(*p, empty)) (void)change.describe();
  return 0;
}
