#include "attest/envelope.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "attest/json_fields.hpp"

#include "signatures/base64.hpp"
#include "signatures/openpgp_signature.hpp"
#include "signatures/sshsig.hpp"
#include "signatures/x509_armor.hpp"

namespace warden::attest {

namespace {

using Json = nlohmann::json;

// Base64 in lines of `width`, as armor has it.
std::string wrapped(std::string_view bytes, size_t width) {
  std::string b64 = base64_encode(bytes), out;
  for (size_t at = 0; at < b64.size(); at += width) out += b64.substr(at, width) + "\n";
  return out;
}

Result<std::string> decoded(const Json& j, const char* what) {
  if (!j.is_string()) return make_error(fmt::format("'{}' is not a string", what));
  auto bytes = base64_decode(j.get_ref<const std::string&>());
  if (!bytes) return make_error(fmt::format("'{}' is not base64", what));
  return *bytes;
}

}  // namespace

std::string pae(std::string_view payload_type, std::string_view payload) {
  return fmt::format("DSSEv1 {} {} {} {}", payload_type.size(), payload_type, payload.size(), payload);
}

Result<Envelope> parse_envelope(std::string_view line) {
  if (line.size() > kMaxEnvelopeBytes) return make_error(fmt::format("envelope over {} bytes", kMaxEnvelopeBytes));
  Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return make_error("not a JSON object");
  WARDEN_TRY_STATUS(only_fields(j, {"payloadType", "payload", "signatures"}, "the envelope"));
  if (!j.contains("payloadType") || !j["payloadType"].is_string()) return make_error("no 'payloadType'");
  if (!j.contains("payload")) return make_error("no 'payload'");
  Envelope e;
  e.payload_type = j["payloadType"].get<std::string>();
  auto payload = decoded(j["payload"], "payload");
  if (!payload) return payload.error();
  e.payload = std::move(*payload);
  if (!j.contains("signatures") || !j["signatures"].is_array() || j["signatures"].empty())
    return make_error("no 'signatures'");
  if (j["signatures"].size() > kMaxEnvelopeSignatures)
    return make_error(fmt::format("more than {} signatures", kMaxEnvelopeSignatures));
  for (const Json& s : j["signatures"]) {
    if (!s.is_object()) return make_error("a signature is not a JSON object");
    WARDEN_TRY_STATUS(only_fields(s, {"keyid", "sig"}, "a signature"));
    EnvelopeSignature sig;
    if (s.contains("keyid")) {
      if (!s["keyid"].is_string()) return make_error("'keyid' is not a string");
      sig.keyid = s["keyid"].get<std::string>();
    }
    if (!s.contains("sig")) return make_error("a signature without 'sig'");
    auto bytes = decoded(s["sig"], "sig");
    if (!bytes) return bytes.error();
    sig.sig = std::move(*bytes);
    e.signatures.push_back(std::move(sig));
  }
  return e;
}

std::string envelope_line(const Envelope& envelope) {
  Json sigs = Json::array();
  for (const auto& s : envelope.signatures) sigs.push_back({{"keyid", s.keyid}, {"sig", base64_encode(s.sig)}});
  Json j = {{"payloadType", envelope.payload_type}, {"payload", base64_encode(envelope.payload)}, {"signatures", sigs}};
  return j.dump();
}

Result<std::string> armor_signature(std::string_view bytes) {
  if (bytes.starts_with("SSHSIG"))
    return "-----BEGIN SSH SIGNATURE-----\n" + wrapped(bytes, 70) + "-----END SSH SIGNATURE-----\n";
  // An OpenPGP packet: the tag byte has its top bit set.
  if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80) != 0)
    return "-----BEGIN PGP SIGNATURE-----\n\n" + wrapped(bytes, 64) + "-----END PGP SIGNATURE-----\n";
  // A CMS structure (git's x509 format): a DER SEQUENCE.
  if (!bytes.empty() && static_cast<unsigned char>(bytes[0]) == 0x30)
    return "-----BEGIN SIGNED MESSAGE-----\n" + wrapped(bytes, 64) + "-----END SIGNED MESSAGE-----\n";
  return make_error("the signature is neither an SSH, an OpenPGP nor an x509 signature");
}

Result<std::string> dearmor_signature(std::string_view armored) {
  if (armored.find("-----BEGIN PGP SIGNATURE-----") != std::string_view::npos) return dearmor(armored, "PGP SIGNATURE");
  if (armored.find("-----BEGIN SIGNED MESSAGE-----") != std::string_view::npos) return dearmor_x509(armored);
  return dearmor_sshsig(armored);
}

}  // namespace warden::attest
