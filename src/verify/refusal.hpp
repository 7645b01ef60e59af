// A refusal inside the engine: the public Refusal (rule, reason, path),
// and "no refusal" as std::nullopt, never an empty string.
#pragma once

#include <optional>

#include "warden/refusal.hpp"

namespace warden::verify {

using warden::Refusal;
using MaybeRefusal = std::optional<Refusal>;

}  // namespace warden::verify
