// The pre-receive hook's stdin: "<old> <new> <ref>" lines from a pusher.
#include "fuzz_input.hpp"
#include "warden/push_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)warden::parse_ref_updates(warden::fuzz::as_text(data, size));
  return 0;
}
