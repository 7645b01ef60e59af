// What X509Signature, X509Authority and SigstoreTrustRoot hold, shared by
// the files that implement them (cms_signature.cpp, x509_chain.cpp,
// sigstore_root.cpp, rekor_entry.cpp).
#pragma once

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/handle.hpp"
#include "common/text_forms.hpp"
#include "signatures/openssl_handles.hpp"
#include "warden/x509_signature.hpp"

namespace warden {

namespace openssl {
inline void free_x509_stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using X509Cert = Handle<X509, X509_free>;
using X509Stack = Handle<STACK_OF(X509), free_x509_stack>;
using Cms = Handle<CMS_ContentInfo, CMS_ContentInfo_free>;
using Bio = Handle<BIO, BIO_free_all>;
using X509StoreHandle = Handle<X509_STORE, X509_STORE_free>;
using X509StoreCtx = Handle<X509_STORE_CTX, X509_STORE_CTX_free>;
}  // namespace openssl

struct X509Signature::Impl {
  openssl::X509Cert leaf;
  openssl::X509Stack carried;     // every certificate the signature carries
  std::string signed_attributes;  // DER, as a SET OF (what was signed)
  std::string signature;          // the signature value
};

struct X509Authority::Impl {
  openssl::X509Cert cert;
};

// A time window [start, end); end 0: open.
struct Validity {
  int64_t start = 0;
  int64_t end = 0;
  bool covers(int64_t t) const { return t >= start && (end == 0 || t < end); }
};

struct SigstoreTrustRoot::Impl {
  struct Authority {
    std::string uri;
    std::vector<openssl::X509Cert> chain;  // leaf-most first, the root last
    Validity valid;
  };
  struct Log {
    std::string base_url;
    std::string key_id;  // the log id: SHA-256 of the key's DER
    openssl::PKey key;
    Validity valid;
  };
  std::vector<Authority> authorities;
  std::vector<Log> logs;
};

// The certificate chains to `anchor` through `untrusted` at time `at`
// (checked by OpenSSL's verifier, with no revocation data).
Status verify_chain(X509* leaf, STACK_OF(X509) * untrusted, const std::vector<X509*>& anchors,
                    const std::vector<X509*>& intermediates, int64_t at);

// Key usage and extended key usage allow signing commits (S/MIME or code
// signing), where the certificate restricts them.
Status may_sign(X509* leaf);

}  // namespace warden
