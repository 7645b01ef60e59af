#include "verify/approvals.hpp"

#include <fmt/format.h>

#include "attest/envelope.hpp"

namespace warden::verify {

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

ApprovalBook::ApprovalBook(const GitReads& repo, CommitFacts& facts, std::vector<ObjectId> notes, Revoked revoked)
    : facts_(facts), notes_(repo, std::move(notes)), revoked_(std::move(revoked)) {}

StatementList ApprovalBook::read(const ObjectId& c, const Policy& policy, bool (*wanted)(const attest::Statement&)) {
  StatementList note;
  auto lines = notes_.lines_on(c, note.malformed);
  read_statements(note, std::move(lines), facts_, wanted, policy);
  return note;
}

const StatementList& ApprovalBook::note_on(const ObjectId& c, const Policy& policy) {
  auto key = std::make_pair(c, &policy);
  if (auto it = read_.find(key); it != read_.end()) return it->second;
  return read_.emplace(key, read(c, policy, [](const attest::Statement& s) { return s.approval.has_value(); }))
      .first->second;
}

const FoundApprovals& ApprovalBook::reviews_of(const ObjectId& c, const Policy& policy) {
  auto key = std::make_pair(c, &policy);
  if (auto it = reviews_judged_.find(key); it != reviews_judged_.end()) return it->second;
  // Read once per (commit, policy), as reviews_judged_ keeps the verdict.
  const StatementList note = read(c, policy, [](const attest::Statement& s) { return s.review.has_value(); });
  auto revoked = [this, &c](const std::string& fpr) { return revoked_ && revoked_(fpr, c); };
  FoundApprovals out;
  out.rejected = note.malformed;
  std::set<std::string> rejecting;
  for (const SignedStatement& st : note.statements) {
    const attest::Review& review = *st.statement.review;
    ++out.found;
    CountedSigner signer = counted_signer(st, policy, facts_, revoked, {"a review", "review"});
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
  trim_reasons(out.rejected);
  return reviews_judged_.emplace(key, std::move(out)).first->second;
}

FoundApprovals ApprovalBook::judge(const StatementList& note, const Policy& policy, const ObjectId& subject,
                                   const std::optional<ObjectId>& tree) {
  FoundApprovals out;
  out.rejected = note.malformed;
  auto revoked = [this, &subject](const std::string& fpr) { return revoked_ && revoked_(fpr, subject); };
  const auto wanted = tree ? attest::Approval::Kind::tree : attest::Approval::Kind::commit;
  for (const SignedStatement& st : note.statements) {
    const attest::Approval& approval = *st.statement.approval;
    if (approval.kind != wanted) continue;
    ++out.found;
    CountedSigner signer = counted_signer(st, policy, facts_, revoked, {"an approval", "approval"});
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
  trim_reasons(out.rejected);
  return out;
}

const FoundApprovals& ApprovalBook::judged(const ObjectId& subject, const std::optional<ObjectId>& tree,
                                           const Policy& policy) {
  auto key = std::make_tuple(subject, tree, &policy);
  if (auto it = judged_.find(key); it != judged_.end()) return it->second;
  return judged_.emplace(key, judge(note_on(subject, policy), policy, subject, tree)).first->second;
}

const FoundApprovals& ApprovalBook::of_commit(const ObjectId& c, const Policy& policy) {
  return judged(c, std::nullopt, policy);
}

const FoundApprovals& ApprovalBook::of_tree(const ObjectId& parent, const ObjectId& tree, const Policy& policy) {
  return judged(parent, tree, policy);
}

}  // namespace warden::verify
