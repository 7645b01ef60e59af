// Classifies and verifies the signature of a commit (its gpgsig header)
// or of an annotated tag: the one place that decides "bad signature".
#include "signatures/commit_signature.hpp"

#include <fmt/format.h>

#include "signatures/sshsig.hpp"

namespace warden {

std::string_view to_string(SignatureKind kind) {
  switch (kind) {
    case SignatureKind::none: return "none";
    case SignatureKind::ssh: return "ssh";
    case SignatureKind::openpgp: return "openpgp";
    case SignatureKind::x509: return "x509";
    case SignatureKind::unsupported: return "unsupported";
    case SignatureKind::bad: return "bad";
  }
  return "bad";
}

namespace {

CommitSignature bad(std::string why) {
  CommitSignature out;
  out.kind = SignatureKind::bad;
  out.problem = std::move(why);
  return out;
}

}  // namespace

Result<std::shared_ptr<const SshPublicKey>> SignatureChecker::key_for(const std::string& blob) {
  std::lock_guard<std::mutex> lock(keys_mutex_);
  if (auto it = keys_.find(blob); it != keys_.end()) return it->second;
  auto key = SshPublicKey::parse_blob(blob);
  if (!key) return key.error();
  keys_.emplace(blob, *key);
  return key;
}

CommitSignature SignatureChecker::check(const CommitData& commit) {
  if (commit.other_signature_headers > 0)
    return bad("a header other than gpgsig starts with 'gpgsig' (git leaves it out of what it verifies)");
  if (commit.signature_headers == 0) return CommitSignature{};
  if (commit.signature_headers > 1) return bad("more than one signature header");
  // gpg and gpgsm read armor lines ending in CRLF, as git hands them over (some
  // signing tools write them); ssh-keygen does not, so git refuses an SSH
  // signature with a carriage return.
  if (commit.signature.find('\r') != std::string::npos &&
      commit.signature.find("-----BEGIN PGP SIGNATURE-----") == std::string::npos &&
      commit.signature.find("-----BEGIN SIGNED MESSAGE-----") == std::string::npos)
    return bad("the signature contains a carriage return (git cannot verify it)");
  return check_signed(commit.signature, commit.signed_payload);
}

CommitSignature SignatureChecker::check_signed(std::string_view text, std::string_view payload) {
  CommitSignature out;
  if (text.empty()) return out;
  size_t blocks = 0;
  for (size_t at = text.find("-----BEGIN "); at != std::string::npos; at = text.find("-----BEGIN ", at + 1)) ++blocks;
  if (blocks > 1) return bad("more than one signature block");
  if (text.find("-----BEGIN PGP SIGNATURE-----") != std::string::npos) {
    auto sig = parse_openpgp_signature(text, payload);
    if (!sig) return bad(sig.error().message);
    if (sig->unsupported_algorithm) {
      // Kept, so that a caller can name the key that claims it.
      out.kind = SignatureKind::unsupported;
      out.problem = fmt::format("unsupported signature algorithm ({})", pgp::algorithm_name(sig->pk_algorithm));
      out.openpgp = std::make_shared<const OpenPgpSignature>(std::move(*sig));
      return out;
    }
    if (sig->broken_hash()) {
      // Kept, so that a caller can say which hash (Guix names it).
      CommitSignature out = bad(fmt::format("{} signature (refused: the hash is broken)", pgp::hash_name(sig->hash_algorithm)));
      out.openpgp = std::make_shared<const OpenPgpSignature>(std::move(*sig));
      return out;
    }
    if (sig->weak_hash() && !allow_sha1_) return bad("SHA1 signature (refused: SHA-1 is broken)");
    out.kind = SignatureKind::openpgp;
    out.openpgp = std::make_shared<const OpenPgpSignature>(std::move(*sig));
    return out;
  }
  if (text.find("-----BEGIN SIGNED MESSAGE-----") != std::string::npos) {
    ++verifications_;
    auto sig = X509Signature::verify(text, payload);
    if (!sig) return bad(sig.error().message);
    out.kind = SignatureKind::x509;
    out.x509 = *sig;
    return out;
  }
  auto sig = parse_sshsig(text);
  if (!sig) return bad(sig.error().message);
  auto key = key_for(sig->public_key);
  if (!key) return bad(fmt::format("signing key: {}", key.error().message));
  ++verifications_;
  if (auto s = verify_sshsig(*sig, **key, payload, "git"); !s) return bad(s.error().message);
  out.kind = SignatureKind::ssh;
  out.key = *key;
  return out;
}

SignatureChecker::Claimed SignatureChecker::claimed_signer(std::string_view text) {
  Claimed out;
  if (text.find("-----BEGIN PGP SIGNATURE-----") != std::string::npos) {
    auto sig = parse_openpgp_signature_unhashed(text);
    if (sig) out.openpgp_issuer = sig->issuer();
    return out;
  }
  if (text.find("-----BEGIN SIGNED MESSAGE-----") != std::string::npos) {
    out.x509 = true;
    return out;
  }
  if (text.find("-----BEGIN SSH SIGNATURE-----") == std::string::npos) return out;
  auto sig = parse_sshsig(text);
  if (!sig) return out;
  auto key = key_for(sig->public_key);
  if (key) out.ssh = *key;
  return out;
}

}  // namespace warden
