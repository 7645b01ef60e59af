// git's x509 signatures: the armor, the CMS SignedData in it, and what its
// signer's certificate says. OpenSSL's CMS API checks the signature; warden
// decides only what it requires of the structure (one signer, detached,
// over data, with signed attributes).
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "common/text_forms.hpp"
#include "signatures/base64.hpp"
#include "signatures/x509_armor.hpp"
#include "signatures/x509_impl.hpp"

namespace warden {

namespace {

constexpr std::string_view kBegin = "-----BEGIN SIGNED MESSAGE-----";
constexpr std::string_view kEnd = "-----END SIGNED MESSAGE-----";
constexpr const char* kLogEntryOid = "1.3.6.1.4.1.57264.3.1";
constexpr const char* kIssuerOid = "1.3.6.1.4.1.57264.1.8";
constexpr const char* kIssuerLegacyOid = "1.3.6.1.4.1.57264.1.1";

// OpenSSL's first queued error, for a message; the queue is emptied.
std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  const char* r = ERR_reason_error_string(e);
  return r ? r : fmt::format("error {:#x}", e);
}

std::string name_text(const X509_NAME* name) {
  openssl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "";
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

std::optional<int64_t> to_seconds(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

// The value of the extension `oid`, "" if absent.
std::string extension_bytes(X509* cert, const char* oid) {
  Handle<ASN1_OBJECT, ASN1_OBJECT_free> obj(OBJ_txt2obj(oid, 1));
  if (!obj) return "";
  int at = X509_get_ext_by_OBJ(cert, obj.get(), -1);
  if (at < 0) return "";
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, at));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)), ASN1_STRING_length(data));
}

std::string oidc_issuer_of(X509* cert) {
  std::string der = extension_bytes(cert, kIssuerOid);  // a DER UTF8String
  if (!der.empty()) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    Handle<ASN1_UTF8STRING, ASN1_UTF8STRING_free> s(d2i_ASN1_UTF8STRING(nullptr, &p, static_cast<long>(der.size())));
    if (s) return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s.get())), ASN1_STRING_length(s.get()));
    return "";
  }
  return extension_bytes(cert, kIssuerLegacyOid);  // the raw string
}

void names_of(X509* cert, std::vector<std::string>& emails, std::vector<std::string>& uris, std::string& san_identity) {
  STACK_OF(OPENSSL_STRING)* raw = X509_get1_email(cert);  // subject emailAddress and SAN rfc822Name
  for (int i = 0; raw != nullptr && i < sk_OPENSSL_STRING_num(raw); ++i) emails.emplace_back(sk_OPENSSL_STRING_value(raw, i));
  X509_email_free(raw);
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  std::string first_email;
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type == GEN_EMAIL && first_email.empty()) {
      const ASN1_IA5STRING* s = n->d.rfc822Name;
      first_email.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
    }
    if (n->type != GEN_URI) continue;
    const ASN1_IA5STRING* s = n->d.uniformResourceIdentifier;
    uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
  }
  GENERAL_NAMES_free(names);
  san_identity = uris.empty() ? first_email : uris.front();
}

