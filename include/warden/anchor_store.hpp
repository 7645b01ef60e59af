// Trust state: the anchor kept in the repository's git config
// (warden.anchor), where `trust --anchor`, `clone` and `install` put it and
// every later check reads it (load_anchor in anchor.hpp).
#pragma once

#include "warden/anchor.hpp"
#include "warden/repository.hpp"

namespace warden {

// Writes warden.anchor as "FULL-COMMIT-ID:FINGERPRINT".
Status store_anchor(Repository& repo, const Anchor& anchor);

}  // namespace warden
