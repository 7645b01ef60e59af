// A raw commit (or tag) object: the signature headers are split off as git
// does it, then the signature is recognised, parsed and checked.
#include "fuzz_input.hpp"
#include "signatures/commit_signature.hpp"
#include "git/signed_commit.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto split = warden::git::split_signed_commit(warden::fuzz::as_text(data, size));
  warden::SignatureChecker checker(/*allow_sha1=*/true);
  (void)checker.check_signed(split.signature, split.payload);
  return 0;
}
