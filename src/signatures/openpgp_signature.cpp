// A strict reader for one v4 OpenPGP signature packet over a binary
// document, and the hash it signs (RFC 4880 sections 4.2, 5.2.3, 5.2.4).
#include "signatures/openpgp_signature.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include "signatures/openssl_keys.hpp"

namespace warden {

namespace pgp {

std::string hash_name(uint8_t algorithm) {
  switch (algorithm) {
    case kMd5: return "MD5";
    case kSha1: return "SHA1";
    case kRipemd160: return "RIPEMD160";
    case kSha256: return "SHA256";
    case kSha384: return "SHA384";
    case kSha512: return "SHA512";
    case kSha224: return "SHA224";
  }
  return fmt::format("hash #{}", algorithm);
}

std::string algorithm_name(uint8_t algorithm) {
  switch (algorithm) {
    case kRsa:
    case kRsaSignOnly: return "RSA";
    case kDsa: return "DSA";
    case kEcdsa: return "ECDSA";
    case kEddsa: return "EdDSA";
    case 16:
    case 20: return "ElGamal";
    case 18: return "ECDH";
    case 27: return "Ed25519 (RFC 9580)";
    case 28: return "Ed448 (RFC 9580)";
  }
  return fmt::format("public-key algorithm #{}", algorithm);
}

}  // namespace pgp

namespace {

// Subpacket types (RFC 4880 5.2.3.1) that warden reads or may ignore.
constexpr uint8_t kCreationTime = 2;
constexpr uint8_t kSignatureExpiration = 3;
constexpr uint8_t kExportable = 4;
constexpr uint8_t kIssuerKeyId = 16;
constexpr uint8_t kNotation = 20;
constexpr uint8_t kSignerUserId = 28;
constexpr uint8_t kIssuerFingerprint = 33;

// Bounds-checked big-endian reader over a byte string.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  size_t left() const { return s_.size() - at_; }
  size_t offset() const { return at_; }
  bool u8(uint8_t& v) {
    if (left() < 1) return false;
    v = static_cast<uint8_t>(s_[at_++]);
    return true;
  }
  bool be(size_t n, uint32_t& v) {
    if (left() < n) return false;
    v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(s_[at_++]);
    return true;
  }
  bool bytes(size_t n, std::string_view& v) {
    if (left() < n) return false;
    v = s_.substr(at_, n);
    at_ += n;
    return true;
  }
  bool mpi(std::string& v) {
    uint32_t bits = 0;
    std::string_view b;
    if (!be(2, bits) || !bytes((bits + 7) / 8, b)) return false;
    v = b;
    return true;
  }

 private:
  std::string_view s_;
  size_t at_ = 0;
};

std::string hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02X}", c);
  return out;
}

// The body of the one packet in `data`; refuses anything else.
Result<std::string_view> only_signature_packet(std::string_view data) {
  Reader r(data);
  uint8_t head = 0;
  if (!r.u8(head) || !(head & 0x80)) return make_error("not an OpenPGP packet");
  uint8_t tag = 0;
  uint32_t len = 0;
  if (head & 0x40) {  // new format
    tag = head & 0x3F;
    uint8_t o1 = 0, o2 = 0;
    if (!r.u8(o1)) return make_error("truncated packet header");
    if (o1 < 192) {
      len = o1;
    } else if (o1 < 224) {
      if (!r.u8(o2)) return make_error("truncated packet header");
      len = ((o1 - 192u) << 8) + o2 + 192u;
    } else if (o1 == 255) {
      if (!r.be(4, len)) return make_error("truncated packet header");
    } else {
      return make_error("partial-length signature packet");
    }
  } else {  // old format
    tag = (head >> 2) & 0x0F;
    static const size_t kLenBytes[] = {1, 2, 4, 0};
    size_t n = kLenBytes[head & 3];
    if (n == 0) return make_error("signature packet of indeterminate length");
    if (!r.be(n, len)) return make_error("truncated packet header");
  }
  if (tag != 2) return make_error(fmt::format("OpenPGP packet of type {} where a signature was expected", tag));
  std::string_view body;
  if (!r.bytes(len, body)) return make_error("truncated signature packet");
  if (r.left() != 0) return make_error("more than one OpenPGP packet in the signature block");
  return body;
}