// The signed attributes as the signature covers them: a DER SET OF, its
// elements in DER order.
Result<std::string> signed_attributes_der(CMS_SignerInfo* si) {
  std::vector<std::string> encoded;
  for (int i = 0; i < CMS_signed_get_attr_count(si); ++i) {
    unsigned char* out = nullptr;
    int n = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &out);
    if (n <= 0) return make_error("malformed x509 signature (cannot encode a signed attribute)");
    encoded.emplace_back(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
    OPENSSL_free(out);
  }
  std::sort(encoded.begin(), encoded.end());
  size_t length = 0;
  for (const auto& e : encoded) length += e.size();
  std::string der(ASN1_object_size(1, static_cast<int>(length), V_ASN1_SET), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
  ASN1_put_object(&p, 1, static_cast<int>(length), V_ASN1_SET, V_ASN1_UNIVERSAL);
  der.resize(static_cast<size_t>(p - reinterpret_cast<unsigned char*>(der.data())));
  for (const auto& e : encoded) der += e;
  return der;
}

// The signing time, if the signature states one: then exactly one
// attribute with one UTCTime or GeneralizedTime (lastpos -3 asks OpenSSL
// for exactly one attribute with one value, of the type given).
Result<std::optional<int64_t>> signing_time_of(CMS_SignerInfo* si) {
  const ASN1_OBJECT* oid = OBJ_nid2obj(NID_pkcs9_signingTime);
  if (CMS_signed_get_attr_by_OBJ(si, oid, -1) < 0) return std::optional<int64_t>();
  auto* t = static_cast<const ASN1_TIME*>(CMS_signed_get0_data_by_OBJ(si, oid, -3, V_ASN1_UTCTIME));
  if (t == nullptr) t = static_cast<const ASN1_TIME*>(CMS_signed_get0_data_by_OBJ(si, oid, -3, V_ASN1_GENERALIZEDTIME));
  auto seconds = to_seconds(t);
  if (!seconds) return make_error("malformed x509 signature (its signing time)");
  return std::optional<int64_t>(*seconds);
}

// The transparency-log entry gitsign embeds, if any: then exactly one
// attribute with one OCTET STRING.
Result<std::optional<std::string>> log_entry_of(CMS_SignerInfo* si) {
  Handle<ASN1_OBJECT, ASN1_OBJECT_free> oid(OBJ_txt2obj(kLogEntryOid, 1));
  if (!oid) return make_error("out of memory");
  if (CMS_unsigned_get_attr_by_OBJ(si, oid.get(), -1) < 0) return std::optional<std::string>();
  auto* s = static_cast<const ASN1_OCTET_STRING*>(CMS_unsigned_get0_data_by_OBJ(si, oid.get(), -3, V_ASN1_OCTET_STRING));
  if (s == nullptr) return make_error("malformed x509 signature (its transparency-log entry attribute)");
  return std::optional<std::string>(
      std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s)));
}

// Whether the SignedData's own list of digest algorithms (ContentInfo,
// [0], SignedData: its version, then that SET) names `digest`, as
// CMS_verify requires. OpenSSL offers no getter for the list: it is read
// with OpenSSL's TLV reader, DER or BER (gpgsm writes indefinite lengths).
bool digest_listed(std::string_view der, const ASN1_OBJECT* digest) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = p + der.size();
  long len = 0;
  int tag = 0, cls = 0;
  auto header = [&](bool constructed) {
    int r = ASN1_get_object(&p, &len, &tag, &cls, end - p);
    return (r & 0x80) == 0 && ((r & V_ASN1_CONSTRUCTED) != 0) == constructed;
  };
  if (!header(true) || tag != V_ASN1_SEQUENCE) return false;        // ContentInfo
  if (!header(false) || tag != V_ASN1_OBJECT || len > end - p) return false;
  p += len;                                                          // contentType
  if (!header(true) || cls != V_ASN1_CONTEXT_SPECIFIC) return false;  // [0]
  if (!header(true) || tag != V_ASN1_SEQUENCE) return false;        // SignedData
  if (!header(false) || tag != V_ASN1_INTEGER || len > end - p) return false;
  p += len;                                                          // version
  if (!header(true) || tag != V_ASN1_SET) return false;             // digestAlgorithms
  const unsigned char* set_end = len > 0 && len <= end - p ? p + len : end;
  while (p < set_end && !(p + 1 < set_end && p[0] == 0 && p[1] == 0)) {
    Handle<X509_ALGOR, X509_ALGOR_free> a(d2i_X509_ALGOR(nullptr, &p, set_end - p));
    if (!a) return false;
    const ASN1_OBJECT* obj = nullptr;
    X509_ALGOR_get0(&obj, nullptr, nullptr, a.get());
    if (obj != nullptr && OBJ_cmp(obj, digest) == 0) return true;
  }
  return false;
}

