// snapshot.json, as a mirror serves it on refs/warden/snapshot.
#include "fuzz_input.hpp"
#include "warden/snapshot.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)warden::parse_snapshot(warden::fuzz::as_text(data, size), warden::ObjectId{});
  return 0;
}
