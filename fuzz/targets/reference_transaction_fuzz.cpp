// The reference-transaction hook's stdin, whose ref names a fetch brings.
#include "fuzz_input.hpp"
#include "hooks/transaction_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)warden::hooks::parse_transaction_input(warden::fuzz::as_text(data, size));
  return 0;
}
