// One OpenPGP signature as git stores it in a gpgsig header: an armored
// block holding exactly one version 4 signature packet over a binary
// document (RFC 4880 section 5.2.3). Parsing also hashes the signed data,
// so that checking it against a key later is one public-key operation.
//
// The parser is deliberately small and strict: one packet, version 4,
// type 0x00, a hashed creation time, an issuer, no unknown critical
// subpacket, and the signature material its algorithm needs, nothing more.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "warden/result.hpp"

namespace warden {

namespace pgp {
// Public-key algorithm ids (RFC 4880 9.1, RFC 6637, RFC 4880bis EdDSA).
inline constexpr uint8_t kRsa = 1;
inline constexpr uint8_t kRsaSignOnly = 3;
inline constexpr uint8_t kDsa = 17;
inline constexpr uint8_t kEcdsa = 19;
inline constexpr uint8_t kEddsa = 22;
// Hash algorithm ids (RFC 4880 9.4).
inline constexpr uint8_t kMd5 = 1;
inline constexpr uint8_t kSha1 = 2;
inline constexpr uint8_t kRipemd160 = 3;
inline constexpr uint8_t kSha256 = 8;
inline constexpr uint8_t kSha384 = 9;
inline constexpr uint8_t kSha512 = 10;
inline constexpr uint8_t kSha224 = 11;

// "SHA256", "SHA1", ... or "hash #N".
std::string hash_name(uint8_t algorithm);
std::string algorithm_name(uint8_t algorithm);
}  // namespace pgp

struct OpenPgpSignature {
  uint8_t pk_algorithm = 0;
  uint8_t hash_algorithm = 0;
  uint32_t created = 0;            // signature creation time (hashed)
  std::string issuer_fingerprint;  // 40 upper-case hex digits, or ""
  std::string issuer_key_id;       // 16 upper-case hex digits, or ""
  std::string digest;              // hash of data + hashed part + trailer
  std::vector<std::string> mpis;   // the signature material, big-endian
  // A public-key algorithm warden does not verify (ElGamal, RFC 9580's
  // Ed25519 and Ed448, ...): parsed up to its material, so that callers
  // can name the algorithm and the issuer, never hashed (`digest` and
  // `mpis` are empty) and never verified.
  bool unsupported_algorithm = false;

  // The fingerprint if the signature names one, else the key id.
  const std::string& issuer() const { return issuer_fingerprint.empty() ? issuer_key_id : issuer_fingerprint; }
  bool weak_hash() const { return hash_algorithm == pgp::kSha1; }
  // MD5 or RIPEMD-160: parsed, so that callers can say so, but not
  // hashed (`digest` is empty) and never verified.
  bool broken_hash() const { return hash_algorithm == pgp::kMd5 || hash_algorithm == pgp::kRipemd160; }
};

// Parses `armored` (one "-----BEGIN PGP SIGNATURE-----" block) and hashes
// `data` as the signature says. MD5 and RIPEMD-160 are parsed and flagged
// by broken_hash(), never hashed, and so are signatures made with a
// public-key algorithm warden does not verify (unsupported_algorithm); SHA-1 is parsed (Guix accepts it on old
// commits) and flagged by weak_hash().
// A hash whose first two bytes differ from the packet's is an error: the
// signature cannot verify under any key.
Result<OpenPgpSignature> parse_openpgp_signature(std::string_view armored, std::string_view data);
// The same parse without hashing anything (`digest` is empty): who claims
// to have made it, for deciding whether it is worth checking at all.
Result<OpenPgpSignature> parse_openpgp_signature_unhashed(std::string_view armored);

// The binary packets inside one ASCII-armored block of the given kind
// ("PGP SIGNATURE", "PGP PUBLIC KEY BLOCK"); checks the CRC-24 if present.
Result<std::string> dearmor(std::string_view text, std::string_view kind);

}  // namespace warden
