// What every fuzz target shares: the input as text, and a first byte that
// chooses between the ways a target feeds its parser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace warden::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline std::pair<uint8_t, std::string_view> split_mode(const uint8_t* data, size_t size) {
  if (size == 0) return {0, {}};
  return {data[0], as_text(data + 1, size - 1)};
}

}  // namespace warden::fuzz
