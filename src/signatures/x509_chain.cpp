// Whether an x509 signature's certificate chains to a CA a policy keeps,
// at a given time, and may sign: OpenSSL's verifier, offline (no CRL or
// OCSP: docs/threat-model.md says what that leaves).
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <fmt/format.h>

#include "signatures/x509_impl.hpp"

namespace warden {

Status verify_chain(X509* leaf, STACK_OF(X509) * untrusted, const std::vector<X509*>& anchors,
                    const std::vector<X509*>& intermediates, int64_t at) {
  openssl::X509StoreHandle store(X509_STORE_new());
  openssl::X509Stack chain(sk_X509_new_null());
  openssl::X509StoreCtx ctx(X509_STORE_CTX_new());
  if (!store || !chain || !ctx) return make_error("out of memory");
  for (X509* a : anchors)
    if (X509_STORE_add_cert(store.get(), a) != 1) return make_error("cannot use a CA certificate");
  // The certificates the signature carries, then the trust root's own
  // intermediates (both untrusted: each must chain to an anchor).
  for (int i = 0; untrusted != nullptr && i < sk_X509_num(untrusted); ++i) {
    X509* c = sk_X509_value(untrusted, i);
    if (X509_up_ref(c) != 1 || sk_X509_push(chain.get(), c) <= 0) return make_error("out of memory");
  }
  for (X509* c : intermediates)
    if (X509_up_ref(c) != 1 || sk_X509_push(chain.get(), c) <= 0) return make_error("out of memory");
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, chain.get()) != 1) return make_error("out of memory");
  // A policy may name an intermediate as its CA: trusted as given.
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_PARTIAL_CHAIN);
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(at));
  int ok = X509_verify_cert(ctx.get());
  ERR_clear_error();
  if (ok != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    return make_error(fmt::format("{} at {}", X509_verify_cert_error_string(err), utc_text(at)));
  }
  // Every CA of the chain that restricts its extended key usage allows the
  // one the leaf signs with (as Go's verifier, which gitsign uses, and
  // OpenSSL's S/MIME purpose require): a CA for TLS servers issues no
  // certificate that signs commits.
  uint32_t usable = XKU_SMIME | XKU_CODE_SIGN;
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; built != nullptr && i < sk_X509_num(built); ++i) {
    uint32_t eku = X509_get_extended_key_usage(sk_X509_value(built, i));
    if (eku != UINT32_MAX && (eku & XKU_ANYEKU) == 0) usable &= eku;
  }
  if (usable == 0)
    return make_error("a certificate of the chain allows neither e-mail protection nor code signing (extended key usage)");
  return Status::success();
}

Status may_sign(X509* leaf) {
  uint32_t ku = X509_get_key_usage(leaf);
  if (ku != UINT32_MAX && (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0)
    return make_error("the signer's certificate does not allow signing (key usage)");
  uint32_t eku = X509_get_extended_key_usage(leaf);
  if (eku != UINT32_MAX && (eku & (XKU_SMIME | XKU_CODE_SIGN)) == 0)
    return make_error("the signer's certificate allows neither e-mail protection nor code signing (extended key usage)");
  return Status::success();
}

Status X509Signature::chains_to(const X509Authority& ca, int64_t at) const {
  X509* leaf = impl_->leaf.get();
  if (auto s = verify_chain(leaf, impl_->carried.get(), {ca.impl().cert.get()}, {}, at); !s)
    return make_error(fmt::format("certificate of {} does not chain to {}: {}", subject_.empty() ? fingerprint_ : subject_,
                                  ca.subject(), s.error().message));
  return may_sign(leaf);
}

}  // namespace warden