// The content-type attribute names the content, and the message-digest
// attribute is the digest of `payload`.
Status attributes_match(std::string_view der, CMS_ContentInfo* cms, CMS_SignerInfo* si, std::string_view payload) {
  // lastpos -3: exactly one such attribute, else null.
  auto* type = static_cast<ASN1_OBJECT*>(
      CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT));
  if (type == nullptr || OBJ_cmp(type, CMS_get0_eContentType(cms)) != 0)
    return make_error("malformed x509 signature (its content-type attribute)");
  auto* digest = static_cast<ASN1_OCTET_STRING*>(
      CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING));
  X509_ALGOR* algorithm = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &algorithm, nullptr);
  const ASN1_OBJECT* obj = nullptr;
  if (algorithm != nullptr) X509_ALGOR_get0(&obj, nullptr, nullptr, algorithm);
  const EVP_MD* md = obj != nullptr ? EVP_get_digestbyobj(obj) : nullptr;
  if (digest == nullptr || md == nullptr) return make_error("malformed x509 signature (its message-digest attribute)");
  if (!digest_listed(der, obj))
    return make_error("malformed x509 signature (the signer's digest algorithm is not among the SignedData's)");
  unsigned char computed[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(payload.data(), payload.size(), computed, &length, md, nullptr) != 1)
    return make_error(fmt::format("x509 signature does not verify ({})", openssl_reason()));
  if (static_cast<int>(length) != ASN1_STRING_length(digest) ||
      CRYPTO_memcmp(computed, ASN1_STRING_get0_data(digest), length) != 0)
    return make_error("x509 signature does not verify (the message digest does not match what was signed)");
  return Status::success();
}

// The signature algorithm names the signer's key type (and, where it
// names a digest, the one the signer hashed with), and the digest is not a
// broken one. OpenSSL takes the algorithm from the key: without this, the
// identifier could be rewritten at will.
Status algorithms_match(CMS_SignerInfo* si) {
  EVP_PKEY* key = nullptr;
  X509_ALGOR* digest = nullptr;
  X509_ALGOR* algorithm = nullptr;
  CMS_SignerInfo_get0_algs(si, &key, nullptr, &digest, &algorithm);
  if (key == nullptr || digest == nullptr || algorithm == nullptr)
    return make_error("malformed x509 signature (no algorithms)");
  const ASN1_OBJECT* obj = nullptr;
  X509_ALGOR_get0(&obj, nullptr, nullptr, digest);
  int digest_nid = OBJ_obj2nid(obj);
  if (digest_nid == NID_md5 || digest_nid == NID_sha1)
    return make_error(fmt::format("{} signature (refused: the hash is broken)", OBJ_nid2sn(digest_nid)));
  X509_ALGOR_get0(&obj, nullptr, nullptr, algorithm);
  int nid = OBJ_obj2nid(obj);
  int key_nid = EVP_PKEY_get_base_id(key);
  if (key_nid == EVP_PKEY_EC) key_nid = NID_X9_62_id_ecPublicKey;
  int named_digest = NID_undef, named_key = NID_undef;
  if (OBJ_find_sigid_algs(nid, &named_digest, &named_key) == 1) {
    if (named_key == key_nid && (named_digest == NID_undef || named_digest == digest_nid)) return Status::success();
  } else if (nid == key_nid || (nid == NID_rsassaPss && key_nid == NID_rsaEncryption)) {
    return Status::success();
  }
  return make_error(fmt::format("malformed x509 signature (signature algorithm {} for a {} key with {})",
                                nid == NID_undef ? "unknown" : OBJ_nid2sn(nid), OBJ_nid2sn(key_nid), OBJ_nid2sn(digest_nid)));
}

}  // namespace

Result<std::string> dearmor_x509(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (!text.starts_with(kBegin) || !text.ends_with(kEnd))
    return make_error("malformed x509 signature (not one SIGNED MESSAGE block)");
  std::string_view body = text.substr(kBegin.size(), text.size() - kBegin.size() - kEnd.size());
  std::string b64;
  for (char c : body) {
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    b64.push_back(c);
  }
  auto der = base64_decode(b64);
  if (!der || der->empty()) return make_error("malformed x509 signature (bad base64)");
  return *der;
}

X509Signature::X509Signature() : impl_(std::make_unique<Impl>()) {}
X509Signature::~X509Signature() = default;

