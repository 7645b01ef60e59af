// Signed statements (DESIGN section 6) as warden reads them, from git notes
// or from an evidence file: each line an envelope, each of its signatures
// checked by the one checker (CommitFacts) over the envelope's PAE. Who a
// signature counts for is decided later, under the policy that applies.
// Lines that are no statement warden can read are listed with why.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "attest/statement.hpp"
#include "verify/commit_facts.hpp"
#include "warden/policy.hpp"
#include "warden/repository.hpp"

namespace warden::verify {

struct SignedStatement {
  attest::Statement statement;
  CommitSignature signature;
  size_t line = 0;  // the index of its envelope in StatementList::lines
};

struct StatementList {
  std::vector<std::string> lines;  // the envelope lines read, one per envelope
  std::vector<SignedStatement> statements;
  std::vector<std::string> malformed;  // why a line counts for nothing
};

// Reads `lines` into `into`: the statements `wanted` selects, with their
// signatures checked, at most `max_signatures` of them (the rest are
// listed as malformed: notes can be written by anyone who can push them).
// Lines that are no statement are listed one by one up to a limit, then
// counted in one line.
void read_statements(StatementList& into, std::vector<std::string> lines, CommitFacts& facts,
                     const std::function<bool(const attest::Statement&)>& wanted, size_t max_signatures);

// Who a statement's signature counts for under `policy`: the person, or
// nobody and why ("an approval with a bad signature (...)", "... signed by
// a key not in the policy (...)", "bob's approval is signed by a revoked
// key (...)"). `noun` names the statement in those messages.
struct StatementNoun {
  const char* with_article;  // "an approval"
  const char* bare;          // "approval"
};
struct CountedSigner {
  const std::string* person = nullptr;
  std::string who;      // the person, or a description of the key
  std::string problem;  // why it counts for nothing, if it does not
};
CountedSigner counted_signer(const CommitSignature& signature, const Policy& policy, CommitFacts& facts,
                             const std::function<bool(const std::string&)>& revoked, StatementNoun noun);

// The lines of the notes on a commit, from one or more notes commits (the
// tips of notes refs) combined as git's cat_sort_uniq combines notes.
class AttestationNotes {
 public:
  AttestationNotes(const Repository& repo, std::vector<ObjectId> notes);
  std::vector<std::string> lines_on(const ObjectId& c, std::vector<std::string>& problems);
  bool empty() const { return notes_.empty(); }

 private:
  using Listing = Result<std::unordered_map<ObjectId, ObjectId, ObjectIdHash>>;
  // Each notes commit's notes, listed on first use (a lookup per note
  // would read the whole notes tree each time).
  const Listing& listing(const ObjectId& notes_commit);

  const Repository& repo_;
  std::vector<ObjectId> notes_;
  std::unordered_map<ObjectId, Listing, ObjectIdHash> listed_;
};

}  // namespace warden::verify
