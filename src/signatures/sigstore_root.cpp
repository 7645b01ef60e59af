// Sigstore's trusted_root.json: the Fulcio certificate authorities and the
// transparency logs' keys a policy trusts for its sigstore: identities.
#include <openssl/err.h>
#include <openssl/x509.h>

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "signatures/base64.hpp"
#include "signatures/x509_impl.hpp"

namespace warden {

namespace {

// RFC 3339 in UTC ("2021-01-12T11:53:27.000Z", fraction optional).
std::optional<int64_t> rfc3339(const std::string& text) {
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) return std::nullopt;
  if (*rest == '.') {
    ++rest;
    while (*rest >= '0' && *rest <= '9') ++rest;
  }
  if (std::string_view(rest) != "Z") return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

Result<Validity> validity(const nlohmann::json& j, const std::string& what) {
  Validity v;
  if (!j.is_object() || !j.contains("start") || !j["start"].is_string())
    return make_error(fmt::format("{} has no validFor.start", what));
  auto start = rfc3339(j["start"].get<std::string>());
  if (!start) return make_error(fmt::format("{} has a malformed validFor.start", what));
  v.start = *start;
  if (j.contains("end")) {
    auto end = j["end"].is_string() ? rfc3339(j["end"].get<std::string>()) : std::nullopt;
    if (!end) return make_error(fmt::format("{} has a malformed validFor.end", what));
    v.end = *end;
  }
  return v;
}

Result<std::string> bytes_field(const nlohmann::json& j, const char* key, const std::string& what) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string())
    return make_error(fmt::format("{} has no {}", what, key));
  auto b = base64_decode(j[key].get<std::string>());
  if (!b || b->empty()) return make_error(fmt::format("{} has a malformed {}", what, key));
  return *b;
}

}  // namespace

SigstoreTrustRoot::SigstoreTrustRoot() : impl_(std::make_unique<Impl>()) {}
SigstoreTrustRoot::~SigstoreTrustRoot() = default;

Result<std::shared_ptr<const SigstoreTrustRoot>> SigstoreTrustRoot::parse(std::string_view text) {
  // A field of another JSON type than expected throws: a malformed root.
  try {
    return parse_json(text);
  } catch (const nlohmann::json::exception& e) {
    return make_error(fmt::format("malformed Sigstore trusted root ({})", e.what()));
  }
}

Result<std::shared_ptr<const SigstoreTrustRoot>> SigstoreTrustRoot::parse_json(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error("not JSON");
  std::string media = j.value("mediaType", "");
  if (!media.starts_with("application/vnd.dev.sigstore.trustedroot+json"))
    return make_error("not a Sigstore trusted root (mediaType application/vnd.dev.sigstore.trustedroot+json)");
  std::shared_ptr<SigstoreTrustRoot> out(new SigstoreTrustRoot());
  if (j.contains("tlogs") && j["tlogs"].is_array()) {
    for (const auto& t : j["tlogs"]) {
      Impl::Log log;
      log.base_url = t.is_object() ? t.value("baseUrl", "") : "";
      std::string what = fmt::format("transparency log {}", log.base_url);
      const auto& key = t.is_object() && t.contains("publicKey") ? t["publicKey"] : nlohmann::json();
      auto der = bytes_field(key, "rawBytes", what + " key");
      if (!der) return der.error();
      const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
      log.key.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size())));
      ERR_clear_error();
      if (!log.key) return make_error(fmt::format("{} has a key OpenSSL cannot read", what));
      auto valid = validity(key.contains("validFor") ? key["validFor"] : nlohmann::json(), what + " key");
      if (!valid) return valid.error();
      log.valid = *valid;
      auto id = bytes_field(t.contains("logId") ? t["logId"] : nlohmann::json(), "keyId", what + " logId");
      if (!id) return id.error();
      log.key_id = std::move(*id);
      out->impl_->logs.push_back(std::move(log));
    }
  }
  if (j.contains("certificateAuthorities") && j["certificateAuthorities"].is_array()) {
    for (const auto& c : j["certificateAuthorities"]) {
      Impl::Authority ca;
      ca.uri = c.is_object() ? c.value("uri", "") : "";
      std::string what = fmt::format("certificate authority {}", ca.uri);
      const auto& chain = c.is_object() && c.contains("certChain") ? c["certChain"] : nlohmann::json();
      if (!chain.is_object() || !chain.contains("certificates") || !chain["certificates"].is_array() ||
          chain["certificates"].empty())
        return make_error(fmt::format("{} has no certificates", what));
      for (const auto& cert : chain["certificates"]) {
        auto der = bytes_field(cert, "rawBytes", what + " certificate");
        if (!der) return der.error();
        const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
        openssl::X509Cert x(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
        ERR_clear_error();
        if (!x) return make_error(fmt::format("{} has a certificate OpenSSL cannot read", what));
        ca.chain.push_back(std::move(x));
      }
      auto valid = validity(c.contains("validFor") ? c["validFor"] : nlohmann::json(), what);
      if (!valid) return valid.error();
      ca.valid = *valid;
      out->impl_->authorities.push_back(std::move(ca));
    }
  }
  if (out->impl_->logs.empty()) return make_error("no transparency log (tlogs) in the Sigstore trusted root");
  if (out->impl_->authorities.empty())
    return make_error("no certificate authority (certificateAuthorities) in the Sigstore trusted root");
  return std::shared_ptr<const SigstoreTrustRoot>(std::move(out));
}

}  // namespace warden
