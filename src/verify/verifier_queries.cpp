// What a Verifier answers besides runs, none of it DESIGN section 3: the
// policy an authenticated commit carries, who of a policy signed a tag or
// a commit (section 5: tags, snapshots), and whether builders agree on
// what a commit builds to (section 6: build attestations).
#include <fmt/format.h>

#include <set>

#include "verify/build_agreement.hpp"
#include "verify/signer.hpp"
#include "verify/statements.hpp"
#include "verify/verifier_state.hpp"

namespace warden {

Result<const Policy*> Verifier::policy_at(const ObjectId& commit) {
  auto at = state_->policies.at(commit);
  if (!at) return at.error();
  if ((*at)->policy) return (*at)->policy.get();
  if (!(*at)->problem.empty()) return make_error((*at)->problem);
  return make_error(verify::no_valid_policy(**at, commit.short_hex()));
}

Result<std::string> Verifier::tag_signer(const TagData& tag, std::string_view ref, const Policy& policy) {
  // A tag signed as v1.0 never counts as v2.0 (DESIGN section 5).
  const std::string own = "refs/tags/" + tag.name;
  if (ref != own)
    return make_error(fmt::format("the tag object {} is named '{}' ({}), not {}: a signed tag counts only under its "
                                  "own name",
                                  tag.id.short_hex(), tag.name, own, ref));
  return verify::tag_signer(tag, policy, state_->facts);
}

Result<std::string> Verifier::commit_signer(const ObjectId& commit, const Policy& policy) {
  // The commit's signature as every commit's is judged (headers git leaves
  // out, several signatures, a carriage return in an SSH signature: bad).
  auto sig = state_->facts.signature(commit);
  if (!sig) return sig.error();
  return verify::signer_of(fmt::format("commit {}", commit.short_hex()), **sig, policy);
}

Result<BuildReport> Verifier::builds_of(const ObjectId& commit, const BuildQuery& query) {
  auto policy = policy_at(commit);
  if (!policy) return policy.error();
  if (!(*policy)->builders)
    return make_error(fmt::format("the policy at {} has no 'builders' section: no build attestation counts",
                                  commit.short_hex()));
  verify::StatementList read;
  std::vector<std::string> lines;
  if (query.evidence) {
    lines = *query.evidence;
  } else {
    verify::AttestationNotes notes(state_->repo, query.notes);
    lines = notes.lines_on(commit, read.malformed);
  }
  // An evidence file is read whole: whatever it holds must count.
  bool all = query.evidence.has_value();
  verify::read_statements(read, std::move(lines), state_->facts,
                          [all](const attest::Statement& s) { return all || s.build.has_value(); }, **policy);
  // A build statement carries no trusted time: a key revoked by any policy
  // the run knows never attests a build that counts.
  std::set<std::string> revoked;
  for (const ObjectId& from : query.revocations_from) {
    auto at = state_->policies.at(from);
    if (!at) return at.error();
    if ((*at)->policy)
      for (const auto& r : (*at)->policy->revoked) revoked.insert(r.fingerprint);
  }
  return verify::agree_on_builds(read, commit, **policy, state_->facts, query,
                                 [&revoked](const std::string& fpr) { return revoked.count(fpr) > 0; });
}

}  // namespace warden
