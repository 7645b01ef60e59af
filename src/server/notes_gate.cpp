#include "server/notes_gate.hpp"

#include <fmt/format.h>

#include <set>

#include "verify/commit_facts.hpp"
#include "verify/statements.hpp"

namespace warden::server {

namespace {

Result<std::set<std::string>> lines_of(const Repository& repo, const ObjectId& blob, const ObjectId& annotated) {
  auto text = repo.note_text(blob, annotated, verify::kMaxNoteBytes);
  if (!text) return text.error();
  auto lines = note_lines(*text);
  return std::set<std::string>(lines.begin(), lines.end());
}

using NotesMap = std::unordered_map<ObjectId, ObjectId, ObjectIdHash>;

// The notes before the update (none for a new ref).
Result<NotesMap> notes_before(const Repository& repo, const RefUpdate& u) {
  if (u.old_id.is_zero()) return NotesMap{};
  return repo.notes_of(u.old_id);
}

}  // namespace

Result<std::optional<std::string>> added_statements_problem(const Repository& repo, const RefUpdate& u,
                                                            const Policy& policy,
                                                            const std::optional<ObjectId>& landed_on) {
  using Why = std::optional<std::string>;
  auto fresh = repo.notes_of(u.new_id);
  if (!fresh) return fresh.error();
  auto old_r = notes_before(repo, u);
  if (!old_r) return old_r.error();
  const NotesMap& old = *old_r;
  verify::CommitFacts facts(repo);
  for (const auto& [commit, blob] : *fresh) {
    auto before_it = old.find(commit);
    if (before_it != old.end() && before_it->second == blob) continue;
    auto now = lines_of(repo, blob, commit);
    if (!now) return Why(fmt::format("the note on {} cannot be read: {}", commit.short_hex(), now.error().message));
    std::set<std::string> before;
    if (before_it != old.end()) {
      auto b = lines_of(repo, before_it->second, commit);
      if (!b) return b.error();
      before = std::move(*b);
    }
    std::vector<std::string> added;
    for (const auto& l : *now)
      if (!before.count(l)) added.push_back(l);
    if (added.empty()) continue;
    const size_t count = added.size();
    verify::StatementList read;
    verify::read_statements(read, std::move(added), facts, [](const attest::Statement&) { return true; }, policy);
    const std::string where = fmt::format("{} adds to the note on {}", kApprovalNotesRef, commit.short_hex());
    if (!read.malformed.empty())
      return Why(fmt::format("{} what is no statement warden can read ({}): it is not stored", where, read.malformed.front()));
    if (read.lines.size() != count)
      return Why(fmt::format("{} a line that is no warden statement: it is not stored", where));
    for (const auto& st : read.statements) {
      auto signer = verify::counted_signer(st, policy, facts, nullptr, {"a statement", "statement"});
      if (!signer.person)
        return Why(fmt::format("{} {}: only statements signed by keys of the policy are stored", where, signer.problem));
      const auto& review = st.statement.review;
      if (!review || review->verdict != attest::Verdict::reject || !landed_on) continue;
      bool landed = review->commit == *landed_on;
      if (!landed) {
        auto d = repo.descendant_of(*landed_on, review->commit);
        if (!d) return d.error();
        landed = *d;
      }
      if (landed)
        return Why(fmt::format("{} {}'s rejecting review of {}, which has already landed on the policy branch: a "
                               "verdict on authenticated history is not rewritten by a later statement (say so in "
                               "an issue or revert the change instead)",
                               where, *signer.person, review->commit.short_hex()));
    }
  }
  return Why();
}

}  // namespace warden::server
