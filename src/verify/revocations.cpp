// Revoked keys and where their revocation landed (see revocations.hpp).
#include "verify/revocations.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "verify/engine.hpp"
#include "verify/signer.hpp"

namespace warden::verify {

Status Revocations::load(const std::vector<ObjectId>& from) {
  for (const ObjectId& c : from) {
    auto at = policies_.at(c);
    if (!at) return at.error();
    if (!(*at)->policy) continue;
    revoking_policies_.push_back((*at)->policy);
    for (const auto& r : (*at)->policy->revoked)
      if (revoked_.emplace(r.fingerprint, &r).second) revoked_at_.emplace(r.fingerprint, c);
  }
  return Status::success();
}

Status Revocations::apply(const ObjectId& c, Verdict& v, bool note_signer) {
  if (!v.ok() || v.key_fingerprint.empty()) return Status::success();
  if (note_signer) {
    signer_keys_.insert(v.key_fingerprint);
    signer_keys_.insert(v.key_aliases.begin(), v.key_aliases.end());
  }
  // The key under its own name, else under another name of the same
  // certificate (x509: a revocation may name its e-mail or its subject).
  auto it = by_any_name(v.key_fingerprint, v.key_aliases, [&](const std::string& name) {
    auto found = revoked_.find(name);
    return found == revoked_.end() ? nullptr : &*found;
  });
  if (it == nullptr) return Status::success();
  auto landed = landing_of(it->first);
  if (!landed) return landed.error();
  if ((*landed)->before.count(c)) return Status::success();
  v = refuse(std::move(v), Rule::revocation,
             fmt::format("signed by a revoked key ({}), after the revocation landed in {}", it->second->reason,
                         (*landed)->revoking.short_hex()));
  return Status::success();
}

bool Revocations::revoked_for(const std::string& fingerprint, const ObjectId& subject) {
  if (!revoked_.count(fingerprint)) return false;
  auto landed = landing_of(fingerprint);
  return !landed || (*landed)->before.count(subject) == 0;
}

bool Revocations::revokes_a_signer(const Policy& policy) const {
  for (const auto& r : policy.revoked)
    if (signer_keys_.count(r.fingerprint)) return true;
  return false;
}

// The oldest commit on the revoking commit's mainline whose policy
// revokes the key, and the commits that were history before it.
Result<const Revocations::Landing*> Revocations::landing_of(const std::string& fingerprint) {
  if (auto it = landings_.find(fingerprint); it != landings_.end()) return &it->second;
  ObjectId revoking = revoked_at_.at(fingerprint);
  std::vector<ObjectId> parents;
  for (;;) {
    auto data = repo_.read_commit(revoking);
    if (!data) return data.error();
    parents = data->parents;
    if (parents.empty()) break;
    size_t mainline = 0;  // authenticated history: the first parent, unless a run chose another
    if (mainlines_) {
      if (auto m = mainlines_->find(revoking); m != mainlines_->end()) mainline = m->second;
    }
    const ObjectId& p = parents[std::min(mainline, parents.size() - 1)];
    auto at = policies_.at(p);
    if (!at) return at.error();
    if (!(*at)->policy || !(*at)->policy->revocation_of(fingerprint)) break;
    revoking = p;
  }
  Landing landing{revoking, {}};
  if (!parents.empty()) {
    std::vector<ObjectId> hidden(known_good_.begin(), known_good_.end());
    auto walked = repo_.walk(parents, hidden);
    if (!walked) return walked.error();
    landing.before.insert(walked->begin(), walked->end());
  }
  return &landings_.emplace(fingerprint, std::move(landing)).first->second;
}

}  // namespace warden::verify
