// git's x509 signatures (gpgsm, smimesign, gitsign): the armor and CMS
// structure an attacker writes into a commit (mode 0), and the
// transparency-log entry gitsign embeds (mode 1: the bytes replace the
// entry of a real offline-mode signature, whose CMS signature does not
// cover it), each then checked against Sigstore's public-good root.
#include <openssl/cms.h>
#include <openssl/objects.h>

#include <cstdlib>

#include "fuzz_input.hpp"
#include "signatures/base64.hpp"
#include "support/gitsign_vectors.hpp"
#include "signatures/x509_armor.hpp"
#include "warden/x509_signature.hpp"

namespace {

struct Real {
  std::string der;      // the offline-mode signature
  std::string payload;  // what it signs
  std::shared_ptr<const warden::SigstoreTrustRoot> root;
};

const Real& real() {
  static const Real r = [] {
    Real r;
    auto [sig, payload] = test::split_signed_commit(test::gitsign_vector("offline.commit"));
    r.payload = payload;
    auto der = warden::dearmor_x509(sig);
    auto root = warden::SigstoreTrustRoot::parse(test::gitsign_vector("trusted_root.json"));
    if (!der || !root) std::abort();  // the vectors are part of the source tree
    r.der = *der;
    r.root = *root;
    return r;
  }();
  return r;
}

std::string armor(const std::string& der) {
  return "-----BEGIN SIGNED MESSAGE-----\n" + warden::base64_encode(der) + "\n-----END SIGNED MESSAGE-----\n";
}

void check(const std::string& armored, const std::string& payload) {
  auto sig = warden::X509Signature::verify(armored, payload);
  if (!sig) return;
  (void)(*sig)->logged_in(*real().root);
}

// The real signature with `entry` as its embedded log entry.
std::string with_entry(std::string_view entry) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(real().der.data());
  CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(real().der.size()));
  if (cms == nullptr) std::abort();
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
  ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.57264.3.1", 1);
  int at = CMS_unsigned_get_attr_by_OBJ(si, oid, -1);
  X509_ATTRIBUTE_free(CMS_unsigned_delete_attr(si, at));
  CMS_unsigned_add1_attr_by_OBJ(si, oid, V_ASN1_OCTET_STRING, entry.data(), static_cast<int>(entry.size()));
  ASN1_OBJECT_free(oid);
  unsigned char* out = nullptr;
  int n = i2d_CMS_ContentInfo(cms, &out);
  CMS_ContentInfo_free(cms);
  std::string der = n > 0 ? std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n)) : std::string();
  OPENSSL_free(out);
  return der;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [mode, text] = warden::fuzz::split_mode(data, size);
  if (mode % 2 == 0) check(std::string(text), real().payload);
  else check(armor(with_entry(text)), real().payload);
  return 0;
}