struct Subpackets {
  std::optional<uint32_t> created;
  std::string issuer_fingerprint;
  std::string issuer_key_id;
};

Status read_subpackets(std::string_view area, bool hashed, Subpackets& out) {
  Reader r(area);
  while (r.left() > 0) {
    uint8_t o1 = 0, o2 = 0;
    uint32_t len = 0;
    if (!r.u8(o1)) return make_error("truncated subpacket");
    if (o1 < 192) {
      len = o1;
    } else if (o1 < 255) {
      if (!r.u8(o2)) return make_error("truncated subpacket");
      len = ((o1 - 192u) << 8) + o2 + 192u;
    } else if (!r.be(4, len)) {
      return make_error("truncated subpacket");
    }
    std::string_view body;
    if (len == 0 || !r.bytes(len, body)) return make_error("malformed subpacket length");
    uint8_t type = static_cast<uint8_t>(body[0]) & 0x7F;
    bool critical = static_cast<uint8_t>(body[0]) & 0x80;
    body.remove_prefix(1);
    switch (type) {
      case kCreationTime:
        if (!hashed) break;  // only the hashed one counts
        if (out.created) return make_error("two signature creation times");
        if (body.size() != 4) return make_error("malformed signature creation time");
        out.created = 0;
        for (unsigned char c : body) *out.created = (*out.created << 8) | c;
        break;
      case kIssuerFingerprint: {
        if (body.size() != 21 || body[0] != 4)
          return make_error("issuer fingerprint is not a version 4 fingerprint");
        std::string fpr = hex(body.substr(1));
        if (!out.issuer_fingerprint.empty() && out.issuer_fingerprint != fpr)
          return make_error("two different issuer fingerprints");
        out.issuer_fingerprint = fpr;
        break;
      }
      case kIssuerKeyId: {
        if (body.size() != 8) return make_error("malformed issuer key id");
        std::string id = hex(body);
        if (!out.issuer_key_id.empty() && out.issuer_key_id != id) return make_error("two different issuer key ids");
        out.issuer_key_id = id;
        break;
      }
      case kExportable:
      case kSignerUserId:
        break;
      case kSignatureExpiration:
      case kNotation:
        // Understood but not acted upon: only acceptable when not critical.
        if (critical) return make_error(fmt::format("critical subpacket {} that warden does not enforce", type));
        break;
      default:
        if (critical) return make_error(fmt::format("unknown critical subpacket {}", type));
        break;
    }
  }
  return Status::success();
}


