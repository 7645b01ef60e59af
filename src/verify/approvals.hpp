// Approvals (DESIGN section 6): signed statements in git notes that count
// toward thresholds. A note's envelopes are read, and the signatures by
// keys the judging policy lists checked, once per (commit, policy); who
// they count for depends on that policy. Anything that does not
// verify, names another commit or is signed by a key the policy does not
// list counts zero, and is listed with why.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "verify/statements.hpp"
#include "warden/policy.hpp"

namespace warden::verify {

// The approvals of one thing (a commit, or a parent and tree) under one policy.
struct FoundApprovals {
  std::set<std::string> people;       // the policy's people whose approval verifies
  std::vector<std::string> rejected;  // why the others count zero, one line each
  size_t found = 0;                   // approvals found at all
};

class ApprovalBook {
 public:
  // Approvals are read from the notes commits `notes` (the tips of notes
  // refs; their notes on a commit are combined). `revoked(fingerprint,
  // subject)` says whether a key revoked by a policy the run knows signs
  // nothing that counts about `subject` (a statement about history from
  // before the revocation landed still counts, DESIGN section 6).
  using Revoked = std::function<bool(const std::string& fingerprint, const ObjectId& subject)>;
  ApprovalBook(const GitReads& repo, CommitFacts& facts, std::vector<ObjectId> notes, Revoked revoked);

  // Approvals of commit `c`, under `policy`.
  const FoundApprovals& of_commit(const ObjectId& c, const Policy& policy);
  // Tree approvals of (parent, tree), from the notes on `parent`, under `policy`.
  const FoundApprovals& of_tree(const ObjectId& parent, const ObjectId& tree, const Policy& policy);

  // Approving reviews of commit `c` under `policy`: `people` approve (a
  // person who also signed a rejecting review does not); `rejected` says
  // why the others count zero, and who rejected it.
  const FoundApprovals& reviews_of(const ObjectId& c, const Policy& policy);

  bool empty() const { return notes_.empty(); }

 private:
  // The statements `wanted` selects among the notes on `c`, read for `policy`.
  StatementList read(const ObjectId& c, const Policy& policy, bool (*wanted)(const attest::Statement&));
  // The approvals among them, read once per (commit, policy): commit and
  // tree approvals of the same subject share one read.
  const StatementList& note_on(const ObjectId& c, const Policy& policy);
  FoundApprovals judge(const StatementList& note, const Policy& policy, const ObjectId& subject,
                       const std::optional<ObjectId>& tree);
  // judge() of the notes on `subject`, once per (subject, tree, policy).
  const FoundApprovals& judged(const ObjectId& subject, const std::optional<ObjectId>& tree, const Policy& policy);

  CommitFacts& facts_;
  AttestationNotes notes_;
  Revoked revoked_;
  std::map<std::pair<ObjectId, const Policy*>, StatementList> read_;
  std::map<std::pair<ObjectId, const Policy*>, FoundApprovals> reviews_judged_;
  std::map<std::tuple<ObjectId, std::optional<ObjectId>, const Policy*>, FoundApprovals> judged_;
};

// "bob" / "bob and carol"; for messages.
std::string names(const std::set<std::string>& people);

}  // namespace warden::verify
