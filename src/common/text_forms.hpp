// Bytes, times and names as warden's messages and files write them.
#pragma once

#include <cstddef>
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

// A name of people, groups and key files: [A-Za-z0-9][A-Za-z0-9._-]*,
// at most `max` bytes. (A loop, not std::regex: building that regex took
// a twentieth of a push hook's time.)
inline bool is_plain_name(std::string_view name, std::size_t max) {
  auto alnum = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (name.empty() || name.size() > max || !alnum(name.front())) return false;
  for (char c : name)
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
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
