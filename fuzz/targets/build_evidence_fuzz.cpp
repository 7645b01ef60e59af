// A build evidence file (verify-build --evidence), as someone hands it over.
#include "fuzz_input.hpp"
#include "warden/build_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)warden::parse_build_evidence(warden::fuzz::as_text(data, size), warden::ObjectId{}, "fuzz.json");
  return 0;
}
