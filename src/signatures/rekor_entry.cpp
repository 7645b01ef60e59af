// gitsign's offline mode: the transparency-log entry embedded in the
// signature, checked against a Sigstore trust root with no network. The
// entry's body is not stored; it is rebuilt from the signature (the
// hashedrekord entry gitsign uploaded: a SHA-256 of the signed attributes,
// the signature, the certificate), so an entry for anything else does not
// match. Then, as cosign's offline verification does: the log's signed
// entry timestamp over that body, the Merkle inclusion proof (RFC 9162)
// and its checkpoint, and the certificate chain at the time the log
// integrated the entry.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "signatures/rekor_entry.pb.h"
#include "signatures/base64.hpp"
#include "signatures/sha2.hpp"
#include "signatures/x509_impl.hpp"

namespace warden {

namespace {

// A signature by a log's key: ECDSA over SHA-256 of `message`, or Ed25519
// over `message` itself.
bool log_signed(EVP_PKEY* key, std::string_view message, std::string_view signature) {
  openssl::MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  const EVP_MD* md = EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  ERR_clear_error();
  return ok;
}

// The canonical (RFC 8785) hashedrekord v0.0.1 body gitsign uploaded for
// this signature.
Result<std::string> hashedrekord_body(const X509Signature::Impl& sig) {
  openssl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), sig.leaf.get()) != 1) return make_error("cannot encode the certificate");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<size_t>(n));
  nlohmann::json body = {
      {"apiVersion", "0.0.1"},
      {"kind", "hashedrekord"},
      {"spec",
       {{"data", {{"hash", {{"algorithm", "sha256"}, {"value", hex_of(sha256(sig.signed_attributes))}}}}},
        {"signature", {{"content", base64_encode(sig.signature)}, {"publicKey", {{"content", base64_encode(pem)}}}}}}}};
  return body.dump();  // keys sorted, no white space: canonical for this ASCII-only object
}

