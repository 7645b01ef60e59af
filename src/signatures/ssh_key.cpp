// SSH public keys: parsing (wire format and OpenSSH's one-line form) and
// verification of raw SSH signatures with OpenSSL.
#include "warden/ssh_key.hpp"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "signatures/ed25519.hpp"
#include "signatures/openssl_keys.hpp"
#include "signatures/ssh_buffer.hpp"
#include "signatures/base64.hpp"
#include "signatures/sha2.hpp"

namespace warden {
namespace {

constexpr uint8_t kUserPresent = 0x01;

enum class Algo { ed25519, ecdsa, rsa, sk_ed25519, sk_ecdsa };

struct Curve {
  const char* ssh_name;     // "nistp256"
  const char* ossl_name;    // "prime256v1"
  const EVP_MD* (*md)();    // hash the curve's signatures use
};

const Curve kCurves[] = {
    {"nistp256", "prime256v1", EVP_sha256},
    {"nistp384", "secp384r1", EVP_sha384},
    {"nistp521", "secp521r1", EVP_sha512},
};

// An SSH ECDSA signature body (mpint r, mpint s) as DER for OpenSSL.
Result<std::string> ssh_ecdsa_der(std::string_view body) {
  ssh::Reader r(body);
  std::string_view rr, ss;
  if (!r.mpint(rr) || !r.mpint(ss) || !r.empty()) return make_error("malformed ECDSA signature");
  return openssl::ecdsa_der(rr, ss);
}

}  // namespace

struct SshPublicKey::Impl {
  Algo algo;
  const Curve* curve = nullptr;
  std::string application;  // security keys only
  size_t rsa_bytes = 0;
  openssl::PKey key;    // ECDSA and RSA
  std::string ed25519;  // the raw public key, for ed25519::verify
};

SshPublicKey::SshPublicKey() = default;
SshPublicKey::~SshPublicKey() = default;

std::string ssh_fingerprint(std::string_view blob) {
  std::string b64 = base64_encode(sha256(blob));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "SHA256:" + b64;
}

std::string SshPublicKey::fingerprint() const { return ssh_fingerprint(blob_); }

Result<std::shared_ptr<const SshPublicKey>> SshPublicKey::parse_blob(std::string_view blob) {
  ssh::Reader r(blob);
  std::string_view type;
  if (!r.cstring(type)) return make_error("malformed SSH public key");
  auto impl = std::make_unique<Impl>();
  Result<openssl::PKey> key = make_error("");
  auto find_curve = [](std::string_view name) -> const Curve* {
    for (const auto& c : kCurves)
      if (name == c.ssh_name) return &c;
    return nullptr;
  };
  if (type == "ssh-ed25519" || type == "sk-ssh-ed25519@openssh.com") {
    std::string_view pk;
    if (!r.string(pk)) return make_error("malformed ed25519 public key");
    impl->algo = type == "ssh-ed25519" ? Algo::ed25519 : Algo::sk_ed25519;
    // Checked by ed25519::verify from the raw key: no OpenSSL key needed.
    if (pk.size() != 32) return make_error("ed25519 public key is not 32 bytes");
    key = openssl::PKey();
    impl->ed25519 = pk;
  } else if (type.starts_with("ecdsa-sha2-") || type == "sk-ecdsa-sha2-nistp256@openssh.com") {
    std::string_view curve_name, point;
    if (!r.cstring(curve_name) || !r.string(point)) return make_error("malformed ECDSA public key");
    const Curve* curve = find_curve(curve_name);
    bool sk = type.starts_with("sk-");
    if (curve == nullptr || (sk && curve_name != "nistp256") ||
        (!sk && type != fmt::format("ecdsa-sha2-{}", curve_name)))
      return make_error(fmt::format("ECDSA key type {} does not match curve {}", type, curve_name));
    impl->algo = sk ? Algo::sk_ecdsa : Algo::ecdsa;
    impl->curve = curve;
    key = openssl::ec_key(curve->ossl_name, point);
  } else if (type == "ssh-rsa") {
    std::string_view e, n;
    if (!r.mpint(e) || !r.mpint(n)) return make_error("malformed RSA public key");
    impl->algo = Algo::rsa;
    impl->rsa_bytes = n.size();
    key = openssl::rsa_key(e, n);
  } else {
    return make_error(fmt::format("unsupported SSH key type '{}'", type));
  }
  if (!key) return key.error();
  if (impl->algo == Algo::sk_ed25519 || impl->algo == Algo::sk_ecdsa) {
    std::string_view app;
    if (!r.cstring(app)) return make_error("malformed security key: no application");
    impl->application = app;
  }
  if (!r.empty()) return make_error("trailing bytes after SSH public key");
  impl->key = std::move(*key);
  std::shared_ptr<SshPublicKey> out(new SshPublicKey());
  out->type_ = type;
  out->blob_ = blob;
  out->impl_ = std::move(impl);
  return std::shared_ptr<const SshPublicKey>(std::move(out));
}

Result<std::shared_ptr<const SshPublicKey>> SshPublicKey::parse_line(std::string_view line) {
  auto space = line.find(' ');
  if (space == std::string_view::npos) return make_error("SSH key line needs a type and a base64 key");
  std::string_view type = line.substr(0, space);
  std::string_view rest = line.substr(space + 1);
  while (rest.starts_with(' ')) rest.remove_prefix(1);
  std::string_view b64 = rest.substr(0, rest.find(' '));
  auto blob = base64_decode(b64);
  if (!blob) return make_error("SSH key line has invalid base64");
  auto key = parse_blob(*blob);
  if (!key) return key.error();
  if ((*key)->type() != type)
    return make_error(fmt::format("SSH key line says '{}' but the key is '{}'", type, (*key)->type()));
  return key;
}

Status SshPublicKey::verify(std::string_view signature, std::string_view data) const {
  ssh::Reader r(signature);
  std::string_view alg, body;
  if (!r.cstring(alg) || !r.string(body)) return make_error("malformed SSH signature");
  switch (impl_->algo) {
    case Algo::ed25519:
      if (alg != "ssh-ed25519") break;
      if (!r.empty()) return make_error("trailing bytes after SSH signature");
      if (body.size() != 64) return make_error("ed25519 signature is not 64 bytes");
      return ed25519::verify(impl_->ed25519, body, data);
    case Algo::ecdsa: {
      if (alg != type_) break;
      if (!r.empty()) return make_error("trailing bytes after SSH signature");
      auto der = ssh_ecdsa_der(body);
      if (!der) return der.error();
      return openssl::digest_verify(impl_->key.get(), impl_->curve->md(), *der, data);
    }
    case Algo::rsa: {
      if (alg == "ssh-rsa") return make_error("ssh-rsa (SHA-1) signatures are refused");
      const EVP_MD* md = alg == "rsa-sha2-256" ? EVP_sha256() : alg == "rsa-sha2-512" ? EVP_sha512() : nullptr;
      if (md == nullptr) break;
      if (!r.empty()) return make_error("trailing bytes after SSH signature");
      if (body.size() > impl_->rsa_bytes || body.empty()) return make_error("RSA signature has the wrong length");
      std::string padded(impl_->rsa_bytes - body.size(), '\0');
      padded.append(body);
      return openssl::digest_verify(impl_->key.get(), md, padded, data);
    }
    case Algo::sk_ed25519:
    case Algo::sk_ecdsa: {
      bool webauthn = false;
      if (impl_->algo == Algo::sk_ed25519 ? alg != type_
                                          : (alg != type_ && !(webauthn = alg == "webauthn-" + type_)))
        break;
      uint8_t flags;
      uint32_t counter;
      if (!r.u8(flags) || !r.u32(counter)) return make_error("malformed security key signature");
      std::string message_hash = sha256(data);
      std::string_view extensions;
      if (webauthn) {
        // WebAuthn: the authenticator signed a hash of clientData, which
        // must embed the base64url data as its challenge.
        std::string_view origin, client_data;
        if (!r.cstring(origin) || !r.string(client_data) || !r.string(extensions))
          return make_error("malformed webauthn signature");
        std::string challenge = base64_encode(data);
        while (!challenge.empty() && challenge.back() == '=') challenge.pop_back();
        for (char& c : challenge) c = c == '+' ? '-' : c == '/' ? '_' : c;
        std::string prefix = fmt::format(R"({{"type":"webauthn.get","challenge":"{}","origin":"{}")", challenge, origin);
        if (origin.find('"') != std::string_view::npos || (flags & 0x40) != 0 ||
            ((flags & 0x80) == 0) != extensions.empty() || !client_data.starts_with(prefix))
          return make_error("webauthn signature does not cover the signed data");
        message_hash = sha256(client_data);
      }
      if (!r.empty()) return make_error("trailing bytes after SSH signature");
      if ((flags & kUserPresent) == 0) return make_error("security key signature made without user presence");
      std::string signed_data = ssh::Writer()
                                    .raw(sha256(impl_->application))
                                    .u8(flags)
                                    .u32(counter)
                                    .raw(extensions)
                                    .raw(message_hash)
                                    .bytes();
      if (impl_->algo == Algo::sk_ed25519) {
        if (body.size() != 64) return make_error("ed25519 signature is not 64 bytes");
        return ed25519::verify(impl_->ed25519, body, signed_data);
      }
      auto der = ssh_ecdsa_der(body);
      if (!der) return der.error();
      return openssl::digest_verify(impl_->key.get(), EVP_sha256(), *der, signed_data);
    }
  }
  return make_error(fmt::format("signature algorithm '{}' does not match key type '{}'", alg, type_));
}

}  // namespace warden
