// A refusal inside the engine: which rule, why, and the first offending
// path if a path is to blame. "No refusal" is std::nullopt, never an empty
// string.
#pragma once

#include <optional>
#include <string>

namespace warden::verify {

struct Refusal {
  std::string rule;    // "signature", "policy", "grant", ... ("" for a refusal of the whole run)
  std::string reason;  // one sentence
  std::string path;    // "" unless a path is to blame
};

using MaybeRefusal = std::optional<Refusal>;

}  // namespace warden::verify
