#include "support/fake_sigstore.hpp"

#include <catch2/catch.hpp>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/text_forms.hpp"
#include "signatures/base64.hpp"
#include "signatures/rekor_entry.pb.h"

namespace test {

namespace {

std::string sha256(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return std::string(reinterpret_cast<const char*>(md), sizeof md);
}

std::string der_of(X509* cert) {
  unsigned char* out = nullptr;
  int n = i2d_X509(cert, &out);
  REQUIRE(n > 0);
  std::string der(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return der;
}

std::string pem_of(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  REQUIRE(PEM_write_bio_X509(bio, cert) == 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  return pem;
}

std::string spki_of(EVP_PKEY* key) {
  unsigned char* out = nullptr;
  int n = i2d_PUBKEY(key, &out);
  REQUIRE(n > 0);
  std::string der(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return der;
}

std::string ecdsa_sign(EVP_PKEY* key, const std::string& message) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  REQUIRE(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1);
  REQUIRE(EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1);
  std::string sig(len, '\0');
  REQUIRE(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                         reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1);
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  return sig;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  REQUIRE(ext != nullptr);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string rfc3339(int64_t t) {
  char buf[32];
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

}  // namespace

struct FakeSigstore::Keys {
  EVP_PKEY* ca_key = nullptr;
  EVP_PKEY* log_key = nullptr;
  X509* ca = nullptr;
  ~Keys() {
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(log_key);
    X509_free(ca);
  }
};

FakeSigstore::FakeSigstore() : keys_(std::make_unique<Keys>()) {
  keys_->ca_key = EVP_EC_gen("P-256");
  keys_->log_key = EVP_EC_gen("P-256");
  REQUIRE((keys_->ca_key && keys_->log_key));
  X509* ca = keys_->ca = X509_new();
  X509_set_version(ca, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(ca), 1);
  X509_NAME* name = X509_get_subject_name(ca);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("fake.sigstore"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("fake-fulcio"), -1, -1, 0);
  X509_set_issuer_name(ca, name);
  ASN1_TIME_set(X509_getm_notBefore(ca), 1577836800);  // 2020
  ASN1_TIME_set(X509_getm_notAfter(ca), 2208988800);   // 2040
  X509_set_pubkey(ca, keys_->ca_key);
  add_extension(ca, ca, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(ca, ca, NID_key_usage, "critical,keyCertSign");
  REQUIRE(X509_sign(ca, keys_->ca_key, EVP_sha256()) > 0);
}

FakeSigstore::~FakeSigstore() = default;

std::string FakeSigstore::trusted_root(int64_t ca_from, int64_t ca_until) const {
  std::string spki = spki_of(keys_->log_key);
  nlohmann::json ca_valid = {{"start", rfc3339(ca_from)}};
  if (ca_until != 0) ca_valid["end"] = rfc3339(ca_until);
  nlohmann::json root = {
      {"mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.1"},
      {"tlogs",
       {{{"baseUrl", "https://fake.log"},
         {"hashAlgorithm", "SHA2_256"},
         {"publicKey",
          {{"rawBytes", warden::base64_encode(spki)},
           {"keyDetails", "PKIX_ECDSA_P256_SHA_256"},
           {"validFor", {{"start", rfc3339(1577836800)}}}}},
         {"logId", {{"keyId", warden::base64_encode(sha256(spki))}}}}}},
      {"certificateAuthorities",
       {{{"uri", "https://fake.fulcio"},
         {"certChain", {{"certificates", {{{"rawBytes", warden::base64_encode(der_of(keys_->ca))}}}}}},
         {"validFor", ca_valid}}}}};
  return root.dump(2);
}

std::string FakeSigstore::sign(const std::string& payload, const Signing& s) const {
  // The short-lived certificate, as Fulcio issues it.
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* leaf = X509_new();
  X509_set_version(leaf, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(leaf), static_cast<long>(s.not_before & 0x7fffffff));
  X509_set_issuer_name(leaf, X509_get_subject_name(keys_->ca));
  if (!s.subject.empty()) {
    X509_NAME* subject = X509_NAME_new();
    for (size_t at = 1; at < s.subject.size();) {  // "/K=V/K=V"
      size_t end = std::min(s.subject.find('/', at), s.subject.size()), eq = s.subject.find('=', at);
      REQUIRE(eq < end);
      REQUIRE(X509_NAME_add_entry_by_txt(subject, s.subject.substr(at, eq - at).c_str(), MBSTRING_ASC,
                                         reinterpret_cast<const unsigned char*>(s.subject.c_str() + eq + 1),
                                         static_cast<int>(end - eq - 1), -1, 0) == 1);
      at = end + 1;
    }
    X509_set_subject_name(leaf, subject);
    X509_NAME_free(subject);
  }
  ASN1_TIME_set(X509_getm_notBefore(leaf), s.not_before);
  ASN1_TIME_set(X509_getm_notAfter(leaf), s.not_after);
  X509_set_pubkey(leaf, key);
  add_extension(leaf, keys_->ca, NID_key_usage, "critical,digitalSignature");
  add_extension(leaf, keys_->ca, NID_ext_key_usage, "codeSigning");
  add_extension(leaf, keys_->ca, NID_subject_alt_name, ("critical," + (s.san.empty() ? "email:" + s.email : s.san)).c_str());
  {
    ASN1_UTF8STRING* issuer = ASN1_UTF8STRING_new();
    ASN1_STRING_set(issuer, s.issuer.data(), static_cast<int>(s.issuer.size()));
    unsigned char* der = nullptr;
    int n = i2d_ASN1_UTF8STRING(issuer, &der);
    ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(value, der, n);
    ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.57264.1.8", 1);
    X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, oid, 0, value);
    X509_add_ext(leaf, ext, -1);
    X509_EXTENSION_free(ext);
    ASN1_OBJECT_free(oid);
    ASN1_OCTET_STRING_free(value);
    OPENSSL_free(der);
    ASN1_UTF8STRING_free(issuer);
  }
  REQUIRE(X509_sign(leaf, keys_->ca_key, EVP_sha256()) > 0);

  BIO* data = BIO_new_mem_buf(payload.data(), static_cast<int>(payload.size()));
  CMS_ContentInfo* cms = CMS_sign(leaf, key, nullptr, data, CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP);
  REQUIRE(cms != nullptr);
  BIO_free(data);
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);

  if (s.embed_entry) {
    // What gitsign uploads: a hashedrekord of the signed attributes (a DER
    // SET OF), the signature and the certificate.
    std::vector<std::string> attrs;
    for (int i = 0; i < CMS_signed_get_attr_count(si); ++i) {
      unsigned char* out = nullptr;
      int n = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &out);
      attrs.emplace_back(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
      OPENSSL_free(out);
    }
    std::sort(attrs.begin(), attrs.end());
    std::string content;
    for (const auto& a : attrs) content += a;
    std::string set(static_cast<size_t>(ASN1_object_size(1, static_cast<int>(content.size()), V_ASN1_SET)), '\0');
    unsigned char* p = reinterpret_cast<unsigned char*>(set.data());
    ASN1_put_object(&p, 1, static_cast<int>(content.size()), V_ASN1_SET, V_ASN1_UNIVERSAL);
    set.resize(static_cast<size_t>(p - reinterpret_cast<unsigned char*>(set.data())));
    set += content;
    const ASN1_OCTET_STRING* sig = CMS_SignerInfo_get0_signature(si);
    std::string signature(reinterpret_cast<const char*>(ASN1_STRING_get0_data(sig)), ASN1_STRING_length(sig));
    nlohmann::json body = {
        {"apiVersion", "0.0.1"},
        {"kind", "hashedrekord"},
        {"spec",
         {{"data", {{"hash", {{"algorithm", "sha256"}, {"value", warden::hex_of(sha256(set))}}}}},
          {"signature",
           {{"content", warden::base64_encode(signature)}, {"publicKey", {{"content", warden::base64_encode(pem_of(leaf))}}}}}}}};
    std::string body_text = body.dump();
    std::string log_id = sha256(spki_of(keys_->log_key));
    nlohmann::json promise = {{"body", warden::base64_encode(body_text)},
                              {"integratedTime", s.integrated},
                              {"logID", warden::hex_of(log_id)},
                              {"logIndex", 7}};
    // A tree of one entry: its root is the leaf's hash.
    std::string root = sha256(std::string(1, '\0') + body_text);
    std::string note = "fake.log - 1\n1\n" + warden::base64_encode(root) + "\n";
    std::string checkpoint = note + "\n\xe2\x80\x94 fake.log " +
                             warden::base64_encode(log_id.substr(0, 4) + ecdsa_sign(keys_->log_key, note)) + "\n";
    warden::rekor::TransparencyLogEntry entry;
    entry.set_log_index(7);
    entry.mutable_log_id()->set_key_id(log_id);
    entry.mutable_kind_version()->set_kind("hashedrekord");
    entry.mutable_kind_version()->set_version("0.0.1");
    entry.set_integrated_time(s.integrated);
    entry.mutable_inclusion_promise()->set_signed_entry_timestamp(ecdsa_sign(keys_->log_key, promise.dump()));
    auto* proof = entry.mutable_inclusion_proof();
    proof->set_log_index(0);
    proof->set_tree_size(1);
    proof->set_root_hash(root);
    if (s.checkpoint) proof->mutable_checkpoint()->set_envelope(checkpoint);
    std::string bytes = entry.SerializeAsString();
    ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.57264.3.1", 1);
    REQUIRE(CMS_unsigned_add1_attr_by_OBJ(si, oid, V_ASN1_OCTET_STRING, bytes.data(), static_cast<int>(bytes.size())) == 1);
    ASN1_OBJECT_free(oid);
  }
  unsigned char* out = nullptr;
  int n = i2d_CMS_ContentInfo(cms, &out);
  REQUIRE(n > 0);
  std::string b64 = warden::base64_encode(std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n)));
  OPENSSL_free(out);
  CMS_ContentInfo_free(cms);
  X509_free(leaf);
  EVP_PKEY_free(key);
  std::string armored = "-----BEGIN SIGNED MESSAGE-----\n";
  for (size_t at = 0; at < b64.size(); at += 64) armored += b64.substr(at, 64) + "\n";
  return armored + "-----END SIGNED MESSAGE-----\n";
}

std::string with_gpgsig(const std::string& raw, const std::string& signature) {
  size_t committer = raw.find("\ncommitter ");
  REQUIRE(committer != std::string::npos);
  size_t end = raw.find('\n', committer + 1);
  std::string header = "gpgsig ";
  for (size_t at = 0; at < signature.size();) {
    size_t nl = signature.find('\n', at);
    if (at > 0) header += " ";
    header += signature.substr(at, nl - at) + "\n";
    at = nl + 1;
  }
  return raw.substr(0, end + 1) + header + raw.substr(end + 1);
}

}  // namespace test
