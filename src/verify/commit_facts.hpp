// Facts about commits that do not depend on any policy, computed at most
// once per run: the commit itself, its signature, and its own changes.
#pragma once

#include <algorithm>
#include <functional>
#include <span>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include "signatures/commit_signature.hpp"
#include "warden/openpgp_cert.hpp"
#include "warden/repository.hpp"

namespace warden::verify {

class CommitFacts {
 public:
  // `allow_sha1`: OpenPGP SHA-1 signatures are parsed rather than bad
  // (Guix mode, which decides per commit).
  explicit CommitFacts(const Repository& repo, bool allow_sha1 = false) : repo_(repo), checker_(allow_sha1) {}

  Result<const CommitData*> commit(const ObjectId& id);
  Result<const CommitSignature*> signature(const ObjectId& id);
  // Any other signed object's signature (an annotated tag's), checked by
  // the same checker with the same key cache; not kept.
  CommitSignature check_signed(std::string_view signature, std::string_view payload) {
    return checker_.check_signed(signature, payload);
  }
  // The paths this commit itself changes: against its parent; for a merge,
  // against the clean merge of its parents plus every conflicted path (or
  // the union against each parent when no clean merge exists); for a root,
  // every path. Also the first path these changes put in the tree that git
  // would refuse to check out.
  Result<const TreeChanges*> own_changes(const ObjectId& id);

  // Reads `ids` (on this thread) and returns the work that checks their
  // signatures ahead of the rules, on `threads` threads wherever it is run:
  // SSH signatures outright, OpenPGP ones against the certificate for their
  // issuer in keys_for(commit data), which returns anything with
  // openpgp_cert_for(issuer) (a policy, a Guix keyring) or null and must be
  // safe to call from another thread. The results are the same as
  // signature() and openpgp_check() give one by one; until the work is
  // done, nothing may ask for these commits' signatures.
  template <class KeysFor>
  Result<std::function<void()>> signatures_ahead(std::span<const ObjectId> ids, KeysFor keys_for, unsigned threads);

  // Drops what is kept about `id` (it is read again if asked for): a long
  // run keeps only the commits near the rules' position. Not for a commit
  // whose signature is being checked ahead.
  void forget(const ObjectId& id);

  // An OpenPGP signature checked against a certificate, once per pair.
  // Safe to call from several threads.
  const OpenPgpCheck& openpgp_check(const OpenPgpSignature& sig, const OpenPgpCert& cert);

  size_t verifications() const { return checker_.verifications() + openpgp_verifications_.load(); }

 private:
  using OpenPgpPair = std::pair<const OpenPgpSignature*, const OpenPgpCert*>;
  struct Entry {
    CommitData data;
    std::optional<CommitSignature> signature;
    std::optional<TreeChanges> own_changes;
  };
  void check_signature(Entry& e);
  void check_signatures(const std::vector<Entry*>& entries, unsigned threads);
  void check_openpgp_pairs(const std::vector<OpenPgpPair>& pairs, unsigned threads);
  Result<Entry*> entry(const ObjectId& id);
  Result<TreeChanges> compute_own_changes(const CommitData& c);

  const Repository& repo_;
  SignatureChecker checker_;
  std::mutex openpgp_mutex_;
  std::map<OpenPgpPair, OpenPgpCheck> openpgp_checks_;
  std::atomic<size_t> openpgp_verifications_{0};
  std::unordered_map<ObjectId, Entry, ObjectIdHash> entries_;
};

template <class KeysFor>
Result<std::function<void()>> CommitFacts::signatures_ahead(std::span<const ObjectId> ids, KeysFor keys_for,
                                                            unsigned threads) {
  std::vector<Entry*> todo;
  for (const auto& id : ids) {
    auto e = entry(id);
    if (!e) return e.error();
    if (!(*e)->signature) todo.push_back(*e);
  }
  return std::function<void()>([this, todo = std::move(todo), keys_for, threads] {
    check_signatures(todo, threads);
    std::vector<OpenPgpPair> pairs;
    for (Entry* e : todo) {
      const auto& sig = e->signature;
      if (!sig || sig->kind != SignatureKind::openpgp) continue;
      auto keys = keys_for(e->data);
      if (!keys || *keys == nullptr) continue;  // the rules will ask again, and say why
      if (const OpenPgpCert* cert = (*keys)->openpgp_cert_for(sig->openpgp->issuer()))
        pairs.emplace_back(sig->openpgp.get(), cert);
    }
    check_openpgp_pairs(pairs, threads);
  });
}

}  // namespace warden::verify
