#include "verify/approvals.hpp"

#include <fmt/format.h>

#include "attest/envelope.hpp"

namespace warden::verify {

namespace {

// Approvals on one commit that are read at all (each costs a signature check).
constexpr size_t kMaxApprovals = 1000;

}  // namespace

std::string names(const std::set<std::string>& people) {
  std::string out;
  size_t i = 0;
  for (const auto& p : people) {
    if (i > 0) out += i + 1 == people.size() ? " and " : ", ";
    out += p;
    ++i;
  }
  return out;
}

ApprovalBook::ApprovalBook(const Repository& repo, CommitFacts& facts, std::vector<ObjectId> notes,
                           std::function<bool(const std::string&)> revoked)
    : facts_(facts), notes_(repo, std::move(notes)), revoked_(std::move(revoked)) {}

const StatementList& ApprovalBook::read_on(StatementCache& cache, const ObjectId& c,
                                           bool (*wanted)(const attest::Statement&)) {
  if (auto it = cache.find(c); it != cache.end()) return *it->second;
  auto note = std::make_unique<StatementList>();
  auto lines = notes_.lines_on(c, note->malformed);
  read_statements(*note, std::move(lines), facts_, wanted, kMaxApprovals);
  return *cache.emplace(c, std::move(note)).first->second;
}

const StatementList& ApprovalBook::note_on(const ObjectId& c) {
  return read_on(read_, c, [](const attest::Statement& s) { return s.approval.has_value(); });
}

const StatementList& ApprovalBook::reviews_on(const ObjectId& c) {
  return read_on(reviews_read_, c, [](const attest::Statement& s) { return s.review.has_value(); });
}

const FoundApprovals& ApprovalBook::reviews_of(const ObjectId& c, const Policy& policy) {
  auto key = std::make_pair(c, &policy);
  if (auto it = reviews_judged_.find(key); it != reviews_judged_.end()) return it->second;
  const StatementList& note = reviews_on(c);
  FoundApprovals out;
  out.rejected = note.malformed;
  std::set<std::string> rejecting;
  for (const SignedStatement& st : note.statements) {
    const attest::Review& review = *st.statement.review;
    ++out.found;
    CountedSigner signer = counted_signer(st.signature, policy, facts_, revoked_, {"a review", "review"});
    if (review.commit != c) {
      out.rejected.push_back(fmt::format("{}'s review is of commit {}, not of {}", signer.who,
                                         review.commit.short_hex(), c.short_hex()));
    } else if (!signer.person) {
      out.rejected.push_back(signer.problem);
    } else if (review.verdict == attest::Verdict::reject) {
      rejecting.insert(*signer.person);
    } else {
      out.people.insert(*signer.person);
    }
  }
  for (const auto& p : rejecting) {
    out.people.erase(p);
    out.rejected.push_back(fmt::format("{} rejected it", p));
  }
  return reviews_judged_.emplace(key, std::move(out)).first->second;
}

FoundApprovals ApprovalBook::judge(const StatementList& note, const Policy& policy, const ObjectId& subject,
                                   const std::optional<ObjectId>& tree) {
  FoundApprovals out;
  out.rejected = note.malformed;
  const auto wanted = tree ? attest::Approval::Kind::tree : attest::Approval::Kind::commit;
  for (const SignedStatement& st : note.statements) {
    const attest::Approval& approval = *st.statement.approval;
    const CommitSignature& signature = st.signature;
    if (approval.kind != wanted) continue;
    ++out.found;
    CountedSigner signer = counted_signer(signature, policy, facts_, revoked_, {"an approval", "approval"});
    const std::string& who = signer.who;
    if (approval.commit != subject) {
      out.rejected.push_back(fmt::format("{}'s approval is of {} {}, not of {}", who,
                                         tree ? "parent" : "commit", approval.commit.short_hex(), subject.short_hex()));
    } else if (tree && approval.tree != tree) {
      out.rejected.push_back(fmt::format("{}'s tree approval is of tree {}, not {}", who,
                                         approval.tree->short_hex(), tree->short_hex()));
    } else if (signer.person == nullptr) {
      out.rejected.push_back(signer.problem);
    } else {
      out.people.insert(*signer.person);
    }
  }
  return out;
}

const FoundApprovals& ApprovalBook::judged(const ObjectId& subject, const std::optional<ObjectId>& tree,
                                           const Policy& policy) {
  auto key = std::make_tuple(subject, tree, &policy);
  if (auto it = judged_.find(key); it != judged_.end()) return it->second;
  return judged_.emplace(key, judge(note_on(subject), policy, subject, tree)).first->second;
}

const FoundApprovals& ApprovalBook::of_commit(const ObjectId& c, const Policy& policy) {
  return judged(c, std::nullopt, policy);
}

const FoundApprovals& ApprovalBook::of_tree(const ObjectId& parent, const ObjectId& tree, const Policy& policy) {
  return judged(parent, tree, policy);
}

}  // namespace warden::verify
