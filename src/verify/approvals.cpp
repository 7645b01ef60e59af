#include "verify/approvals.hpp"

#include <fmt/format.h>

#include "attest/envelope.hpp"
#include "verify/signer.hpp"

namespace warden::verify {

namespace {

constexpr size_t kMaxNoteBytes = 1 << 20;
constexpr size_t kMaxNoteLines = 1000;

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
    : repo_(repo), facts_(facts), notes_(std::move(notes)), revoked_(std::move(revoked)) {}

const Result<std::unordered_map<ObjectId, ObjectId, ObjectIdHash>>& ApprovalBook::notes_of(const ObjectId& notes_commit) {
  auto it = listed_.find(notes_commit);
  if (it == listed_.end()) it = listed_.emplace(notes_commit, repo_.notes_of(notes_commit)).first;
  return it->second;
}

const ApprovalBook::Note& ApprovalBook::note_on(const ObjectId& c) {
  if (auto it = read_.find(c); it != read_.end()) return *it->second;
  auto note = std::make_unique<Note>();
  std::set<std::string> lines;  // the notes of every ref, combined as cat_sort_uniq does
  for (const ObjectId& notes_commit : notes_) {
    const auto& listed = notes_of(notes_commit);
    if (!listed) {
      note->malformed.push_back(listed.error().message);
      continue;
    }
    auto blob = listed->find(c);
    if (blob == listed->end()) continue;
    auto text = repo_.note_text(blob->second, c, kMaxNoteBytes);
    if (!text) {
      note->malformed.push_back(text.error().message);
      continue;
    }
    for (auto& l : note_lines(*text)) lines.insert(std::move(l));
  }
  size_t n = 0;
  for (const auto& line : lines) {
    if (++n > kMaxNoteLines) {
      note->malformed.push_back(fmt::format("more than {} lines in the notes on {}: the rest are not read", kMaxNoteLines,
                                            c.short_hex()));
      break;
    }
    auto envelope = attest::parse_envelope(line);
    if (!envelope) {
      note->malformed.push_back(fmt::format("not an attestation: {}", envelope.error().message));
      continue;
    }
    if (envelope->payload_type != attest::kInTotoPayloadType) continue;  // not ours to read
    auto approval = attest::parse_approval(envelope->payload);
    if (!approval) {
      note->malformed.push_back(fmt::format("not an approval warden can read: {}", approval.error().message));
      continue;
    }
    if (!*approval) continue;  // another kind of statement
    const std::string signed_bytes = attest::pae(envelope->payload_type, envelope->payload);
    for (const auto& s : envelope->signatures) {
      auto armored = attest::armor_signature(s.sig);
      if (!armored) {
        note->malformed.push_back(fmt::format("approval with a bad signature: {}", armored.error().message));
        continue;
      }
      note->approvals.push_back({**approval, facts_.check_signed(*armored, signed_bytes)});
    }
  }
  return *read_.emplace(c, std::move(note)).first->second;
}

FoundApprovals ApprovalBook::judge(const Note& note, const Policy& policy, const ObjectId& subject,
                                   const std::optional<ObjectId>& tree) {
  FoundApprovals out;
  out.rejected = note.malformed;
  const auto wanted = tree ? attest::Approval::Kind::tree : attest::Approval::Kind::commit;
  for (const Signed& s : note.approvals) {
    if (s.approval.kind != wanted) continue;
    ++out.found;
    Signer signer = identify(s.signature, &policy, facts_);
    std::string who = signer.person ? *signer.person : signer.description;
    if (s.approval.commit != subject) {
      out.rejected.push_back(fmt::format("{}'s approval is of {} {}, not of {}", who,
                                         tree ? "parent" : "commit", s.approval.commit.short_hex(), subject.short_hex()));
    } else if (tree && s.approval.tree != tree) {
      out.rejected.push_back(fmt::format("{}'s tree approval is of tree {}, not {}", who,
                                         s.approval.tree->short_hex(), tree->short_hex()));
    } else if (s.signature.kind == SignatureKind::none || s.signature.kind == SignatureKind::unsupported ||
               s.signature.kind == SignatureKind::bad || signer.bad) {
      out.rejected.push_back(fmt::format("an approval with a bad signature ({})",
                                         signer.bad ? signer.problem : s.signature.problem));
    } else if (signer.person == nullptr) {
      out.rejected.push_back(fmt::format("an approval signed by a key not in the policy ({})", signer.fingerprint));
    } else if (revoked_ && revoked_(signer.fingerprint)) {
      out.rejected.push_back(fmt::format("{}'s approval is signed by a revoked key ({})", who, signer.fingerprint));
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
