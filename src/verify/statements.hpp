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
#include "warden/git_reads.hpp"

namespace warden::verify {

// How much of one note is read (a note may hold many build attestations,
// one per output a farm built); the bound on a reader's work.
inline constexpr size_t kMaxNoteBytes = 64 << 20;

struct SignedStatement {
  attest::Statement statement;
  CommitSignature signature;  // kind none when it was not checked (unlisted)
  size_t line = 0;  // the index of its envelope in StatementList::lines
  // Set when the signature was not checked because the key it claims
  // (this fingerprint or issuer) is one the judging policy does not list.
  std::string unlisted;
};

struct StatementList {
  std::vector<std::string> lines;  // the envelope lines read, one per envelope
  std::vector<SignedStatement> statements;
  std::vector<std::string> malformed;  // why a line counts for nothing
};

// Reads `lines` into `into`: the statements `wanted` selects, with their
// signatures checked. Notes can be written by anyone who can push them, so
// what is read never depends on how much junk sits before a real
// statement: a signature whose claimed key `judge_by` does not list is not
// checked (a parse, no public-key operation) and kept as `unlisted`; every
// signature by a listed key is checked, whatever comes before it. The work
// is bounded by the bytes read (the callers' note and evidence limits).
// Lines that are no statement are listed one by one up to a limit, then
// counted in one line.
void read_statements(StatementList& into, std::vector<std::string> lines, CommitFacts& facts,
                     const std::function<bool(const attest::Statement&)>& wanted, const Policy& judge_by);

// Keeps the first reasons of a list that anyone can lengthen (one per
// junk statement) and counts the rest in one line.
void trim_reasons(std::vector<std::string>& reasons);

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
// `revoked(fingerprint)`: a key revoked by a policy the run knows (DESIGN
// section 6), beyond those `policy` itself revokes; may be empty.
CountedSigner counted_signer(const SignedStatement& statement, const Policy& policy, CommitFacts& facts,
                             const std::function<bool(const std::string&)>& revoked, StatementNoun noun);

// The lines of the notes on a commit, from one or more notes commits (the
// tips of notes refs) combined as git's cat_sort_uniq combines notes.
class AttestationNotes {
 public:
  AttestationNotes(const GitReads& repo, std::vector<ObjectId> notes);
  std::vector<std::string> lines_on(const ObjectId& c, std::vector<std::string>& problems);
  bool empty() const { return notes_.empty(); }

 private:
  using Listing = Result<std::unordered_map<ObjectId, ObjectId, ObjectIdHash>>;
  // Each notes commit's notes, listed on first use (a lookup per note
  // would read the whole notes tree each time).
  const Listing& listing(const ObjectId& notes_commit);

  const GitReads& repo_;
  std::vector<ObjectId> notes_;
  std::unordered_map<ObjectId, Listing, ObjectIdHash> listed_;
};

}  // namespace warden::verify
