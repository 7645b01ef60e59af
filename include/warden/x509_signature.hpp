// git's x509 signature format (gpgsm, smimesign, Sigstore's gitsign): a
// detached CMS SignedData, PEM-armored as "SIGNED MESSAGE", over the commit
// or tag without its signature. Whose signature it is depends on a policy:
// a chain to a CA certificate it keeps (x509:) or a Sigstore trust root and
// an embedded transparency-log entry (sigstore:). Everything is checked
// offline: no CRL, OCSP or log lookups.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warden/result.hpp"

namespace warden {

class X509Authority;
class SigstoreTrustRoot;

// A CMS signature whose signature over the payload verified with the key of
// the certificate it carries (content type, message digest and the
// signature over the signed attributes). Nothing about that certificate is
// trusted yet.
class X509Signature {
 public:
  // Refuses (with a one-line reason) what is not exactly one signer's
  // detached signature over `payload` by the certificate it includes.
  static Result<std::shared_ptr<const X509Signature>> verify(std::string_view armored, std::string_view payload);
  ~X509Signature();

  // The signer's claim of when it signed (the signingTime attribute); none
  // if absent.
  std::optional<int64_t> signing_time() const { return signing_time_; }
  // "SHA256:" and the hex digest of the signer's certificate.
  const std::string& fingerprint() const { return fingerprint_; }
  // The certificate's subject (RFC 2253) and issuer, for messages.
  const std::string& subject() const { return subject_; }
  const std::string& issuer() const { return issuer_; }
  // Subject alternative names (rfc822Name, and the subject's emailAddress)
  // and URIs.
  const std::vector<std::string>& emails() const { return emails_; }
  const std::vector<std::string>& uris() const { return uris_; }
  // The one identity Sigstore reads from a certificate: its first SAN URI,
  // else its first SAN e-mail address (never the subject), as sigstore-go
  // summarizes it; "" if none.
  const std::string& san_identity() const { return san_identity_; }
  // The OIDC issuer Fulcio wrote into the certificate (extension
  // 1.3.6.1.4.1.57264.1.8, else the older .1.1), "" if none.
  const std::string& oidc_issuer() const { return oidc_issuer_; }
  // Whether a transparency-log entry is embedded (gitsign's offline mode).
  bool has_log_entry() const { return log_entry_.has_value(); }

  // The certificate chains to `ca` at time `at` through the certificates
  // the signature carries, and allows signing (key usage digitalSignature
  // or nonRepudiation, extended key usage emailProtection or codeSigning
  // where present).
  Status chains_to(const X509Authority& ca, int64_t at) const;
  // gitsign's offline mode: the embedded log entry is the one a log of
  // `root` signed for exactly this signature (signed entry timestamp,
  // inclusion proof, checkpoint), and the certificate chains to one of its
  // Fulcio authorities at the time the log integrated it. Returns that time.
  Result<int64_t> logged_in(const SigstoreTrustRoot& root) const;

  struct Impl;

 private:
  X509Signature();
  std::unique_ptr<Impl> impl_;
  std::optional<int64_t> signing_time_;
  std::string fingerprint_, subject_, issuer_, oidc_issuer_, san_identity_;
  std::vector<std::string> emails_, uris_;
  std::optional<std::string> log_entry_;  // serialized TransparencyLogEntry
};

// A CA certificate a policy keeps (PEM) for its x509: identities.
class X509Authority {
 public:
  static Result<std::shared_ptr<const X509Authority>> parse(std::string_view pem);
  ~X509Authority();
  const std::string& subject() const { return subject_; }
  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  X509Authority();
  std::unique_ptr<Impl> impl_;
  std::string subject_;
};

// Sigstore's trusted_root.json (media type
// application/vnd.dev.sigstore.trustedroot+json): the Fulcio certificate
// authorities and the transparency logs' keys, each with its validity.
class SigstoreTrustRoot {
 public:
  static Result<std::shared_ptr<const SigstoreTrustRoot>> parse(std::string_view json);
  ~SigstoreTrustRoot();
  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  SigstoreTrustRoot();
  static Result<std::shared_ptr<const SigstoreTrustRoot>> parse_json(std::string_view json);
  std::unique_ptr<Impl> impl_;
};

}  // namespace warden