// Parses `armored`; hashes `*data` as the signature says, unless data is null.
Result<OpenPgpSignature> parse_signature(std::string_view armored, const std::string_view* data) {
  auto binary = dearmor(armored, "PGP SIGNATURE");
  if (!binary) return binary.error();
  auto body_r = only_signature_packet(*binary);
  if (!body_r) return body_r.error();
  std::string_view body = *body_r;
  Reader r(body);
  OpenPgpSignature sig;
  uint8_t version = 0, type = 0;
  uint32_t hashed_len = 0, unhashed_len = 0;
  // The digest's first two bytes in the clear are a quick check only: gpg
  // (and so git and Guix) verifies the signature over the whole digest
  // whatever they say, and real signatures carry wrong ones (GitHub's
  // web-flow key, 2017 to 2021). Read past; the signature itself decides.
  std::string_view hashed, unhashed, quick_check;
  if (!r.u8(version)) return make_error("empty signature packet");
  if (version != 4) return make_error(fmt::format("version {} signature (only version 4 is supported)", version));
  if (!r.u8(type) || !r.u8(sig.pk_algorithm) || !r.u8(sig.hash_algorithm) || !r.be(2, hashed_len) ||
      !r.bytes(hashed_len, hashed))
    return make_error("truncated signature packet");
  size_t hashed_end = r.offset();
  if (!r.be(2, unhashed_len) || !r.bytes(unhashed_len, unhashed) || !r.bytes(2, quick_check))
    return make_error("truncated signature packet");
  if (type != 0x00) return make_error(fmt::format("signature of type 0x{:02x}, not over a binary document", type));

  // A broken hash is parsed but never hashed (no digest): the signature
  // can be named, never verified.
  const EVP_MD* md = sig.broken_hash() ? nullptr : openssl::openpgp_md(sig.hash_algorithm);
  if (md == nullptr && !sig.broken_hash())
    return make_error(fmt::format("unsupported hash algorithm {}", sig.hash_algorithm));

  // An algorithm warden does not verify is still parsed up to its
  // material (which comes last, in a form warden need not know), so
  // that a refusal can name the algorithm and the issuer.
  size_t mpis = 0;
  switch (sig.pk_algorithm) {
    case pgp::kRsa:
    case pgp::kRsaSignOnly: mpis = 1; break;
    case pgp::kDsa:
    case pgp::kEcdsa:
    case pgp::kEddsa: mpis = 2; break;
    default: sig.unsupported_algorithm = true; break;
  }
  for (size_t i = 0; i < mpis; ++i) {
    std::string m;
    if (!r.mpi(m)) return make_error("truncated signature material");
    sig.mpis.push_back(std::move(m));
  }
  if (!sig.unsupported_algorithm && r.left() != 0) return make_error("trailing bytes in the signature packet");

  Subpackets sp;
  WARDEN_TRY_STATUS(read_subpackets(hashed, true, sp));
  WARDEN_TRY_STATUS(read_subpackets(unhashed, false, sp));
  if (!sp.created) return make_error("signature has no hashed creation time");
  if (sp.issuer_fingerprint.empty() && sp.issuer_key_id.empty()) return make_error("signature names no issuer");
  if (!sp.issuer_fingerprint.empty() && !sp.issuer_key_id.empty() && !sp.issuer_fingerprint.ends_with(sp.issuer_key_id))
    return make_error("issuer key id and fingerprint disagree");
  sig.created = *sp.created;
  sig.issuer_fingerprint = sp.issuer_fingerprint;
  sig.issuer_key_id = sp.issuer_fingerprint.empty() ? sp.issuer_key_id : sp.issuer_fingerprint.substr(24);

  if (sig.broken_hash() || sig.unsupported_algorithm || data == nullptr) return sig;
  // The hash: data, then the hashed part of the packet, then the v4 trailer.
  unsigned char trailer[6] = {0x04, 0xFF, static_cast<unsigned char>(hashed_end >> 24),
                              static_cast<unsigned char>(hashed_end >> 16), static_cast<unsigned char>(hashed_end >> 8),
                              static_cast<unsigned char>(hashed_end)};
  openssl::MdCtx ctx(EVP_MD_CTX_new());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data->data(), data->size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), body.data(), hashed_end) != 1 ||
      EVP_DigestUpdate(ctx.get(), trailer, sizeof trailer) != 1 || EVP_DigestFinal_ex(ctx.get(), out, &out_len) != 1)
    return make_error("cannot hash the signed data");
  sig.digest.assign(reinterpret_cast<const char*>(out), out_len);
  return sig;
}

}  // namespace

Result<OpenPgpSignature> parse_openpgp_signature(std::string_view armored, std::string_view data) {
  return parse_signature(armored, &data);
}

Result<OpenPgpSignature> parse_openpgp_signature_unhashed(std::string_view armored) {
  return parse_signature(armored, nullptr);
}

}  // namespace warden
