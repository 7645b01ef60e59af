// Text an attacker chose (a policy's names and keys, a snapshot's ref
// names), made safe to quote in a one-line message: line breaks and other
// control characters are shown escaped (\n, \r, \x01), so that a refusal
// stays one line and cannot print lines that look like warden's own.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace warden {

inline std::string printable(std::string_view text) {
  std::string shown;
  shown.reserve(text.size());
  for (unsigned char ch : text) {
    if (ch == '\n') {
      shown += "\\n";
    } else if (ch == '\r') {
      shown += "\\r";
    } else if (ch < 0x20 || ch == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", ch);
      shown += hex;
    } else {
      shown += static_cast<char>(ch);
    }
  }
  return shown;
}

}  // namespace warden
