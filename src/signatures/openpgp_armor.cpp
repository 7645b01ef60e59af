// ASCII armor (RFC 4880 section 6): BEGIN line, optional headers, a blank
// line, base64 lines, an optional "=" CRC-24 line, END line.
#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "signatures/base64.hpp"
#include "signatures/openpgp_signature.hpp"

namespace warden {
namespace {

uint32_t crc24(std::string_view data) {
  uint32_t crc = 0xB704CEu;
  for (unsigned char c : data) {
    crc ^= static_cast<uint32_t>(c) << 16;
    for (int i = 0; i < 8; ++i) {
      crc <<= 1;
      if (crc & 0x1000000u) crc ^= 0x1864CFBu;
    }
  }
  return crc & 0xFFFFFFu;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::string> dearmor(std::string_view text, std::string_view kind) {
  const std::string begin = fmt::format("-----BEGIN {}-----", kind);
  const std::string end = fmt::format("-----END {}-----", kind);
  std::vector<std::string_view> lines;
  for (size_t at = 0; at <= text.size();) {
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(trim(text.substr(at, nl - at)));
    at = nl + 1;
  }
  size_t i = 0;
  while (i < lines.size() && lines[i].empty()) ++i;
  if (i == lines.size() || lines[i] != begin) return make_error(fmt::format("not an armored {} (no '{}' line)", kind, begin));
  ++i;
  // Armor headers ("Version: ...", "Comment: ...") end at the first blank
  // line. A body line cannot contain ':', so a block without headers and
  // without the blank line is recognised as such.
  size_t j = i;
  while (j < lines.size() && !lines[j].empty() && lines[j].find(':') != std::string_view::npos) ++j;
  if (j < lines.size() && lines[j].empty()) i = j + 1;
  else if (j != i) return make_error("malformed armor headers");
  std::string b64;
  std::optional<std::string> crc;
  for (;; ++i) {
    if (i == lines.size()) return make_error(fmt::format("armored {} has no '{}' line", kind, end));
    std::string_view l = lines[i];
    if (l == end) break;
    if (crc) return make_error("text after the armor checksum");
    if (l.starts_with("=")) {
      crc = std::string(l.substr(1));
      continue;
    }
    b64.append(l);
  }
  for (++i; i < lines.size(); ++i)
    if (!lines[i].empty()) return make_error(fmt::format("text after '{}'", end));
  auto bytes = base64_decode(b64);
  if (!bytes || bytes->empty()) return make_error(fmt::format("armored {} is not valid base64", kind));
  if (crc) {
    auto sum = base64_decode(*crc);
    if (!sum || sum->size() != 3) return make_error("malformed armor checksum");
    uint32_t want = (static_cast<uint32_t>(static_cast<unsigned char>((*sum)[0])) << 16) |
                    (static_cast<uint32_t>(static_cast<unsigned char>((*sum)[1])) << 8) |
                    static_cast<unsigned char>((*sum)[2]);
    if (want != crc24(*bytes)) return make_error("armor checksum does not match");
  }
  return std::move(*bytes);
}

}  // namespace warden
