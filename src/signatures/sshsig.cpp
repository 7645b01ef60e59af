// SSHSIG parsing and verification (OpenSSH PROTOCOL.sshsig).
#include "signatures/sshsig.hpp"

#include <fmt/format.h>

#include "signatures/ssh_buffer.hpp"
#include "signatures/base64.hpp"
#include "signatures/sha2.hpp"

namespace warden {
namespace {

constexpr std::string_view kBegin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view kEnd = "-----END SSH SIGNATURE-----";
constexpr std::string_view kMagic = "SSHSIG";

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

size_t count(std::string_view hay, std::string_view needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

Result<std::string> dearmor_sshsig(std::string_view armored) {
  std::string_view text = trim(armored);
  if (count(text, "-----BEGIN ") > 1) return make_error("more than one signature block");
  // The two lines may not overlap ("-----BEGIN SSH SIGNATURE-----END SSH SIGNATURE-----").
  if (text.size() < kBegin.size() + kEnd.size() || !text.starts_with(kBegin) || !text.ends_with(kEnd))
    return make_error("not an armored SSH signature");
  text.remove_prefix(kBegin.size());
  text.remove_suffix(kEnd.size());
  std::string b64;
  for (char c : text)
    if (c != '\n' && c != '\r') b64.push_back(c);
  auto blob = base64_decode(b64);
  if (!blob) return make_error("SSH signature armor has invalid base64");
  return *blob;
}

Result<SshSig> parse_sshsig(std::string_view armored) {
  auto blob = dearmor_sshsig(armored);
  if (!blob) return blob.error();

  ssh::Reader r(*blob);
  std::string_view magic, key, ns, reserved, hash, sig;
  uint32_t version;
  if (!r.raw(kMagic.size(), magic) || magic != kMagic) return make_error("SSH signature lacks the SSHSIG magic");
  if (!r.u32(version)) return make_error("truncated SSH signature");
  if (version != 1) return make_error(fmt::format("unsupported SSHSIG version {}", version));
  if (!r.string(key) || !r.cstring(ns) || !r.string(reserved) || !r.cstring(hash) || !r.string(sig))
    return make_error("truncated SSH signature");
  if (!r.empty()) return make_error("trailing bytes after SSH signature");
  return SshSig{std::string(key), std::string(ns), std::string(hash), std::string(sig)};
}

Status verify_sshsig(const SshSig& sig, const SshPublicKey& key, std::string_view message,
                     std::string_view expected_namespace) {
  if (sig.sig_namespace != expected_namespace)
    return make_error(fmt::format("signature namespace is '{}', not '{}'", sig.sig_namespace, expected_namespace));
  std::string digest;
  if (sig.hash_algorithm == "sha256")
    digest = sha256(message);
  else if (sig.hash_algorithm == "sha512")
    digest = sha512(message);
  else
    return make_error(fmt::format("signature hash '{}' is refused (sha256 or sha512 only)", sig.hash_algorithm));
  if (sig.public_key != key.blob()) return make_error("signature was made by a different key");
  std::string signed_data = ssh::Writer()
                                .raw(kMagic)
                                .string(sig.sig_namespace)
                                .string("")
                                .string(sig.hash_algorithm)
                                .string(digest)
                                .bytes();
  return key.verify(sig.signature, signed_data);
}

}  // namespace warden
