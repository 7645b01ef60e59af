#include "warden/anchor.hpp"

#include <fmt/format.h>

#include "signatures/base64.hpp"
#include "warden/openpgp_cert.hpp"
#include "warden/policy.hpp"

namespace warden {
namespace {

// The fingerprint in canonical form: SSH "SHA256:..." as is, OpenPGP as
// 40 upper-case hex digits (spaces dropped), an x509: or sigstore:
// identity as the policy writes it.
Result<std::string> check_fingerprint(const std::string& fpr) {
  if (auto id = identity_text(fpr)) {
    if (!*id) return make_error(fmt::format("anchor identity '{}': {}", fpr, id->error().message));
    return **id;
  }
  if (!fpr.starts_with("SHA256:")) {
    if (auto pgp = normalize_openpgp_fingerprint(fpr)) return *pgp;
    return make_error(fmt::format(
        "anchor key fingerprint '{}' is neither SHA256:... (as ssh-keygen -l prints it), a 40-digit OpenPGP "
        "fingerprint, nor an x509: or sigstore: identity of the anchor's policy",
        fpr));
  }
  std::string b64 = fpr.substr(7);
  while (b64.size() % 4 != 0) b64.push_back('=');
  auto raw = base64_decode(b64);
  if (!raw || raw->size() != 32)
    return make_error(fmt::format("anchor key fingerprint '{}' is not a SHA-256 fingerprint", fpr));
  return fpr;
}

}  // namespace

Result<Anchor> parse_anchor(const GitReads& repo, const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return make_error(fmt::format("anchor '{}' must be COMMIT:FINGERPRINT, e.g. 1a2b3c:SHA256:abc...", text));
  std::string rev = text.substr(0, colon);
  auto fpr_r = check_fingerprint(text.substr(colon + 1));
  if (!fpr_r) return fpr_r.error();
  std::string fpr = *fpr_r;
  auto commit = repo.resolve_commit(rev);
  if (!commit) {
    // A full id may name a commit that has not arrived yet (an empty server
    // repository waiting for its first push); it is checked when it does.
    if (auto id = ObjectId::from_hex(rev)) return Anchor{*id, fpr};
    return make_error(fmt::format("anchor commit: {}", commit.error().message));
  }
  return Anchor{*commit, fpr};
}

Result<Anchor> load_anchor(const GitReads& repo, const std::optional<std::string>& override_text) {
  if (override_text) return parse_anchor(repo, *override_text);
  auto stored = repo.config_string(kAnchorConfigKey);
  if (!stored)
    return make_error(
        "no trust anchor: pass --anchor COMMIT:FINGERPRINT, or give it once as 'git -c warden.anchor=COMMIT:FINGERPRINT "
        "...', or keep it for this repository with 'git warden trust --anchor COMMIT:FINGERPRINT' (git config "
        "warden.anchor); FINGERPRINT is the anchor commit's signing key as 'ssh-keygen -l' prints it, or an OpenPGP "
        "fingerprint");
  auto anchor = parse_anchor(repo, *stored);
  if (!anchor) return make_error(fmt::format("git config {}: {}", kAnchorConfigKey, anchor.error().message));
  return anchor;
}

}  // namespace warden
