// Pins (DESIGN section 4): for each verified remote-tracking ref, the last
// verified commit, kept as a ref under refs/warden/pins/ so that updates
// are atomic and lock like any ref. A new tip that does not descend from
// its pin is a rollback or a rewrite.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "warden/repository.hpp"

namespace warden {

inline constexpr const char* kPinPrefix = "refs/warden/pins/";

// "refs/remotes/origin/main" -> "refs/warden/pins/remotes/origin/main".
std::string pin_ref_for(const std::string& tracking_ref);
// The inverse; nullopt if `pin_ref` is not a pin.
std::optional<std::string> tracking_ref_for(const std::string& pin_ref);
// "origin/main" or "refs/remotes/origin/main" -> "refs/remotes/origin/main".
std::string full_tracking_ref(const std::string& name);
// "refs/remotes/origin/main" -> "origin/main".
std::string short_tracking_ref(const std::string& tracking_ref);

struct Pin {
  std::string tracking_ref;
  ObjectId commit;
};

Result<std::vector<Pin>> list_pins(const Repository& repo);
Result<std::optional<ObjectId>> read_pin(const Repository& repo, const std::string& tracking_ref);
Status write_pin(Repository& repo, const std::string& tracking_ref, const ObjectId& commit, const std::string& why);

}  // namespace warden
