#include "support/ssh_signer.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "common/handle.hpp"
#include "signatures/base64.hpp"
#include "signatures/ssh_buffer.hpp"

namespace test {

namespace {

using warden::Handle;
using Pkey = Handle<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtx = Handle<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtx = Handle<EVP_MD_CTX, EVP_MD_CTX_free>;
using Bignum = Handle<BIGNUM, BN_free>;
using ParamBuild = Handle<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using Params = Handle<OSSL_PARAM, OSSL_PARAM_free>;
using EcdsaSig = Handle<ECDSA_SIG, ECDSA_SIG_free>;

// SSH's mpint of a non-negative big-endian number.
void put_mpint(warden::ssh::Writer& out, std::string bytes) {
  size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == '\0') ++zeros;
  bytes.erase(0, zeros);
  if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80) != 0) bytes.insert(0, 1, '\0');
  out.string(bytes);
}

// A private key and what SSH calls it.
struct SshPrivateKey {
  Pkey key;
  std::string public_blob;   // the public key in SSH's wire format
  std::string algorithm;     // "ssh-ed25519", "ecdsa-sha2-nistp256", ...
  const EVP_MD* digest = nullptr;  // what an ECDSA signature hashes with (none for Ed25519)
};

Pkey ed25519_key(const std::string& private_part) {
  if (private_part.size() != 64) return nullptr;  // seed, then the public key
  return Pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                           reinterpret_cast<const unsigned char*>(private_part.data()), 32));
}

Pkey ecdsa_key(const std::string& group, const std::string& point, const std::string& scalar) {
  Bignum d(BN_bin2bn(reinterpret_cast<const unsigned char*>(scalar.data()), static_cast<int>(scalar.size()), nullptr));
  ParamBuild build(OSSL_PARAM_BLD_new());
  if (!d || !build ||
      OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.c_str(), 0) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
    return nullptr;
  Params params(OSSL_PARAM_BLD_to_param(build.get()));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1)
    return nullptr;
  return Pkey(raw);
}

// An unencrypted "openssh-key-v1" private key file (PROTOCOL.key in
// OpenSSH's sources).
std::optional<SshPrivateKey> read_private_key(const std::string& path) {
  std::ifstream in(path);
  std::string line, body;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line == "-----BEGIN OPENSSH PRIVATE KEY-----") inside = true;
    else if (line == "-----END OPENSSH PRIVATE KEY-----") break;
    else if (inside) body += line;
  }
  auto bytes = warden::base64_decode(body);
  if (!bytes) return std::nullopt;
  warden::ssh::Reader r(*bytes);
  std::string_view magic, cipher, kdf, kdf_options, public_blob, private_section;
  uint32_t count = 0;
  if (!r.raw(15, magic) || magic != std::string_view("openssh-key-v1\0", 15) || !r.string(cipher) ||
      cipher != "none" || !r.string(kdf) || kdf != "none" || !r.string(kdf_options) || !r.u32(count) || count != 1 ||
      !r.string(public_blob) || !r.string(private_section))
    return std::nullopt;
  warden::ssh::Reader p(private_section);
  uint32_t check1 = 0, check2 = 0;
  std::string_view type;
  if (!p.u32(check1) || !p.u32(check2) || check1 != check2 || !p.string(type)) return std::nullopt;
  SshPrivateKey out;
  out.public_blob = std::string(public_blob);
  out.algorithm = std::string(type);
  if (type == "ssh-ed25519") {
    std::string_view pub, priv;
    if (!p.string(pub) || !p.string(priv)) return std::nullopt;
    out.key = ed25519_key(std::string(priv));
  } else if (type.starts_with("ecdsa-sha2-nistp")) {
    std::string_view curve, point, scalar;
    if (!p.string(curve) || !p.string(point) || !p.mpint(scalar)) return std::nullopt;
    const std::string q(point), d(scalar);
    if (curve == "nistp256") out.key = ecdsa_key("prime256v1", q, d), out.digest = EVP_sha256();
    else if (curve == "nistp384") out.key = ecdsa_key("secp384r1", q, d), out.digest = EVP_sha384();
    else if (curve == "nistp521") out.key = ecdsa_key("secp521r1", q, d), out.digest = EVP_sha512();
  }
  if (!out.key) return std::nullopt;
  return out;
}

// The signature blob SSH puts in an SSHSIG: the algorithm and its bytes.
std::optional<std::string> sign_blob(const SshPrivateKey& k, const std::string& data) {
  MdCtx ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, k.digest, nullptr, k.key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    return std::nullopt;
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    return std::nullopt;
  sig.resize(len);
  warden::ssh::Writer out;
  out.string(k.algorithm);
  if (k.digest == nullptr) {  // Ed25519: the 64 bytes as they are
    out.string(sig);
    return out.bytes();
  }
  const auto* der = reinterpret_cast<const unsigned char*>(sig.data());
  EcdsaSig parsed(d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(sig.size())));
  if (!parsed) return std::nullopt;
  auto bytes_of = [](const BIGNUM* n) {
    std::string b(static_cast<size_t>(BN_num_bytes(n)), '\0');
    BN_bn2bin(n, reinterpret_cast<unsigned char*>(b.data()));
    return b;
  };
  warden::ssh::Writer rs;
  put_mpint(rs, bytes_of(ECDSA_SIG_get0_r(parsed.get())));
  put_mpint(rs, bytes_of(ECDSA_SIG_get0_s(parsed.get())));
  out.string(rs.bytes());
  return out.bytes();
}

}  // namespace

std::optional<std::string> ssh_sign(const std::string& private_key_path, const std::string& ns,
                                    const std::string& message) {
  auto key = read_private_key(private_key_path);
  if (!key) return std::nullopt;
  std::array<unsigned char, SHA512_DIGEST_LENGTH> h{};
  SHA512(reinterpret_cast<const unsigned char*>(message.data()), message.size(), h.data());
  warden::ssh::Writer to_sign;
  to_sign.raw("SSHSIG").string(ns).string("").string("sha512");
  to_sign.string(std::string_view(reinterpret_cast<char*>(h.data()), h.size()));
  auto signature = sign_blob(*key, to_sign.bytes());
  if (!signature) return std::nullopt;
  warden::ssh::Writer sshsig;
  sshsig.raw("SSHSIG").u32(1).string(key->public_blob).string(ns).string("").string("sha512").string(*signature);
  const std::string& blob = sshsig.bytes();
  std::string b64 = warden::base64_encode(blob), armored = "-----BEGIN SSH SIGNATURE-----\n";
  for (size_t i = 0; i < b64.size(); i += 70) armored += b64.substr(i, 70) + "\n";
  return armored + "-----END SSH SIGNATURE-----";
}

}  // namespace test