// RFC 9162 section 2.1.3.2: the root that `proof` leads to from leaf `index`.
Status verify_inclusion(const std::string& leaf_hash, uint64_t index, uint64_t size, const rekor::InclusionProof& proof) {
  if (size == 0 || index >= size) return make_error("the inclusion proof's index is outside its tree");
  uint64_t fn = index, sn = size - 1;
  std::string r = leaf_hash;
  for (const std::string& p : proof.hashes()) {
    if (p.size() != kSha256Bytes || sn == 0) return make_error("malformed inclusion proof");
    if ((fn & 1) == 1 || fn == sn) {
      r = sha256(std::string(1, '\x01') + p + r);
      if ((fn & 1) == 0)
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
    } else {
      r = sha256(std::string(1, '\x01') + r + p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0 || r != proof.root_hash()) return make_error("the inclusion proof does not lead to its root hash");
  return Status::success();
}

// The checkpoint (a signed note: origin, tree size, root hash, then
// signature lines "— NAME BASE64(key hint + signature)") names the proof's
// tree and is signed by the log.
Status verify_checkpoint(const std::string& envelope, const rekor::InclusionProof& proof, EVP_PKEY* key,
                         const std::string& key_id) {
  size_t split = envelope.find("\n\n");
  if (split == std::string::npos) return make_error("malformed checkpoint");
  std::string note = envelope.substr(0, split + 1);
  std::vector<std::string> lines;
  for (size_t at = 0; at < note.size();) {
    size_t nl = note.find('\n', at);
    lines.push_back(note.substr(at, nl - at));
    at = nl + 1;
  }
  if (lines.size() < 3 || lines[1] != std::to_string(proof.tree_size()) ||
      base64_decode(lines[2]).value_or("") != proof.root_hash())
    return make_error("the checkpoint does not name the inclusion proof's tree");
  // Signed by the log whose name starts its origin line ("NAME - TREE").
  const std::string name = lines[0].substr(0, lines[0].find(' '));
  std::string_view sigs = std::string_view(envelope).substr(split + 2);
  const std::string_view dash = "\xe2\x80\x94 ";  // an em dash and a space
  while (!sigs.empty()) {
    size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs = nl == std::string_view::npos ? std::string_view() : sigs.substr(nl + 1);
    if (!line.starts_with(dash)) continue;
    size_t space = line.rfind(' ');
    if (line.substr(dash.size(), space - dash.size()) != name) continue;
    auto raw = base64_decode(line.substr(space + 1));
    if (!raw || raw->size() < 5 || raw->compare(0, 4, key_id, 0, 4) != 0) continue;
    if (log_signed(key, note, std::string_view(*raw).substr(4))) return Status::success();
  }
  return make_error("the checkpoint is not signed by the log");
}

}  // namespace

Result<int64_t> X509Signature::logged_in(const SigstoreTrustRoot& trust) const {
  if (!log_entry_)
    return make_error(
        "no transparency-log entry is embedded in the signature (gitsign's online mode): warden verifies offline; "
        "sign with gitsign's offline mode (git config gitsign.rekorMode offline)");
  rekor::TransparencyLogEntry entry;
  if (!entry.ParseFromString(*log_entry_)) return make_error("malformed transparency-log entry");
  if (entry.kind_version().kind() != "hashedrekord" || entry.kind_version().version() != "0.0.1")
    return make_error(fmt::format("transparency-log entry of kind {} {} (gitsign writes hashedrekord 0.0.1)",
                                  entry.kind_version().kind(), entry.kind_version().version()));
  const int64_t when = entry.integrated_time();
  const SigstoreTrustRoot::Impl& root = trust.impl();
  const SigstoreTrustRoot::Impl::Log* log = nullptr;
  for (const auto& l : root.logs)
    if (l.key_id == entry.log_id().key_id()) log = &l;
  if (log == nullptr)
    return make_error(fmt::format("the transparency-log entry is from a log the Sigstore trusted root does not list ({})",
                                  hex_of(entry.log_id().key_id())));
  if (!log->valid.covers(when))
    return make_error(fmt::format("the transparency log {} was not trusted at {}", log->base_url, utc_text(when)));

  auto body = hashedrekord_body(*impl_);
  if (!body) return body.error();
  // The signed entry timestamp: the log's promise, with the time.
  if (entry.inclusion_promise().signed_entry_timestamp().empty())
    return make_error("the transparency-log entry has no signed entry timestamp");
  nlohmann::json promise = {{"body", base64_encode(*body)},
                            {"integratedTime", when},
                            {"logID", hex_of(entry.log_id().key_id())},
                            {"logIndex", entry.log_index()}};
  if (!log_signed(log->key.get(), promise.dump(), entry.inclusion_promise().signed_entry_timestamp()))
    return make_error(fmt::format(
        "the transparency-log entry's signed entry timestamp does not verify for this signature (log {})", log->base_url));
  if (!entry.has_inclusion_proof()) return make_error("the transparency-log entry has no inclusion proof");
  const rekor::InclusionProof& proof = entry.inclusion_proof();
  if (proof.log_index() < 0 || proof.tree_size() <= 0) return make_error("malformed inclusion proof");
  if (auto s = verify_inclusion(sha256(std::string(1, '\0') + *body), static_cast<uint64_t>(proof.log_index()),
                                static_cast<uint64_t>(proof.tree_size()), proof);
      !s)
    return s.error();
  // The checkpoint is what signs the proof's root hash (sigstore-go
  // requires it too).
  if (!proof.has_checkpoint() || proof.checkpoint().envelope().empty())
    return make_error("the inclusion proof has no checkpoint (the log's signature over its root hash)");
  if (auto s = verify_checkpoint(proof.checkpoint().envelope(), proof, log->key.get(), log->key_id); !s) return s.error();

  // The certificate at the time the log saw it (Fulcio's live ten minutes).
  std::string why = "no Fulcio certificate authority of the Sigstore trusted root was valid then";
  for (const auto& ca : root.authorities) {
    if (!ca.valid.covers(when)) continue;
    std::vector<X509*> anchors{ca.chain.back().get()}, intermediates;
    for (size_t i = 0; i + 1 < ca.chain.size(); ++i) intermediates.push_back(ca.chain[i].get());
    auto s = verify_chain(impl_->leaf.get(), impl_->carried.get(), anchors, intermediates, when);
    if (s) {
      if (auto m = may_sign(impl_->leaf.get()); !m) return m.error();
      return when;
    }
    why = fmt::format("the certificate does not chain to {}: {}", ca.uri, s.error().message);
  }
  return make_error(why);
}

}  // namespace warden
