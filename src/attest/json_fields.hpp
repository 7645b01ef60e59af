// Strict reading of attestation JSON: an object may hold only the fields
// its format names.
#pragma once

#include <fmt/format.h>

#include <initializer_list>
#include <nlohmann/json.hpp>

#include "warden/result.hpp"

namespace warden::attest {

inline Status only_fields(const nlohmann::json& j, std::initializer_list<const char*> allowed, const char* what) {
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) return make_error(fmt::format("unknown field '{}' in {}", key, what));
  }
  return Status::success();
}

}  // namespace warden::attest
