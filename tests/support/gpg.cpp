#include "support/gpg.hpp"

#include <catch2/catch.hpp>
#include <rnp/rnp.h>
#include <rnp/rnp_err.h>

#include "signatures/base64.hpp"
#include "signatures/openpgp_signature.hpp"
#include "signatures/rnp_handles.hpp"
#include "signatures/commit_signature.hpp"
#include "warden/openpgp_cert.hpp"
#include "warden/repository.hpp"

namespace test {

Gpg::Gpg(Sandbox& sb) : sb_(sb), home_(sb.dir() + "/gnupg"), homes_{home_} {
  sb_.sh("mkdir -p -m 700 " + quote(home_));
}

Gpg::~Gpg() {
  for (const auto& h : homes_) sb_.run("gpgconf --homedir " + quote(h) + " --kill gpg-agent");
}

std::string Gpg::env() const { return "GNUPGHOME=" + quote(home_) + " "; }

const PgpKey& Gpg::key(const std::string& name, const std::string& algo, bool subkey, const std::string& created) {
  if (auto it = keys_.find(name); it != keys_.end()) return it->second;
  std::string gpg = env() + "gpg --batch --quiet --passphrase '' " +
                    (created.empty() ? "" : "--faked-system-time " + created + " ");
  std::string uid = quote(name + " <" + name + "@example.org>");
  sb_.sh(gpg + "--quick-gen-key " + uid + " " + algo + (subkey ? " cert" : " sign") + " never 2>/dev/null");
  PgpKey k;
  k.name = name;
  k.fingerprint = sb_.sh(env() + "gpg --batch --with-colons --list-keys " + quote("<" + name + "@example.org>") +
                         " | awk -F: '/^fpr/ {print $10; exit}'");
  REQUIRE(k.fingerprint.size() == 40);
  k.signing = k.fingerprint;
  if (subkey) {
    sb_.sh(gpg + "--quick-add-key " + k.fingerprint + " " + algo + " sign never 2>/dev/null");
    std::string sub = sb_.sh(env() + "gpg --batch --with-colons --list-keys " + k.fingerprint +
                             " | awk -F: '/^fpr/ {n++; if (n == 2) {print $10; exit}}'");
    REQUIRE(sub.size() == 40);
    k.signing = sub + "!";
    k.subkey = sub;
  }
  return keys_.emplace(name, k).first->second;
}

std::string Gpg::cert(const PgpKey& key, bool armored) const {
  std::string path = sb_.dir() + "/.cert";
  sb_.sh(env() + "gpg --batch --yes " + (armored ? "--armor " : "") + "--output " + quote(path) + " --export " +
         key.fingerprint);
  return sb_.read_file(path);
}

void Gpg::set_expiry(const PgpKey& key, const std::string& at, const std::string& expires) const {
  sb_.sh(env() + "gpg --batch --quiet --passphrase '' --faked-system-time " + at + " --quick-set-expire " +
         key.fingerprint + " " + expires + " 2>/dev/null");
}

void Gpg::revoke(const PgpKey& key) const {
  std::string rev = home_ + "/openpgp-revocs.d/" + key.fingerprint + ".rev";
  sb_.sh("sed 's/^:-----BEGIN/-----BEGIN/' " + quote(rev) + " | " + env() + "gpg --batch --quiet --import 2>/dev/null");
}

void Gpg::revoke_superseded(const PgpKey& key, uint64_t at) const {
  std::string secret = sb_.dir() + "/.secret", rev = sb_.dir() + "/.rev";
  sb_.sh(env() + "gpg --batch --yes --pinentry-mode loopback --passphrase '' --output " + quote(secret) +
         " --export-secret-keys " + key.fingerprint);
  REQUIRE(warden::rnp::library());  // the handles below free themselves through it
  rnp_ffi_t raw_ffi = nullptr;
  REQUIRE(rnp_ffi_create(&raw_ffi, "GPG", "GPG") == RNP_SUCCESS);
  warden::rnp::Ffi ffi(raw_ffi);
  rnp_input_t raw_in = nullptr;
  REQUIRE(rnp_input_from_path(&raw_in, secret.c_str()) == RNP_SUCCESS);
  warden::rnp::Input in(raw_in);
  REQUIRE(rnp_load_keys(raw_ffi, "GPG", raw_in, RNP_LOAD_SAVE_PUBLIC_KEYS | RNP_LOAD_SAVE_SECRET_KEYS) == RNP_SUCCESS);
  REQUIRE(rnp_set_timestamp(raw_ffi, at) == RNP_SUCCESS);
  rnp_key_handle_t raw_key = nullptr;
  REQUIRE(rnp_locate_key(raw_ffi, "fingerprint", key.fingerprint.c_str(), &raw_key) == RNP_SUCCESS);
  warden::rnp::Key k(raw_key);
  {
    rnp_output_t raw_out = nullptr;
    REQUIRE(rnp_output_to_path(&raw_out, rev.c_str()) == RNP_SUCCESS);
    warden::rnp::Output out(raw_out);
    REQUIRE(rnp_key_export_revocation(raw_key, raw_out, RNP_KEY_EXPORT_ARMORED, nullptr, "superseded",
                                      "replaced by a new key") == RNP_SUCCESS);
  }
  sb_.sh(env() + "gpg --batch --quiet --import " + quote(rev) + " 2>/dev/null");
}

std::string Gpg::program(const std::string& extra, const std::string& home) const {
  static int n = 0;
  std::string path = sb_.dir() + "/gpg-wrapper-" + std::to_string(n++);
  std::string args = (home.empty() ? "" : "--homedir " + quote(home) + " ") + extra;
  sb_.write_file(path, "#!/bin/sh\nexec gpg " + args + " \"$@\"\n");
  sb_.sh("chmod +x " + quote(path));
  return path;
}

std::string Gpg::snapshot() const {
  static int n = 0;
  std::string copy = sb_.dir() + "/gnupg-snapshot-" + std::to_string(n++);
  sb_.sh("cp -a " + quote(home_) + " " + quote(copy));
  homes_.push_back(copy);
  return copy;
}

namespace {

std::string git_sign_flags(const PgpKey& key, const std::string& program) {
  return "-c gpg.format=openpgp -c user.signingkey=" + key.signing +
         (program.empty() ? "" : " -c gpg.program=" + quote(program)) + " ";
}

}  // namespace

std::string Gpg::commit(const Repo& repo, const std::string& message, const PgpKey& key,
                        const std::string& program) const {
  repo.git("add -A");
  sb_.sh(env() + "git " + git_sign_flags(key, program) + "commit -q --allow-empty -S -m " + quote(message), repo.path());
  std::string id = repo.git("rev-parse HEAD");
  oracle(repo, id, key);
  return id;
}

std::string Gpg::merge(const Repo& repo, const std::string& branch, const PgpKey& key,
                       const std::string& message) const {
  sb_.sh(env() + "git " + git_sign_flags(key, "") + "merge -q --no-ff -S -m " + quote(message) + " " + quote(branch),
         repo.path());
  std::string id = repo.git("rev-parse HEAD");
  oracle(repo, id, key);
  return id;
}

std::string with_signature_algorithm(const std::string& raw, uint8_t algorithm) {
  return with_signature_packet(raw, [&](std::string& p, size_t body) {
    p[body + 2] = static_cast<char>(algorithm);  // version, type, public-key algorithm
  });
}

std::string with_signature_packet(const std::string& raw,
                                  const std::function<void(std::string& packet, size_t body)>& edit) {
  size_t start = raw.find("\ngpgsig ");
  REQUIRE(start != std::string::npos);
  start += 1;
  size_t end = raw.find("\n\n", start) + 1;
  // The header's value: continuation lines lose their leading space.
  std::string armored;
  for (size_t at = start + 7; at < end;) {
    size_t nl = raw.find('\n', at);
    armored += raw.substr(at, nl - at) + "\n";
    at = nl + 1;
    if (at < end && raw[at] == ' ') ++at;
  }
  auto packet = warden::dearmor(armored, "PGP SIGNATURE");
  REQUIRE(packet);
  std::string p = *packet;
  auto head = static_cast<uint8_t>(p[0]);
  size_t body = (head & 0x40) ? (static_cast<uint8_t>(p[1]) < 192 ? 2 : 3) : 1 + (size_t{1} << (head & 3));
  edit(p, body);
  std::string b64 = warden::base64_encode(p);
  std::string header = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n";
  for (size_t at = 0; at < b64.size(); at += 64) header += " " + b64.substr(at, 64) + "\n";
  header += " -----END PGP SIGNATURE-----\n";
  return raw.substr(0, start) + header + raw.substr(end);
}

void Gpg::oracle(const Repo& repo, const std::string& commit, const PgpKey& key) const {
  auto r = warden::Repository::open(repo.path());
  REQUIRE(r);
  auto id = r->resolve_commit(commit);
  REQUIRE(id);
  auto data = r->read_commit(*id);
  REQUIRE(data);
  std::string cert_bytes = cert(key, false);

  // RNP: import the certificate, verify the detached signature.
  REQUIRE(warden::rnp::library());  // the handles below free themselves through it
  REQUIRE(warden::rnp::library());  // the handles below free themselves through it
  rnp_ffi_t raw_ffi = nullptr;
  REQUIRE(rnp_ffi_create(&raw_ffi, "GPG", "GPG") == RNP_SUCCESS);
  warden::rnp::Ffi ffi(raw_ffi);
  rnp_input_t raw_keys = nullptr;
  REQUIRE(rnp_input_from_memory(&raw_keys, reinterpret_cast<const uint8_t*>(cert_bytes.data()), cert_bytes.size(),
                                false) == RNP_SUCCESS);
  warden::rnp::Input keys(raw_keys);
  REQUIRE(rnp_load_keys(raw_ffi, "GPG", raw_keys, RNP_LOAD_SAVE_PUBLIC_KEYS) == RNP_SUCCESS);
  rnp_input_t raw_sig = nullptr, raw_data = nullptr;
  REQUIRE(rnp_input_from_memory(&raw_sig, reinterpret_cast<const uint8_t*>(data->signature.data()),
                                data->signature.size(), false) == RNP_SUCCESS);
  warden::rnp::Input sig_in(raw_sig);
  REQUIRE(rnp_input_from_memory(&raw_data, reinterpret_cast<const uint8_t*>(data->signed_payload.data()),
                                data->signed_payload.size(), false) == RNP_SUCCESS);
  warden::rnp::Input data_in(raw_data);
  rnp_op_verify_t raw_op = nullptr;
  REQUIRE(rnp_op_verify_detached_create(&raw_op, raw_ffi, raw_data, raw_sig) == RNP_SUCCESS);
  auto op_destroy = [](rnp_op_verify_st* p) { rnp_op_verify_destroy(p); };
  std::unique_ptr<rnp_op_verify_st, decltype(op_destroy)> op(raw_op, op_destroy);
  bool rnp_good = rnp_op_verify_execute(raw_op) == RNP_SUCCESS;
  std::string rnp_signer;
  if (rnp_good) {
    rnp_op_verify_signature_t s = nullptr;
    REQUIRE(rnp_op_verify_get_signature_at(raw_op, 0, &s) == RNP_SUCCESS);
    rnp_key_handle_t raw_key = nullptr;
    REQUIRE(rnp_op_verify_signature_get_key(s, &raw_key) == RNP_SUCCESS);
    warden::rnp::Key signing(raw_key);
    char* fpr = nullptr;
    bool primary = false;
    REQUIRE(rnp_key_is_primary(raw_key, &primary) == RNP_SUCCESS);
    REQUIRE((primary ? rnp_key_get_fprint(raw_key, &fpr) : rnp_key_get_primary_fprint(raw_key, &fpr)) == RNP_SUCCESS);
    rnp_signer = fpr;
    rnp_buffer_destroy(fpr);
  }

  // warden: parse, hash, and check with OpenSSL.
  warden::SignatureChecker checker(/*allow_sha1=*/true);
  warden::CommitSignature ours = checker.check(*data);
  auto parsed_cert = warden::OpenPgpCert::parse(cert_bytes);
  REQUIRE(parsed_cert);
  warden::OpenPgpCheck check;
  check.problem = ours.problem;
  if (ours.kind == warden::SignatureKind::openpgp && (*parsed_cert)->has_key(ours.openpgp->issuer()))
    check = (*parsed_cert)->check(*ours.openpgp);
  bool ours_good = check.good();
  INFO("commit " << commit << ": RNP says " << (rnp_good ? "good" : "not good") << ", warden's check says "
                 << (ours_good ? "good" : "not good") << " (" << check.problem << ")");
  // Two rules of warden's own, where RNP decides otherwise on purpose:
  // RNP applies a date-dependent rule to SHA-1 data signatures, and it
  // accepts signatures a hard-revoked key made up to its revocation time
  // (gpg dates the revocation certificate it stores at the key's creation,
  // so a signature in that same second passes RNP). There, only the
  // cryptography must agree: warden's check found the signature sound.
  if (ours.kind == warden::SignatureKind::openpgp && ours.openpgp->weak_hash()) return;

  if (check.outcome == warden::OpenPgpCheck::Outcome::key_validity &&
      check.problem.find("voids every signature") != std::string::npos)
    return;
  CHECK(rnp_good == ours_good);
  if (rnp_good && ours_good) CHECK(rnp_signer == (*parsed_cert)->fingerprint());
}

}  // namespace test
