#include "verify/statements.hpp"

#include <fmt/format.h>

#include <optional>
#include <set>

#include "attest/envelope.hpp"
#include "verify/signer.hpp"

namespace warden::verify {

namespace {

// Lines that are no statement are each reported up to this many times per
// read, then counted: a note of garbage lines makes a short refusal.
constexpr size_t kMaxReported = 20;

}  // namespace

namespace {

// Whether `policy` lists the key a signature claims, and its name if not.
bool listed(const SignatureChecker::Claimed& claimed, const Policy& policy, std::string& name) {
  if (claimed.ssh) {
    if (policy.owner_of(*claimed.ssh)) return true;
    name = claimed.ssh->fingerprint();
    return false;
  }
  if (!claimed.openpgp_issuer.empty()) {
    if (policy.openpgp_cert_for(claimed.openpgp_issuer)) return true;
    name = claimed.openpgp_issuer;
    return false;
  }
  if (claimed.x509) {
    // Which certificate it claims is known only once its CMS verifies;
    // a policy with no x509 or sigstore identity lists none of them.
    if (policy.has_x509_identities() || policy.has_sigstore_identities()) return true;
    name = "an x509 certificate";
    return false;
  }
  return true;  // not readable: checked, and found bad, at no public-key cost
}

}  // namespace

void read_statements(StatementList& into, std::vector<std::string> lines, CommitFacts& facts,
                     const std::function<bool(const attest::Statement&)>& wanted, const Policy& judge_by) {
  size_t unreported = 0;
  auto malformed = [&](std::string why) {
    if (into.malformed.size() < kMaxReported) into.malformed.push_back(std::move(why));
    else ++unreported;
  };
  for (auto& line : lines) {
    auto envelope = attest::parse_envelope(line);
    if (!envelope) {
      malformed(fmt::format("not an attestation: {}", envelope.error().message));
      continue;
    }
    if (envelope->payload_type != attest::kInTotoPayloadType) continue;  // not ours to read
    auto statement = attest::parse_statement(envelope->payload);
    if (!statement) {
      malformed(fmt::format("not a statement warden can read: {}", statement.error().message));
      continue;
    }
    if (!*statement || !wanted(**statement)) continue;  // another kind of statement
    size_t index = into.lines.size();
    into.lines.push_back(std::move(line));  // kept for evidence; parsed above
    std::optional<std::string> signed_bytes;  // made once, for the first listed key
    for (const auto& s : envelope->signatures) {
      auto armored = attest::armor_signature(s.sig);
      if (!armored) {
        malformed(fmt::format("a statement with a bad signature: {}", armored.error().message));
        continue;
      }
      SignedStatement st{**statement, {}, index, {}};
      if (!listed(facts.claimed_signer(*armored), judge_by, st.unlisted)) {
        into.statements.push_back(std::move(st));
        continue;
      }
      if (!signed_bytes) signed_bytes = attest::pae(envelope->payload_type, envelope->payload);
      st.signature = facts.check_signed(*armored, *signed_bytes);
      into.statements.push_back(std::move(st));
    }
  }
  if (unreported > 0) into.malformed.push_back(fmt::format("{} more lines that are no statement warden can read", unreported));
}

void trim_reasons(std::vector<std::string>& reasons) {
  if (reasons.size() <= kMaxReported + 1) return;
  size_t more = reasons.size() - kMaxReported;
  reasons.resize(kMaxReported);
  reasons.push_back(fmt::format("{} more statements that count for nothing", more));
}

CountedSigner counted_signer(const SignedStatement& statement, const Policy& policy, CommitFacts& facts,
                             const std::function<bool(const std::string&)>& revoked, StatementNoun noun) {
  CountedSigner out;
  if (!statement.unlisted.empty()) {
    out.who = fmt::format("key not in policy ({})", statement.unlisted);
    out.problem = fmt::format("{} signed by a key not in the policy ({})", noun.with_article, statement.unlisted);
    return out;
  }
  const CommitSignature& signature = statement.signature;
  Signer signer = identify(signature, &policy, facts);
  out.who = signer.person ? *signer.person : signer.description;
  if (signature.kind == SignatureKind::none || signature.kind == SignatureKind::unsupported ||
      signature.kind == SignatureKind::bad || signer.bad)
    out.problem = fmt::format("{} with a bad signature ({})", noun.with_article,
                              signer.bad ? signer.problem : signature.problem);
  else if (signer.person == nullptr)
    out.problem = fmt::format("{} signed by a key not in the policy ({})", noun.with_article, signer.fingerprint);
  else if (by_any_name(signer.fingerprint, signer.aliases, [&](const std::string& k) {
             return (revoked && revoked(k)) || policy.revocation_of(k);
           }))
    out.problem = fmt::format("{}'s {} is signed by a revoked key ({})", out.who, noun.bare, signer.fingerprint);
  else
    out.person = signer.person;
  return out;
}

AttestationNotes::AttestationNotes(const GitReads& repo, std::vector<ObjectId> notes)
    : repo_(repo), notes_(std::move(notes)) {}

const AttestationNotes::Listing& AttestationNotes::listing(const ObjectId& notes_commit) {
  auto it = listed_.find(notes_commit);
  if (it == listed_.end()) it = listed_.emplace(notes_commit, repo_.notes_of(notes_commit)).first;
  return it->second;
}

std::vector<std::string> AttestationNotes::lines_on(const ObjectId& c, std::vector<std::string>& problems) {
  std::set<std::string> lines;  // the notes of every ref, combined as cat_sort_uniq does
  for (const ObjectId& notes_commit : notes_) {
    const auto& listed = listing(notes_commit);
    if (!listed) {
      problems.push_back(listed.error().message);
      continue;
    }
    auto blob = listed->find(c);
    if (blob == listed->end()) continue;
    auto text = repo_.note_text(blob->second, c, kMaxNoteBytes);
    if (!text) {
      problems.push_back(text.error().message);
      continue;
    }
    for (auto& l : note_lines(*text)) lines.insert(std::move(l));
  }
  return {lines.begin(), lines.end()};
}

}  // namespace warden::verify