Result<std::shared_ptr<const X509Signature>> X509Signature::verify(std::string_view armored, std::string_view payload) {
  auto der = dearmor_x509(armored);
  if (!der) return der.error();
  ERR_clear_error();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
  openssl::Cms cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der->size())));
  if (!cms || p != reinterpret_cast<const unsigned char*>(der->data()) + der->size())
    return make_error("malformed x509 signature (not a CMS structure)");
  if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed)
    return make_error("malformed x509 signature (not CMS SignedData)");
  if (OBJ_obj2nid(CMS_get0_eContentType(cms.get())) != NID_pkcs7_data)
    return make_error("malformed x509 signature (it signs something other than data)");
  ASN1_OCTET_STRING** content = CMS_get0_content(cms.get());
  if (content == nullptr || *content != nullptr)
    return make_error("malformed x509 signature (not a detached signature)");
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms.get());
  if (sk_CMS_SignerInfo_num(infos) != 1) return make_error("malformed x509 signature (not exactly one signer)");
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
  if (CMS_signed_get_attr_count(si) <= 0) return make_error("malformed x509 signature (no signed attributes)");

  // CMS_verify's checks, one by one (it leaks its digest BIOs when the
  // digest does not match): the signer's certificate among those carried,
  // the content-type and message-digest attributes, the signature over the
  // signed attributes. The chain is a policy's question (chains_to,
  // logged_in), not this one's.
  if (CMS_set1_signers_certs(cms.get(), nullptr, 0) != 1) {
    ERR_clear_error();
    return make_error("malformed x509 signature (the signer's certificate is not in it)");
  }
  if (auto s = algorithms_match(si); !s) return s.error();
  if (auto s = attributes_match(*der, cms.get(), si, payload); !s) return s.error();
  if (CMS_SignerInfo_verify(si) != 1)
    return make_error(fmt::format("x509 signature does not verify ({})", openssl_reason()));

  std::shared_ptr<X509Signature> out(new X509Signature());
  {
    STACK_OF(X509)* signers = CMS_get0_signers(cms.get());
    X509* leaf = signers != nullptr && sk_X509_num(signers) == 1 ? sk_X509_value(signers, 0) : nullptr;
    if (leaf != nullptr) X509_up_ref(leaf);
    sk_X509_free(signers);
    if (leaf == nullptr) return make_error("malformed x509 signature (the signer's certificate is not in it)");
    out->impl_->leaf.reset(leaf);
  }
  out->impl_->carried.reset(CMS_get1_certs(cms.get()));
  if (!out->impl_->carried) out->impl_->carried.reset(sk_X509_new_null());
  auto attrs = signed_attributes_der(si);
  if (!attrs) return attrs.error();
  out->impl_->signed_attributes = std::move(*attrs);
  const ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(si);
  out->impl_->signature.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)), ASN1_STRING_length(value));
  auto when = signing_time_of(si);
  if (!when) return when.error();
  out->signing_time_ = *when;
  auto entry = log_entry_of(si);
  if (!entry) return entry.error();
  out->log_entry_ = std::move(*entry);

  X509* leaf = out->impl_->leaf.get();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (X509_digest(leaf, EVP_sha256(), md, &md_len) != 1) return make_error("cannot hash the signer's certificate");
  out->fingerprint_ = "SHA256:" + hex_of(std::string_view(reinterpret_cast<const char*>(md), md_len));
  out->subject_ = name_text(X509_get_subject_name(leaf));
  out->issuer_ = name_text(X509_get_issuer_name(leaf));
  names_of(leaf, out->emails_, out->uris_, out->san_identity_);
  out->oidc_issuer_ = oidc_issuer_of(leaf);
  return std::shared_ptr<const X509Signature>(std::move(out));
}

X509Authority::X509Authority() : impl_(std::make_unique<Impl>()) {}
X509Authority::~X509Authority() = default;

Result<std::shared_ptr<const X509Authority>> X509Authority::parse(std::string_view pem) {
  openssl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return make_error("out of memory");
  std::shared_ptr<X509Authority> out(new X509Authority());
  out->impl_->cert.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!out->impl_->cert) return make_error("not a PEM certificate");
  if (openssl::X509Cert more(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)); more)
    return make_error("more than one certificate: a CA file holds exactly one");
  ERR_clear_error();
  out->subject_ = name_text(X509_get_subject_name(out->impl_->cert.get()));
  return std::shared_ptr<const X509Authority>(std::move(out));
}

}  // namespace warden
