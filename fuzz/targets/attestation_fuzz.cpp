// Attestations from notes: a DSSE envelope line, the statement inside it
// (approval, tree approval, review, build), and the NAME=ALGO:HEX specs
// `attest --from` reads.
#include "attest/envelope.hpp"
#include "attest/statement.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [mode, rest] = warden::fuzz::split_mode(data, size);
  switch (mode % 3) {
    case 0: {
      auto envelope = warden::attest::parse_envelope(rest);
      if (envelope) (void)warden::attest::parse_statement(envelope->payload);
      break;
    }
    case 1:
      (void)warden::attest::parse_statement(rest);
      break;
    default:
      (void)warden::attest::parse_build_output(rest);
      (void)warden::attest::parse_digest(rest);
      (void)warden::attest::dearmor_signature(rest);
      break;
  }
  return 0;
}
