// The trust anchor as users write it ("COMMIT:FINGERPRINT") and as warden
// keeps it in git config (warden.anchor; written by anchor_store.hpp).
#pragma once

#include <optional>
#include <string>

#include "warden/git_reads.hpp"

namespace warden {

// Where trust starts: a commit and the fingerprint of the key that must
// have signed it ("SHA256:..." for SSH keys).
struct Anchor {
  ObjectId commit;
  std::string fingerprint;
};

inline constexpr const char* kAnchorConfigKey = "warden.anchor";

// Splits "COMMIT:FINGERPRINT" at the first ':' and resolves COMMIT in
// `repo`. FINGERPRINT is an SSH key's "SHA256:<base64>" as `ssh-keygen -l`
// prints it, or an OpenPGP v4 fingerprint (40 hex digits, spaces allowed).
Result<Anchor> parse_anchor(const GitReads& repo, const std::string& text);

// The anchor: `override_text` if given, else git config warden.anchor.
Result<Anchor> load_anchor(const GitReads& repo, const std::optional<std::string>& override_text);

}  // namespace warden
