// DSSE envelopes (the Dead Simple Signing Envelope, as in-toto uses it):
// a payload, its type, and signatures over the pre-authentication encoding
// of the two. warden writes one envelope per line of a git note, signed
// the way git signs commits: an SSHSIG (namespace "git") or a detached
// OpenPGP signature, whose binary form is the signature's `sig`. See
// docs/attestations.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "warden/result.hpp"

namespace warden::attest {

inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";
// Limits on what one envelope may hold: notes are written by anyone who
// can push them, and are read before anything in them is trusted.
// (A build attestation may list a farm's outputs by the ten thousand.)
inline constexpr size_t kMaxEnvelopeBytes = 32 << 20;
inline constexpr size_t kMaxEnvelopeSignatures = 16;

struct EnvelopeSignature {
  std::string keyid;  // a hint only, never trusted
  std::string sig;    // the signature's bytes (decoded)
};

struct Envelope {
  std::string payload_type;
  std::string payload;  // decoded
  std::vector<EnvelopeSignature> signatures;
};

// DSSE's pre-authentication encoding: what every signature covers.
// "DSSEv1 <len(type)> <type> <len(body)> <body>"
std::string pae(std::string_view payload_type, std::string_view payload);

// Parses one envelope (a JSON object on one line). Refuses anything that
// is not exactly an envelope: unknown or missing fields, bad base64, no
// signature, too many, too large.
Result<Envelope> parse_envelope(std::string_view line);
// The envelope as one line of compact JSON (no newline).
std::string envelope_line(const Envelope& envelope);

// A signature's bytes as git stores signatures (an armored SSHSIG or
// OpenPGP block), to be checked as a commit's signature is; and back.
Result<std::string> armor_signature(std::string_view bytes);
Result<std::string> dearmor_signature(std::string_view armored);

}  // namespace warden::attest
