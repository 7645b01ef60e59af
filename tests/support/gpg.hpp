// OpenPGP keys made by the real gpg in a throwaway GNUPGHOME inside the
// sandbox, commits signed with them by the real git (gpg.format=openpgp),
// and RNP as an independent oracle for every signature those commits carry.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "support/history.hpp"
#include "support/sandbox.hpp"

namespace test {

struct PgpKey {
  std::string name;
  std::string fingerprint;  // the primary key's, 40 upper-case hex digits
  std::string signing;      // what git's user.signingkey names ("FPR" or "SUBKEY-FPR!")
  std::string subkey;       // the signing subkey's fingerprint ("" if the primary signs)
};

// `raw`, a commit object signed with OpenPGP (as `git cat-file commit`
// prints it, plus its final newline), with the public-key algorithm byte
// of its signature packet set to `algorithm` and the armor made again: a
// signature by an algorithm gpg cannot make (ElGamal, RFC 9580 Ed25519).
std::string with_signature_algorithm(const std::string& raw, uint8_t algorithm);
// The same with any edit of the signature packet (`body`: where the
// packet's body starts, after its tag and length).
std::string with_signature_packet(const std::string& raw,
                                  const std::function<void(std::string& packet, size_t body)>& edit);

class Gpg {
 public:
  explicit Gpg(Sandbox& sb);
  // Stops the gpg-agents started for this keyring and its snapshots.
  ~Gpg();
  Gpg(const Gpg&) = delete;
  Gpg& operator=(const Gpg&) = delete;

  // "GNUPGHOME=... " for a shell command line.
  std::string env() const;
  // A new key (made on first use of `name`). `algo`: ed25519, rsa2048, dsa2048, dsa1024,
  // rsa4096. `subkey`: the primary only certifies and a separate subkey
  // signs. `created`: gpg's --faked-system-time for the key's creation.
  const PgpKey& key(const std::string& name, const std::string& algo = "ed25519", bool subkey = false,
                    const std::string& created = "");
  // The certificate as gpg exports it, armored or binary.
  std::string cert(const PgpKey& key, bool armored = true) const;
  // Sets the key's expiry with a self-signature made at `at` (gpg time
  // form, 20260501T000000), to `expires` (2026-06-01).
  void set_expiry(const PgpKey& key, const std::string& at, const std::string& expires) const;
  // Revokes the key with the revocation certificate gpg stored when it
  // made the key (no reason given: a hard revocation).
  void revoke(const PgpKey& key) const;
  // Revokes the key as superseded, with a revocation signature made at
  // `at` (seconds since the epoch) by RNP and imported into gpg: what it
  // signed before then still counts.
  void revoke_superseded(const PgpKey& key, uint64_t at) const;
  // A gpg.program for git that runs gpg with `extra` arguments, on the
  // keyring `home` if one is given (a snapshot).
  std::string program(const std::string& extra, const std::string& home = "") const;
  // A copy of the keyring as it is now (its directory, for program()):
  // keys that later expire or are revoked can still sign with it, as a
  // stolen copy of an old key would.
  std::string snapshot() const;

  // Commits everything staged in `repo`, signed by `key`; `program` is
  // git's gpg.program. Each signature is checked against RNP (see below).
  std::string commit(const Repo& repo, const std::string& message, const PgpKey& key,
                     const std::string& program = "") const;
  std::string merge(const Repo& repo, const std::string& branch, const PgpKey& key,
                    const std::string& message = "Merge") const;

  // The oracle: checks `commit`'s signature with RNP (against `key`'s
  // certificate as it is now) and with warden's parser and OpenSSL, and
  // fails the test if they disagree on validity or on the signer.
  void oracle(const Repo& repo, const std::string& commit, const PgpKey& key) const;

 private:
  Sandbox& sb_;
  std::string home_;
  std::map<std::string, PgpKey> keys_;
  mutable std::vector<std::string> homes_;  // this keyring and its snapshots
};

}  // namespace test
