// A commit object split into the bytes its signature covers and the
// signature itself, exactly as git's parse_buffer_signed_by_header() does
// it (commit.c), so that warden verifies what `git verify-commit` verifies:
//   - a header line "gpgsig <text>" and the lines after it that start with
//     a space make up the signature (several such headers are concatenated);
//   - any other header line that starts with "gpgsig" ("gpgsig-sha256",
//     "gpgsigencoding", ...) is left out of the payload with its
//     continuation lines, as git leaves it out;
//   - everything else, and the whole message after the first empty line,
//     is the payload, byte for byte (NUL bytes and CRs included).
#pragma once

#include <string>
#include <string_view>

namespace warden::git {

struct SignedCommit {
  std::string payload;    // what the signature covers
  std::string signature;  // the signature text, "" if none
  int signature_headers = 0;  // how many "gpgsig " header lines
  int other_signature_headers = 0;  // other header lines starting with "gpgsig"
};

// `header` is the signature header of the repository's hash ("gpgsig" for
// SHA-1 repositories).
SignedCommit split_signed_commit(std::string_view raw, std::string_view header = "gpgsig");

}  // namespace warden::git
