// A Sigstore of the tests' own, made with OpenSSL: a Fulcio CA, a Rekor log
// key, and gitsign's offline mode (a CMS signature by a short-lived
// certificate for an OIDC identity, with the log's entry embedded: signed
// entry timestamp, an inclusion proof in a one-entry tree, a checkpoint).
// Times are the test's to choose, so that expiry and integration can be
// placed where a test needs them. The real public-good Sigstore is tested
// with real signatures (tests/vectors/gitsign).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace test {

class FakeSigstore {
 public:
  FakeSigstore();
  ~FakeSigstore();

  // trusted_root.json naming this CA (valid from `ca_from` to `ca_until`,
  // 0: open) and this log.
  std::string trusted_root(int64_t ca_from = 1577836800, int64_t ca_until = 0) const;

  struct Signing {
    std::string email;
    std::string issuer;
    int64_t not_before = 0;  // the certificate's ten minutes
    int64_t not_after = 0;
    int64_t integrated = 0;  // when the log integrated the entry
    bool embed_entry = true;
    bool checkpoint = true;  // the inclusion proof's signed checkpoint
    // Other names than Fulcio writes: the subject (empty, as Fulcio's, if
    // "") as `openssl req -subj` takes it, and the SAN as openssl's
    // configuration writes it (default "email:" and `email`).
    std::string subject;
    std::string san;
  };
  // The armored x509 signature of `payload`, as gitsign's offline mode makes it.
  std::string sign(const std::string& payload, const Signing& s) const;

  struct Keys;

 private:
  std::unique_ptr<Keys> keys_;
};

// `raw` (a commit object's text without signature) with `signature` as its
// gpgsig header, after the committer line.
std::string with_gpgsig(const std::string& raw, const std::string& signature);

}  // namespace test
