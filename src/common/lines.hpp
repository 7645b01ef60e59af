// Reading text line by line without copying it.
#pragma once

#include <string_view>

namespace warden {

// The first line of `text` (without its '\n'), removed from `text` with
// its '\n'; the last line need not end with one. REQUIRES: !text.empty().
inline std::string_view take_line(std::string_view& text) {
  size_t eol = text.find('\n');
  std::string_view line = text.substr(0, eol);
  text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
  return line;
}

}  // namespace warden
