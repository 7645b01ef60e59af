// Approvals (DESIGN section 6): signed statements in git notes that count
// toward thresholds. A note's envelopes are read and their signatures
// checked once per run; who they count for depends on the policy that
// judges the commit, so that is decided per policy. Anything that does not
// verify, names another commit or is signed by a key the policy does not
// list counts zero, and is listed with why.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "attest/statement.hpp"
#include "verify/commit_facts.hpp"
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
  // refs; their notes on a commit are combined). `revoked(fingerprint)`
  // says whether a key is revoked: its approvals count zero.
  ApprovalBook(const Repository& repo, CommitFacts& facts, std::vector<ObjectId> notes,
               std::function<bool(const std::string&)> revoked);

  // Approvals of commit `c`, under `policy`.
  const FoundApprovals& of_commit(const ObjectId& c, const Policy& policy);
  // Tree approvals of (parent, tree), from the notes on `parent`, under `policy`.
  const FoundApprovals& of_tree(const ObjectId& parent, const ObjectId& tree, const Policy& policy);

  bool empty() const { return notes_.empty(); }

 private:
  struct Signed {
    attest::Approval approval;
    CommitSignature signature;
  };
  struct Note {
    std::vector<Signed> approvals;
    std::vector<std::string> malformed;  // lines that are no approval warden can read, and why
  };
  const Note& note_on(const ObjectId& c);
  // The notes of each notes commit, listed on first use (a lookup per
  // note would read the whole notes tree each time).
  const Result<std::unordered_map<ObjectId, ObjectId, ObjectIdHash>>& notes_of(const ObjectId& notes_commit);
  FoundApprovals judge(const Note& note, const Policy& policy, const ObjectId& subject,
                       const std::optional<ObjectId>& tree);
  // judge() of the notes on `subject`, once per (subject, tree, policy).
  const FoundApprovals& judged(const ObjectId& subject, const std::optional<ObjectId>& tree, const Policy& policy);

  const Repository& repo_;
  CommitFacts& facts_;
  std::vector<ObjectId> notes_;
  std::function<bool(const std::string&)> revoked_;
  std::unordered_map<ObjectId, std::unique_ptr<Note>, ObjectIdHash> read_;
  std::unordered_map<ObjectId, Result<std::unordered_map<ObjectId, ObjectId, ObjectIdHash>>, ObjectIdHash> listed_;
  std::map<std::tuple<ObjectId, std::optional<ObjectId>, const Policy*>, FoundApprovals> judged_;
};

// "bob" / "bob and carol"; for messages.
std::string names(const std::set<std::string>& people);

}  // namespace warden::verify
