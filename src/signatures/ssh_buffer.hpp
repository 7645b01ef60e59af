// Bounded readers and writers for the SSH wire format (RFC 4251 section 5),
// after OpenSSH's sshbuf: every read checks the remaining length, and a
// failed read leaves the caller with an error, never with partial data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace warden::ssh {

class Reader {
 public:
  explicit Reader(std::string_view data) : rest_(data) {}

  bool u8(uint8_t& out) {
    if (rest_.empty()) return false;
    out = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return true;
  }
  bool u32(uint32_t& out) {
    if (rest_.size() < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) out = (out << 8) | static_cast<uint8_t>(rest_[i]);
    rest_.remove_prefix(4);
    return true;
  }
  bool raw(size_t n, std::string_view& out) {
    if (rest_.size() < n) return false;
    out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return true;
  }
  // A length-prefixed byte string.
  bool string(std::string_view& out) {
    uint32_t n;
    Reader save = *this;
    if (!u32(n) || !raw(n, out)) {
      *this = save;
      return false;
    }
    return true;
  }
  // A length-prefixed string that must not contain NUL bytes.
  bool cstring(std::string_view& out) { return string(out) && out.find('\0') == std::string_view::npos; }
  // A non-negative mpint, returned as big-endian magnitude without the
  // sign byte. Refuses negative numbers and needless leading zeros.
  bool mpint(std::string_view& out) {
    if (!string(out)) return false;
    if (out.empty()) return true;
    if (static_cast<uint8_t>(out[0]) & 0x80) return false;
    if (out[0] == 0) {
      if (out.size() == 1 || !(static_cast<uint8_t>(out[1]) & 0x80)) return false;
      out.remove_prefix(1);
    }
    return true;
  }
  bool empty() const { return rest_.empty(); }
  size_t remaining() const { return rest_.size(); }

 private:
  std::string_view rest_;
};

class Writer {
 public:
  Writer& u8(uint8_t v) {
    out_.push_back(static_cast<char>(v));
    return *this;
  }
  Writer& u32(uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out_.push_back(static_cast<char>((v >> s) & 0xff));
    return *this;
  }
  Writer& raw(std::string_view bytes) {
    out_.append(bytes);
    return *this;
  }
  Writer& string(std::string_view bytes) { return u32(static_cast<uint32_t>(bytes.size())).raw(bytes); }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

}  // namespace warden::ssh
