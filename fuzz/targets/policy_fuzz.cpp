// .warden/policy.yml: YAML, then warden's schema (DESIGN section 2).
#include "fuzz_input.hpp"
#include "warden/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = warden::parse_policy(warden::fuzz::as_text(data, size), "fuzz:.warden/policy.yml");
  if (parsed.problems.empty() && !parsed.policy) __builtin_trap();  // the parser's own contract
  return 0;
}
