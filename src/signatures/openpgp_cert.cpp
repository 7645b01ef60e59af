// OpenPGP certificates: imported and validated by RNP once, then reduced
// to OpenSSL keys and validity windows for fast signature checks.
#include "warden/openpgp_cert.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <fmt/format.h>

#include <algorithm>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <ctime>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/text_forms.hpp"
#include "signatures/ed25519.hpp"
#include "signatures/openpgp_signature.hpp"
#include "signatures/openssl_keys.hpp"
#include "signatures/quiet_stderr.hpp"
#include "signatures/rnp_handles.hpp"

namespace warden {

struct OpenPgpCert::Key {
  bool primary = false;
  std::string fingerprint;  // upper-case hex
  std::string key_id;       // the fingerprint's last 16 digits
  uint8_t algorithm = 0;    // pgp::kRsa, kEcdsa, kEddsa, or 0 if unusable
  openssl::PKey pkey;
  std::string ed25519;      // EdDSA keys: the raw public key, for ed25519::verify
  std::string unusable;     // why there is no pkey
  uint32_t created = 0;
  uint64_t expires = std::numeric_limits<uint64_t>::max();  // from its own self-signature
  uint64_t valid_till = 0;  // RNP: 0 never valid (bad self-signature or binding), else the end
  bool can_sign = false;
  bool revoked = false;
  bool hard_revoked = false;  // compromised, or no reason given: nothing it signed counts
  uint32_t revoked_at = 0;
  std::string revocation_reason;
};

namespace {

std::string date(uint64_t t) {
  if (t >= static_cast<uint64_t>(std::numeric_limits<std::time_t>::max() / 2)) return "never";
  return utc_text(static_cast<int64_t>(t));
}

std::string take(char* p) {
  rnp::Buffer owned(p);
  return p ? std::string(p) : std::string();
}

Result<std::string> unhex(const std::string& h) {
  if (h.size() % 2) return make_error("odd hex string");
  std::string out;
  for (size_t i = 0; i < h.size(); i += 2) {
    unsigned v = 0;
    if (std::sscanf(h.c_str() + i, "%2x", &v) != 1) return make_error("bad hex string");
    out.push_back(static_cast<char>(v));
  }
  return out;
}

struct CurveName {
  const char* rnp;
  const char* openssl;
};
constexpr CurveName kCurves[] = {{"NIST P-256", "prime256v1"}, {"NIST P-384", "secp384r1"}, {"NIST P-521", "secp521r1"}};

// The key's algorithm and OpenSSL key, from RNP's JSON description of it.
Result<openssl::PKey> key_material(rnp_key_handle_t handle, uint8_t& algorithm) {
  const rnp::Library& lib = rnp::loaded();
  char* raw = nullptr;
  if (lib.key_to_json(handle, RNP_JSON_PUBLIC_MPIS, &raw) != RNP_SUCCESS)
    return make_error("cannot read the key material");
  auto json = nlohmann::json::parse(take(raw), nullptr, false);
  if (json.is_discarded() || !json.is_object()) return make_error("cannot read the key material");
  std::string type = json.value("type", "");
  std::string curve = json.value("curve", "");
  const auto& mpis = json["public key"]["mpis"];
  auto mpi = [&](const char* name) -> Result<std::string> {
    if (!mpis.is_object() || !mpis.contains(name) || !mpis[name].is_string()) return make_error("missing key material");
    return unhex(mpis[name].get<std::string>());
  };
  if (type == "RSA") {
    auto n = mpi("n"), e = mpi("e");
    if (!n || !e) return make_error("malformed RSA key");
    algorithm = pgp::kRsa;
    return openssl::rsa_key(*e, *n);
  }
  if (type == "EDDSA") {
    // Native Ed25519 point, prefixed with 0x40.
    auto point = mpi("point");
    if (curve != "Ed25519" || !point || point->size() != 33 || (*point)[0] != 0x40)
      return make_error("EdDSA key on a curve other than Ed25519");
    algorithm = pgp::kEddsa;
    return openssl::ed25519_key(std::string_view(*point).substr(1));
  }
  if (type == "ECDSA") {
    const char* group = nullptr;
    for (const auto& c : kCurves)
      if (curve == c.rnp) group = c.openssl;
    auto point = mpi("point");
    if (group == nullptr || !point) return make_error(fmt::format("ECDSA key on unsupported curve {}", curve));
    algorithm = pgp::kEcdsa;
    return openssl::ec_key(group, *point);
  }
  if (type == "DSA") {
    auto p = mpi("p"), q = mpi("q"), g = mpi("g"), y = mpi("y");
    if (!p || !q || !g || !y) return make_error("malformed DSA key");
    algorithm = pgp::kDsa;
    return openssl::dsa_key(*p, *q, *g, *y);
  }
  return make_error(fmt::format("{} keys are not supported", type));
}

Result<std::unique_ptr<OpenPgpCert::Key>> load_key(rnp_key_handle_t handle, bool primary) {
  const rnp::Library& lib = rnp::loaded();
  auto k = std::make_unique<OpenPgpCert::Key>();
  k->primary = primary;
  char* fpr = nullptr;
  if (lib.key_get_fprint(handle, &fpr) != RNP_SUCCESS) return make_error("cannot read a key fingerprint");
  k->fingerprint = take(fpr);
  if (k->fingerprint.size() != 40) return make_error("only version 4 keys are supported");
  k->key_id = k->fingerprint.substr(24);
  uint32_t expiration = 0;
  bool b = false;
  if (lib.key_get_creation(handle, &k->created) != RNP_SUCCESS ||
      lib.key_get_expiration(handle, &expiration) != RNP_SUCCESS ||
      lib.key_valid_till64(handle, &k->valid_till) != RNP_SUCCESS ||
      lib.key_allows_usage(handle, "sign", &k->can_sign) != RNP_SUCCESS ||
      lib.key_is_revoked(handle, &k->revoked) != RNP_SUCCESS)
    return make_error(fmt::format("cannot read key {}", k->fingerprint));
  if (expiration != 0) k->expires = static_cast<uint64_t>(k->created) + expiration;
  if (k->revoked) {
    // Superseded or retired: what it signed before is still good. Any
    // other reason (compromised, none given) voids all its signatures.
    bool soft = false;
    if (lib.key_is_superseded(handle, &b) == RNP_SUCCESS && b) soft = true;
    if (lib.key_is_retired(handle, &b) == RNP_SUCCESS && b) soft = true;
    k->hard_revoked = !soft;
    rnp_signature_handle_t raw_sig = nullptr;
    if (lib.key_get_revocation_signature(handle, &raw_sig) == RNP_SUCCESS && raw_sig != nullptr) {
      rnp::Signature sig(raw_sig);
      if (lib.signature_get_creation(raw_sig, &k->revoked_at) != RNP_SUCCESS) k->hard_revoked = true;
    } else {
      k->hard_revoked = true;
    }
    char* reason = nullptr;
    if (lib.key_get_revocation_reason(handle, &reason) == RNP_SUCCESS) k->revocation_reason = take(reason);
  }
  auto material = key_material(handle, k->algorithm);
  if (material) {
    k->pkey = std::move(*material);
    if (k->algorithm == pgp::kEddsa) {
      k->ed25519.resize(32);
      size_t size = k->ed25519.size();
      if (EVP_PKEY_get_raw_public_key(k->pkey.get(), reinterpret_cast<unsigned char*>(k->ed25519.data()), &size) != 1 ||
          size != 32)
        k->ed25519.clear();  // ed25519::verify refuses it
    }
  } else {
    k->algorithm = 0;
    k->unusable = material.error().message;
  }
  return k;
}

// "type|hash|created" of a signature, if the certificate whose keys have
// the ids `own` made it; "" otherwise.
std::string self_signature(rnp_signature_handle_t sig, const std::vector<std::string>& own) {
  const rnp::Library& lib = rnp::loaded();
  char* keyid = nullptr;
  if (lib.signature_get_keyid(sig, &keyid) != RNP_SUCCESS || keyid == nullptr) return "";
  std::string id = take(keyid);
  if (std::find(own.begin(), own.end(), id) == own.end()) return "";
  char *type = nullptr, *hash = nullptr;
  uint32_t created = 0;
  std::string t = lib.signature_get_type(sig, &type) == RNP_SUCCESS ? take(type) : "?";
  std::string h = lib.signature_get_hash_alg(sig, &hash) == RNP_SUCCESS ? take(hash) : "?";
  (void)lib.signature_get_creation(sig, &created);
  return fmt::format("{}|{}|{}", t, h, created);
}

// The certificate's signatures over its own parts (see self_signatures()).
std::vector<std::string> collect_self_signatures(rnp_key_handle_t primary, const std::vector<rnp_key_handle_t>& subkeys,
                                         const std::vector<std::string>& own, const std::string& primary_fpr,
                                         const std::vector<std::string>& subkey_fprs) {
  const rnp::Library& lib = rnp::loaded();
  std::vector<std::string> out;
  auto key_signatures = [&](rnp_key_handle_t key, const std::string& part) {
    size_t n = 0;
    if (lib.key_get_signature_count(key, &n) != RNP_SUCCESS) return;
    for (size_t i = 0; i < n; ++i) {
      rnp_signature_handle_t raw = nullptr;
      if (lib.key_get_signature_at(key, i, &raw) != RNP_SUCCESS || raw == nullptr) continue;
      rnp::Signature sig(raw);
      if (auto s = self_signature(raw, own); !s.empty()) out.push_back(part + "|" + s);
    }
  };
  key_signatures(primary, "key " + primary_fpr);
  size_t uids = 0;
  if (lib.key_get_uid_count(primary, &uids) == RNP_SUCCESS)
    for (size_t u = 0; u < uids; ++u) {
      char* text = nullptr;
      std::string name = lib.key_get_uid_at(primary, u, &text) == RNP_SUCCESS ? take(text) : "?";
      rnp_uid_handle_t raw_uid = nullptr;
      if (lib.key_get_uid_handle_at(primary, u, &raw_uid) != RNP_SUCCESS || raw_uid == nullptr) continue;
      rnp::Uid uid(raw_uid);
      size_t n = 0;
      if (lib.uid_get_signature_count(raw_uid, &n) != RNP_SUCCESS) continue;
      for (size_t i = 0; i < n; ++i) {
        rnp_signature_handle_t raw = nullptr;
        if (lib.uid_get_signature_at(raw_uid, i, &raw) != RNP_SUCCESS || raw == nullptr) continue;
        rnp::Signature sig(raw);
        if (auto s = self_signature(raw, own); !s.empty()) out.push_back("user id " + name + "|" + s);
      }
    }
  for (size_t k = 0; k < subkeys.size(); ++k) key_signatures(subkeys[k], "subkey " + subkey_fprs[k]);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

rnp::Ffi make_ffi(const rnp::Library& lib) {
  rnp_ffi_t raw = nullptr;
  if (lib.ffi_create(&raw, "GPG", "GPG") != RNP_SUCCESS) return nullptr;
  rnp::Ffi ffi(raw);
  // RNP reports every failed check on stderr; a pusher would see it as
  // "remote:" noise. Its log goes nowhere (RNP closes the descriptor).
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (devnull >= 0 && lib.ffi_set_log_fd(raw, devnull) != RNP_SUCCESS) close(devnull);
  return ffi;
}

}  // namespace

OpenPgpCert::OpenPgpCert() = default;
OpenPgpCert::~OpenPgpCert() = default;

const std::string& OpenPgpCert::fingerprint() const { return keys_.front()->fingerprint; }
const std::string& OpenPgpCert::user_id() const { return user_id_; }
const std::string& OpenPgpCert::armored() const { return armored_; }

bool OpenPgpCert::has_key(const std::string& id) const {
  for (const auto& k : keys_)
    if (k->fingerprint == id || k->key_id == id) return true;
  return false;
}

std::string OpenPgpCert::key_fingerprint(const std::string& id) const {
  for (const auto& k : keys_)
    if (k->fingerprint == id || k->key_id == id) return k->fingerprint;
  return "";
}

std::vector<std::string> OpenPgpCert::key_fingerprints() const {
  std::vector<std::string> out;
  for (const auto& k : keys_) out.push_back(k->fingerprint);
  return out;
}

namespace {

// RNP prints to stderr about input it cannot read at all, whatever its log
// descriptor; what is plainly not a certificate never reaches it.
bool looks_like_certificate(std::string_view data) {
  if (data.empty()) return false;
  if (data.find("-----BEGIN PGP PUBLIC KEY BLOCK-----") != std::string_view::npos) return true;
  auto first = static_cast<uint8_t>(data[0]);
  // A public-key packet (tag 6), old or new packet format.
  return first == 0xC6 || (first & 0xFC) == 0x98;
}

}  // namespace

Result<std::vector<std::shared_ptr<const OpenPgpCert>>> OpenPgpCert::parse_all(std::string_view data) {
  if (!looks_like_certificate(data)) return make_error("not an OpenPGP certificate (armored or binary)");
  auto loaded = rnp::library();
  if (!loaded) return loaded.error();
  const rnp::Library& lib = **loaded;
  QuietStderr quiet;  // first, so that it ends after every RNP handle below
  rnp::Ffi ffi = make_ffi(lib);
  if (!ffi) return make_error("cannot set up OpenPGP (RNP)");
  rnp_input_t raw_in = nullptr;
  if (lib.input_from_memory(&raw_in, reinterpret_cast<const uint8_t*>(data.data()), data.size(), false) != RNP_SUCCESS)
    return make_error("cannot read the certificate");
  rnp::Input in(raw_in);
  char* results = nullptr;
  if (lib.import_keys(ffi.get(), raw_in, RNP_LOAD_SAVE_PUBLIC_KEYS, &results) != RNP_SUCCESS)
    return make_error("not an OpenPGP certificate (armored or binary)");
  rnp::Buffer owned_results(results);

  rnp_identifier_iterator_t raw_it = nullptr;
  if (lib.identifier_iterator_create(ffi.get(), &raw_it, "fingerprint") != RNP_SUCCESS)
    return make_error("cannot list the certificate's keys");
  rnp::IdIterator it(raw_it);
  std::vector<std::shared_ptr<const OpenPgpCert>> certs;
  const char* id = nullptr;
  while (lib.identifier_iterator_next(raw_it, &id) == RNP_SUCCESS && id != nullptr) {
    rnp_key_handle_t raw_key = nullptr;
    if (lib.locate_key(ffi.get(), "fingerprint", id, &raw_key) != RNP_SUCCESS || raw_key == nullptr) continue;
    rnp::Key key(raw_key);
    bool primary = false;
    if (lib.key_is_primary(raw_key, &primary) != RNP_SUCCESS || !primary) continue;
    std::shared_ptr<OpenPgpCert> cert(new OpenPgpCert());
    auto pk = load_key(raw_key, true);
    if (!pk) return pk.error();
    cert->keys_.push_back(std::move(*pk));
    size_t subkeys = 0;
    if (lib.key_get_subkey_count(raw_key, &subkeys) != RNP_SUCCESS) return make_error("cannot list subkeys");
    std::vector<rnp::Key> subs;
    std::vector<rnp_key_handle_t> sub_handles;
    std::vector<std::string> sub_fprs;
    for (size_t i = 0; i < subkeys; ++i) {
      rnp_key_handle_t raw_sub = nullptr;
      if (lib.key_get_subkey_at(raw_key, i, &raw_sub) != RNP_SUCCESS || raw_sub == nullptr) continue;
      subs.emplace_back(raw_sub);
      auto sk = load_key(raw_sub, false);
      if (!sk) return sk.error();
      sub_handles.push_back(raw_sub);
      sub_fprs.push_back((*sk)->fingerprint);
      cert->keys_.push_back(std::move(*sk));
    }
    std::vector<std::string> own;
    for (const auto& k : cert->keys_) own.push_back(k->key_id);
    cert->self_signatures_ = collect_self_signatures(raw_key, sub_handles, own, cert->keys_.front()->fingerprint, sub_fprs);
    char* uid = nullptr;
    if (lib.key_get_primary_uid(raw_key, &uid) == RNP_SUCCESS) cert->user_id_ = take(uid);
    rnp_output_t raw_out = nullptr;
    if (lib.output_to_memory(&raw_out, 0) != RNP_SUCCESS) return make_error("out of memory");
    rnp::Output out(raw_out);
    uint8_t* buf = nullptr;
    size_t len = 0;
    if (lib.key_export(raw_key, raw_out,
                       RNP_KEY_EXPORT_ARMORED | RNP_KEY_EXPORT_PUBLIC | RNP_KEY_EXPORT_SUBKEYS) != RNP_SUCCESS ||
        lib.output_memory_get_buf(raw_out, &buf, &len, false) != RNP_SUCCESS)
      return make_error("cannot export the certificate");
    cert->armored_.assign(reinterpret_cast<const char*>(buf), len);
    certs.push_back(std::move(cert));
  }
  if (certs.empty()) return make_error("no OpenPGP certificate (no primary public key)");
  return certs;
}

Result<std::shared_ptr<const OpenPgpCert>> OpenPgpCert::updated_with(const OpenPgpCert& update) const {
  if (update.fingerprint() != fingerprint())
    return make_error(fmt::format("certificate {} is not an update of {}", update.fingerprint(), fingerprint()));
  // RNP merges the packets of two copies of one certificate on import.
  auto all = parse_all(armored_ + "\n" + update.armored_);
  if (!all) return all.error();
  if (all->size() != 1) return make_error("the two copies of the certificate did not merge");
  auto merged = std::const_pointer_cast<OpenPgpCert>(all->front());
  for (auto& k : merged->keys_) {
    const Key* mine = nullptr;
    for (const auto& m : keys_)
      if (m->fingerprint == k->fingerprint) mine = m.get();
    bool revoked = mine != nullptr && mine->revoked;
    if (k->revoked && !revoked && k->valid_till != 0)
      k->valid_till = std::min(merged->keys_.front()->expires, k->expires);  // as if never revoked
    k->revoked = revoked;
    k->hard_revoked = revoked && mine->hard_revoked;
    k->revoked_at = revoked ? mine->revoked_at : 0;
    k->revocation_reason = revoked ? mine->revocation_reason : "";
  }
  return std::shared_ptr<const OpenPgpCert>(std::move(merged));
}

std::vector<std::string> OpenPgpCert::hard_revoked_keys() const {
  std::vector<std::string> out;
  for (const auto& k : keys_)
    if (k->revoked && k->hard_revoked) out.push_back(k->fingerprint);
  return out;
}

Result<std::shared_ptr<const OpenPgpCert>> OpenPgpCert::parse(std::string_view data) {
  auto all = parse_all(data);
  if (!all) return all.error();
  if (all->size() != 1) return make_error(fmt::format("{} certificates where one was expected", all->size()));
  return all->front();
}

namespace {


std::string left_pad(const std::string& s, size_t n) {
  return s.size() >= n ? s : std::string(n - s.size(), '\0') + s;
}

Status verify_material(const OpenPgpCert::Key& k, const OpenPgpSignature& sig) {
  bool rsa_sig = sig.pk_algorithm == pgp::kRsa || sig.pk_algorithm == pgp::kRsaSignOnly;
  if ((rsa_sig ? pgp::kRsa : sig.pk_algorithm) != k.algorithm)
    return make_error(fmt::format("{} signature by a key of another algorithm ({})", pgp::algorithm_name(sig.pk_algorithm),
                                  pgp::algorithm_name(k.algorithm)));
  if (k.algorithm == pgp::kEddsa) {
    if (sig.mpis[0].size() > 32 || sig.mpis[1].size() > 32) return make_error("malformed EdDSA signature");
    return ed25519::verify(k.ed25519, left_pad(sig.mpis[0], 32) + left_pad(sig.mpis[1], 32), sig.digest);
  }
  std::string material;
  if (k.algorithm == pgp::kEcdsa || k.algorithm == pgp::kDsa) {
    // DSA's (r, s) has the same DER form as ECDSA's; OpenSSL truncates
    // the digest to q's size, as RFC 4880 5.2.2 says.
    auto der = openssl::ecdsa_der(sig.mpis[0], sig.mpis[1]);
    if (!der) return der.error();
    material = std::move(*der);
  } else {
    size_t size = static_cast<size_t>(EVP_PKEY_get_size(k.pkey.get()));
    if (sig.mpis[0].size() > size) return make_error("RSA signature longer than the key");
    material = left_pad(sig.mpis[0], size);
  }
  openssl::PKeyCtx ctx(EVP_PKEY_CTX_new(k.pkey.get(), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) return make_error("cannot set up signature verification");
  if (k.algorithm == pgp::kRsa && (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
                                   EVP_PKEY_CTX_set_signature_md(ctx.get(), openssl::openpgp_md(sig.hash_algorithm)) != 1))
    return make_error("cannot set up RSA verification");
  if (EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(material.data()), material.size(),
                      reinterpret_cast<const unsigned char*>(sig.digest.data()), sig.digest.size()) != 1)
    return make_error("signature does not verify");
  return Status::success();
}

}  // namespace

OpenPgpCheck OpenPgpCert::check(const OpenPgpSignature& sig) const {
  const Key* key = nullptr;
  for (const auto& k : keys_)
    if (k->fingerprint == sig.issuer() || k->key_id == sig.issuer()) key = k.get();
  OpenPgpCheck out;
  if (sig.unsupported_algorithm) {
    out.problem = fmt::format("unsupported signature algorithm ({})", pgp::algorithm_name(sig.pk_algorithm));
    return out;
  }
  if (sig.broken_hash() || sig.digest.empty()) {
    out.problem = fmt::format("{} signature (refused: the hash is broken)", pgp::hash_name(sig.hash_algorithm));
    return out;
  }
  if (key == nullptr) {
    out.problem = fmt::format("certificate {} has no key {}", fingerprint(), sig.issuer());
    return out;
  }
  if (!key->pkey) {
    out.problem = fmt::format("key {}: {}", key->fingerprint, key->unusable);
    return out;
  }
  if (auto s = verify_material(*key, sig); !s) {
    out.problem = s.error().message;
    return out;
  }
  // The signature is sound; could the key sign at that time?
  out.outcome = OpenPgpCheck::Outcome::key_validity;
  const Key& primary = *keys_.front();
  const char* what = key->primary ? "key" : "signing subkey";
  for (const Key* k : {&primary, key}) {
    if (!k->revoked) continue;
    std::string reason = k->revocation_reason.empty() ? "" : fmt::format(" ({})", k->revocation_reason);
    if (k->hard_revoked) {
      out.problem = fmt::format("key {} is revoked{}, which voids every signature it made", k->fingerprint, reason);
      return out;
    }
    if (sig.created >= k->revoked_at) {
      out.problem = fmt::format("key {} was revoked{} on {}, before the signature was made on {}", k->fingerprint,
                                reason, date(k->revoked_at), date(sig.created));
      return out;
    }
  }
  if (!key->can_sign) {
    out.problem = fmt::format("key {} is not a signing key", key->fingerprint);
    return out;
  }
  if (sig.created < key->created) {
    out.problem = fmt::format("the signature ({}) predates {} {} ({})", date(sig.created), what, key->fingerprint,
                              date(key->created));
    return out;
  }
  uint64_t end = key->valid_till;
  if (primary.revoked || key->revoked) end = std::min(primary.expires, key->expires);
  if (end == 0) {
    out.problem = key->primary ? fmt::format("key {} has no valid self-signature", key->fingerprint)
                               : fmt::format("subkey {} is not validly bound to primary key {}", key->fingerprint,
                                             primary.fingerprint);
    return out;
  }
  if (sig.created >= end) {
    out.problem = fmt::format("{} {} expired on {}, before the signature was made on {}", what, key->fingerprint,
                              date(end), date(sig.created));
    return out;
  }
  out.outcome = OpenPgpCheck::Outcome::good;
  return out;
}

std::string format_openpgp_fingerprint(const std::string& f) {
  if (f.size() != 40) return f;
  std::string out;
  for (size_t i = 0; i < 40; i += 4) {
    if (i == 20) out += "  ";
    else if (i > 0) out += ' ';
    out += f.substr(i, 4);
  }
  return out;
}

std::optional<std::string> normalize_openpgp_fingerprint(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (out.size() != 40 || out.find_first_not_of("0123456789ABCDEF") != std::string::npos) return std::nullopt;
  return out;
}

}  // namespace warden
