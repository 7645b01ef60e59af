#include "warden/anchor_store.hpp"

#include <fmt/format.h>

namespace warden {

Status store_anchor(Repository& repo, const Anchor& anchor) {
  return repo.set_config_string(kAnchorConfigKey, fmt::format("{}:{}", anchor.commit.hex(), anchor.fingerprint));
}

}  // namespace warden
