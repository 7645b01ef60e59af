// Facts about commits that do not depend on any policy, computed at most
// once per run: the commit itself, its signature, and its own changes.
#pragma once

#include <algorithm>
#include <atomic>
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
#include "warden/git_reads.hpp"

namespace warden::verify {

class CommitFacts {
 public:
  // `allow_sha1`: OpenPGP SHA-1 signatures are parsed rather than bad
  // (Guix mode, which decides per commit).
  explicit CommitFacts(const GitReads& repo, bool allow_sha1 = false) : repo_(repo), checker_(allow_sha1) {}

  Result<const CommitData*> commit(const ObjectId& id);
  Result<const CommitSignature*> signature(const ObjectId& id);
  // Any other signed object's signature (an annotated tag's), checked by
  // the same checker with the same key cache; not kept.
  CommitSignature check_signed(std::string_view signature, std::string_view payload) {
    return checker_.check_signed(signature, payload);
  }
  // Whose key a signature claims, without checking it (see SignatureChecker).
  SignatureChecker::Claimed claimed_signer(std::string_view signature) { return checker_.claimed_signer(signature); }
  // The paths this commit itself changes: against its parent; for a merge,
  // against the clean merge of its parents plus every conflicted path (or
  // the union against each parent when no clean merge exists), where the
  // merge differs from one of its parents (where it holds what all of them
  // hold it changed nothing, whatever libgit2's rename detection marks
  // conflicted); for a root, every path. Also the first path these changes
  // put in the tree that git would refuse to check out.
  Result<const TreeChanges*> own_changes(const ObjectId& id);
  // What a rule may judge in place of own_changes(id) where passing is
  // what it needs to know: for a merge whose own changes are not computed
  // yet, every path where the merge differs from one of its parents, with
  // the first of them git would refuse to check out. Its own changes are
  // among these (where a merge holds what every parent holds, the clean
  // merge holds that too), and what may change every path of a set may
  // change every path of a part of it: a rule that passes on the bound
  // passes on the own changes, which are computed (with merge bases and
  // content merges) only where it does not. Two tree diffs pruned by ids.
  // For any other commit, or once they are computed: the own changes.
  struct ChangesAtMost {
    const TreeChanges* changes;
    bool exact;  // the own changes themselves
  };
  Result<ChangesAtMost> changes_at_most(const ObjectId& id);
  // Whether, for a merge, the rules are expected to pass on the bound
  // (changes_at_most) with `sig` as its signature: called on the work
  // ahead's threads, so that it computes the bound alone where this says
  // so and the own changes (on every core) where not. A guess made with
  // the policy at hand: the rules decide, and compute what they lack.
  using BoundEnough = std::function<bool(const CommitSignature& sig, const TreeChanges& bound)>;

  // The work that reads `ids` and checks their signatures (and, with
  // `with_changes`, computes their own changes) ahead of the rules, on
  // `threads` threads with handles of their own on the repository, to be
  // run on another thread while this one goes on; adopt_ahead() then takes
  // its results in, on this thread. OpenPGP signatures are checked against
  // the certificate for their issuer in keys_for(commit data), which
  // returns anything with openpgp_cert_for(issuer) (a policy, a Guix
  // keyring) or null and must be safe to call from another thread. The
  // results are the same as commit(), signature(), own_changes() and
  // openpgp_check() give one by one; a commit the work could not read or
  // compute is left to them (and their error). One batch at a time.
  // With `bound_enough` (may be empty: never), a merge's own changes are
  // left to the rules where it says the bound will do.
  template <class KeysFor>
  std::function<void()> ahead(std::span<const ObjectId> ids, KeysFor keys_for, bool with_changes, unsigned threads,
                              BoundEnough bound_enough = {});
  void adopt_ahead();

  // Releases every handle the run reads with, then reopens them (see
  // GitReads::release_objects): the packs read so far are freed, with
  // their caches. Only between batches (no work ahead running). An error
  // reopening the run's own handle ends the run.
  Status reopen_object_stores();

  // Drops what is kept about `id` (it is read again if asked for): a long
  // run keeps only the commits near the rules' position.
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
    std::optional<TreeChanges> change_bound;  // a merge's, while own_changes is not computed
  };
  // A commit as the work ahead prepared it.
  struct Prepared {
    ObjectId id;
    std::optional<Entry> entry;  // nullopt: it could not be read
  };
  void check_signature(Entry& e);
  // Opens up to `threads` handles for the work ahead (on this thread).
  void open_readers(unsigned threads);
  // Reads and checks ahead_ on the readers' threads.
  void prepare(bool with_changes, unsigned threads, const BoundEnough& bound_enough);
  void check_openpgp_pairs(const std::vector<OpenPgpPair>& pairs, unsigned threads);
  void drop_openpgp_checks(const CommitSignature& sig);
  Result<Entry*> entry(const ObjectId& id);
  Result<TreeChanges> compute_own_changes(const CommitData& c, const TreeChanges* bound);
  Result<ObjectId> tree_of(const ObjectId& id);  // a commit's tree, read through commit()

  const GitReads& repo_;
  SignatureChecker checker_;
  std::mutex openpgp_mutex_;
  // Keyed by the signature's address: whoever drops a signature drops its
  // checks (drop_openpgp_checks), so that no other signature inherits them.
  std::map<OpenPgpPair, OpenPgpCheck> openpgp_checks_;
  std::atomic<size_t> openpgp_verifications_{0};
  std::unordered_map<ObjectId, Entry, ObjectIdHash> entries_;
  std::vector<Prepared> ahead_;      // the batch being prepared
  std::vector<std::unique_ptr<GitReads>> readers_;  // one per thread of the work ahead
};

template <class KeysFor>
std::function<void()> CommitFacts::ahead(std::span<const ObjectId> ids, KeysFor keys_for, bool with_changes,
                                         unsigned threads, BoundEnough bound_enough) {
  ahead_.clear();
  for (const auto& id : ids) ahead_.push_back({id, std::nullopt});
  open_readers(threads);
  return [this, keys_for, with_changes, threads, bound_enough = std::move(bound_enough)] {
    prepare(with_changes, threads, bound_enough);
    std::vector<OpenPgpPair> pairs;
    for (const Prepared& p : ahead_) {
      if (!p.entry || !p.entry->signature || p.entry->signature->kind != SignatureKind::openpgp) continue;
      const auto& sig = *p.entry->signature;
      auto keys = keys_for(p.entry->data);
      if (!keys || *keys == nullptr) continue;  // the rules will ask again, and say why
      if (const OpenPgpCert* cert = (*keys)->openpgp_cert_for(sig.openpgp->issuer()))
        pairs.emplace_back(sig.openpgp.get(), cert);
    }
    check_openpgp_pairs(pairs, threads);
  };
}

}  // namespace warden::verify
