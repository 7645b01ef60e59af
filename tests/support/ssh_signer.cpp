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

void put_u32(std::string& out, uint32_t n) {
  for (int shift : {24, 16, 8, 0}) out += static_cast<char>((n >> shift) & 0xff);
}

void put_string(std::string& out, const std::string& s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out += s;
}

// SSH's mpint of a non-negative big-endian number.
void put_mpint(std::string& out, std::string bytes) {
  size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == '\0') ++zeros;
  bytes.erase(0, zeros);
  if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80) != 0) bytes.insert(0, 1, '\0');
  put_string(out, bytes);
}

// Reads SSH wire data (RFC 4251 strings and integers).
class Reader {
 public:
  explicit Reader(std::string data) : data_(std::move(data)) {}
  std::optional<uint32_t> u32() {
    if (data_.size() - pos_ < 4) return std::nullopt;
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(data_[pos_++]);
    return n;
  }
  std::optional<std::string> string() {
    auto n = u32();
    if (!n || data_.size() - pos_ < *n) return std::nullopt;
    std::string s = data_.substr(pos_, *n);
    pos_ += *n;
    return s;
  }
  std::optional<std::string> magic(size_t n) {
    if (data_.size() - pos_ < n) return std::nullopt;
    std::string s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

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
  Reader r(*bytes);
  auto magic = r.magic(15);
  auto cipher = r.string(), kdf = r.string(), kdf_options = r.string();
  auto count = r.u32();
  auto public_blob = r.string(), private_section = r.string();
  if (magic != std::string("openssh-key-v1\0", 15) || cipher != "none" || kdf != "none" || count != 1u ||
      !public_blob || !private_section)
    return std::nullopt;
  Reader p(*private_section);
  auto check1 = p.u32(), check2 = p.u32();
  auto type = p.string();
  if (!check1 || check1 != check2 || !type) return std::nullopt;
  SshPrivateKey out;
  out.public_blob = *public_blob;
  out.algorithm = *type;
  if (*type == "ssh-ed25519") {
    auto pub = p.string(), priv = p.string();
    if (!pub || !priv) return std::nullopt;
    out.key = ed25519_key(*priv);
  } else if (type->starts_with("ecdsa-sha2-nistp")) {
    auto curve = p.string(), point = p.string(), scalar = p.string();
    if (!curve || !point || !scalar) return std::nullopt;
    if (*curve == "nistp256") out.key = ecdsa_key("prime256v1", *point, *scalar), out.digest = EVP_sha256();
    else if (*curve == "nistp384") out.key = ecdsa_key("secp384r1", *point, *scalar), out.digest = EVP_sha384();
    else if (*curve == "nistp521") out.key = ecdsa_key("secp521r1", *point, *scalar), out.digest = EVP_sha512();
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
  std::string out;
  put_string(out, k.algorithm);
  if (k.digest == nullptr) {  // Ed25519: the 64 bytes as they are
    put_string(out, sig);
    return out;
  }
  const auto* der = reinterpret_cast<const unsigned char*>(sig.data());
  EcdsaSig parsed(d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(sig.size())));
  if (!parsed) return std::nullopt;
  auto bytes_of = [](const BIGNUM* n) {
    std::string b(static_cast<size_t>(BN_num_bytes(n)), '\0');
    BN_bn2bin(n, reinterpret_cast<unsigned char*>(b.data()));
    return b;
  };
  std::string rs;
  put_mpint(rs, bytes_of(ECDSA_SIG_get0_r(parsed.get())));
  put_mpint(rs, bytes_of(ECDSA_SIG_get0_s(parsed.get())));
  put_string(out, rs);
  return out;
}

}  // namespace

std::optional<std::string> ssh_sign(const std::string& private_key_path, const std::string& ns,
                                    const std::string& message) {
  auto key = read_private_key(private_key_path);
  if (!key) return std::nullopt;
  std::array<unsigned char, SHA512_DIGEST_LENGTH> h{};
  SHA512(reinterpret_cast<const unsigned char*>(message.data()), message.size(), h.data());
  std::string to_sign = "SSHSIG";
  put_string(to_sign, ns);
  put_string(to_sign, "");
  put_string(to_sign, "sha512");
  put_string(to_sign, std::string(reinterpret_cast<char*>(h.data()), h.size()));
  auto signature = sign_blob(*key, to_sign);
  if (!signature) return std::nullopt;
  std::string blob = "SSHSIG";
  put_u32(blob, 1);
  put_string(blob, key->public_blob);
  put_string(blob, ns);
  put_string(blob, "");
  put_string(blob, "sha512");
  put_string(blob, *signature);
  std::string b64 = warden::base64_encode(blob), armored = "-----BEGIN SSH SIGNATURE-----\n";
  for (size_t i = 0; i < b64.size(); i += 70) armored += b64.substr(i, 70) + "\n";
  return armored + "-----END SSH SIGNATURE-----";
}

}  // namespace test
