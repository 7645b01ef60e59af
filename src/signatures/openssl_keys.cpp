#include "signatures/openssl_keys.hpp"

#include <fmt/format.h>
#include <openssl/core_names.h>

#include "signatures/openpgp_signature.hpp"

namespace warden::openssl {
namespace {

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

Result<PKey> key_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  Params params(OSSL_PARAM_BLD_to_param(bld));
  PKeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* k = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &k, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
    return make_error(fmt::format("invalid {} public key", type));
  PKey key(k);
  PKeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, k, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return make_error(fmt::format("invalid {} public key", type));
  return key;
}

}  // namespace

Result<PKey> ed25519_key(std::string_view pk) {
  if (pk.size() != 32) return make_error("ed25519 public key is not 32 bytes");
  EVP_PKEY* k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(pk), pk.size());
  if (k == nullptr) return make_error("invalid ed25519 public key");
  return PKey(k);
}

Result<PKey> ec_key(const char* group, std::string_view point) {
  if (point.empty() || point[0] != 0x04) return make_error("ECDSA public key is not an uncompressed point");
  ParamBuilder bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()))
    return make_error("out of memory");
  return key_from_params("EC", bld.get());
}

Result<PKey> rsa_key(std::string_view e, std::string_view n) {
  BigNum be(BN_bin2bn(bytes(e), static_cast<int>(e.size()), nullptr));
  BigNum bn(BN_bin2bn(bytes(n), static_cast<int>(n.size()), nullptr));
  if (!be || !bn) return make_error("out of memory");
  if (BN_num_bits(bn.get()) < kMinRsaBits)
    return make_error(fmt::format("RSA key of {} bits is too weak (at least {})", BN_num_bits(bn.get()), kMinRsaBits));
  ParamBuilder bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()))
    return make_error("out of memory");
  return key_from_params("RSA", bld.get());
}

Result<PKey> dsa_key(std::string_view p, std::string_view q, std::string_view g, std::string_view y) {
  BigNum bp(BN_bin2bn(bytes(p), static_cast<int>(p.size()), nullptr));
  BigNum bq(BN_bin2bn(bytes(q), static_cast<int>(q.size()), nullptr));
  BigNum bg(BN_bin2bn(bytes(g), static_cast<int>(g.size()), nullptr));
  BigNum by(BN_bin2bn(bytes(y), static_cast<int>(y.size()), nullptr));
  if (!bp || !bq || !bg || !by) return make_error("out of memory");
  if (BN_num_bits(bp.get()) < kMinDsaBits)
    return make_error(fmt::format("DSA key of {} bits is too weak (at least {})", BN_num_bits(bp.get()), kMinDsaBits));
  ParamBuilder bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, bp.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_Q, bq.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, bg.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, by.get()))
    return make_error("out of memory");
  return key_from_params("DSA", bld.get());
}

Status digest_verify(EVP_PKEY* key, const EVP_MD* md, std::string_view sig, std::string_view data) {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1)
    return make_error("cannot set up signature verification");
  if (EVP_DigestVerify(ctx.get(), bytes(sig), sig.size(), bytes(data), data.size()) != 1)
    return make_error("signature does not verify");
  return Status::success();
}

const EVP_MD* openpgp_md(uint8_t algorithm) {
  switch (algorithm) {
    case pgp::kSha1: return EVP_sha1();
    case pgp::kSha256: return EVP_sha256();
    case pgp::kSha384: return EVP_sha384();
    case pgp::kSha512: return EVP_sha512();
    case pgp::kSha224: return EVP_sha224();
  }
  return nullptr;
}

Result<std::string> ecdsa_der(std::string_view r, std::string_view s) {
  EcdsaSig sig(ECDSA_SIG_new());
  BIGNUM* br = BN_bin2bn(bytes(r), static_cast<int>(r.size()), nullptr);
  BIGNUM* bs = BN_bin2bn(bytes(s), static_cast<int>(s.size()), nullptr);
  if (!sig || !br || !bs || ECDSA_SIG_set0(sig.get(), br, bs) != 1) {
    BN_free(br);
    BN_free(bs);
    return make_error("out of memory");
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return make_error("malformed ECDSA signature");
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace warden::openssl
