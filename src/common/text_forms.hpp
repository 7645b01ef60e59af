// Bytes and times as warden's messages and files write them.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace warden {

// Lower-case hex, two digits a byte.
inline std::string hex_of(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// "YYYY-MM-DD HH:MM:SS UTC" (seconds since the epoch as they are, where
// the system cannot convert them).
inline std::string utc_text(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  if (gmtime_r(&tt, &tm) == nullptr) return std::to_string(t);
  char buf[40];
  if (std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) return std::to_string(t);
  return buf;
}

}  // namespace warden
