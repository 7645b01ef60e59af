#include "verify/authorization.hpp"

#include <fmt/format.h>

namespace warden::verify {

namespace {

// Whether `signer` and the approvers make `threshold` distinct people of a
// group (`in(person)`, named `group` in messages); nullopt if they do, else
// the reason.
template <class In>
std::optional<std::string> short_of(int threshold, const std::string& signer, In in, const std::string& group,
                                    const std::string& what, ApprovalContext* ctx) {
  std::set<std::string> people, outside;
  if (in(signer)) people.insert(signer);
  static const FoundApprovals none;
  const FoundApprovals& found = ctx && ctx->approvals ? ctx->approvals() : none;
  for (const auto& p : found.people) {
    if (in(p)) people.insert(p);
    else outside.insert(p);
  }
  if (static_cast<int>(people.size()) >= threshold) {
    if (ctx)
      for (const auto& p : people)
        if (p != signer) ctx->counted.insert(p);
    return std::nullopt;
  }
  std::string why = fmt::format("{} needs {} distinct people of {}, has {}: {} signed", what, threshold, group,
                                people.size(), signer);
  std::set<std::string> approvers = people;
  approvers.erase(signer);
  if (found.people.count(signer)) why += fmt::format("; {}'s own approval counts once", signer);
  if (!approvers.empty()) why += fmt::format("; approved by {}", names(approvers));
  if (!outside.empty())
    why += fmt::format("; approved by {}, who {} not in {}", names(outside), outside.size() == 1 ? "is" : "are", group);
  if (found.found == 0 && found.rejected.empty()) why += "; no approval found";
  for (const auto& r : found.rejected) why += fmt::format("; rejected: {}", r);
  return why;
}

// The first review rule covering a changed path that lacks its reviews,
// as a refusal; nullopt if none.
MaybeRefusal unreviewed(const Policy& policy, const std::string& signer, const std::vector<std::string>& paths,
                        ApprovalContext* ctx) {
  static const FoundApprovals none;
  for (const ReviewRule& rule : policy.reviews) {
    const std::string* covered = nullptr;
    for (const auto& path : paths)
      if (!is_policy_path(path) && !policy.is_unprotected(path) && rule.covers(path)) {
        covered = &path;
        break;
      }
    if (!covered) continue;
    const FoundApprovals& found = ctx && ctx->reviews ? ctx->reviews() : none;
    std::set<std::string> reviewers, outside;
    for (const auto& p : found.people) {
      if (p == signer) continue;
      if (policy.includes(rule.who, p)) reviewers.insert(p);
      else outside.insert(p);
    }
    if (static_cast<int>(reviewers.size()) >= rule.count) {
      if (ctx) ctx->counted.insert(reviewers.begin(), reviewers.end());
      continue;
    }
    std::string why = fmt::format("changing {} needs {} approving review{} by {} other than the signer ({}), has {}",
                                  *covered, rule.count, rule.count == 1 ? "" : "s", fmt::join(rule.who.names, ", "),
                                  signer, reviewers.size());
    if (!reviewers.empty()) why += fmt::format(": reviewed by {}", names(reviewers));
    if (found.people.count(signer)) why += fmt::format("; {}'s own review does not count", signer);
    if (!outside.empty())
      why += fmt::format("; reviewed by {}, not of {}", names(outside), fmt::join(rule.who.names, ", "));
    if (found.found == 0 && found.rejected.empty()) why += "; no review found (git warden attest review)";
    for (const auto& r : found.rejected) why += fmt::format("; {}", r);
    return Refusal{Rule::review, why, *covered};
  }
  return std::nullopt;
}

}  // namespace

MaybeRefusal may_change(const Policy& policy, const std::string* signer, const std::vector<std::string>& paths,
                        std::string_view nobody, ApprovalContext* approvals) {
  for (const auto& path : paths) {
    if (is_policy_path(path)) {
      if (signer == nullptr) return Refusal{Rule::policy, fmt::format("{} to the policy directory .warden/", nobody), path};
      if (!policy.may_change_policy(*signer))
        return Refusal{Rule::policy, fmt::format("{} is not in policy.who and may not change .warden/", *signer), path};
      if (policy.policy.threshold > 1) {
        auto in = [&](const std::string& p) { return policy.may_change_policy(p); };
        if (auto why = short_of(policy.policy.threshold, *signer, in, "policy.who", "changing .warden/", approvals))
          return Refusal{Rule::threshold, *why, path};
      }
      continue;
    }
    if (policy.is_unprotected(path)) continue;
    if (signer == nullptr) return Refusal{Rule::unsigned_change, fmt::format("{} to a protected path", nobody), path};
    if (!policy.granted(*signer, path))
      return Refusal{Rule::grant, fmt::format("{} has no grant covering {}", *signer, path), path};
    if (!policy.grant_thresholds) continue;
    for (const Grant* g : policy.thresholds_for(path)) {
      auto in = [&](const std::string& p) { return policy.includes(g->who, p); };
      std::string group = fmt::format("the grant to {}", fmt::join(g->who.names, ", "));
      if (auto why = short_of(g->threshold, *signer, in, group, fmt::format("changing {}", path), approvals))
        return Refusal{Rule::threshold, *why, path};
    }
  }
  if (signer != nullptr && !policy.reviews.empty()) return unreviewed(policy, *signer, paths, approvals);
  return std::nullopt;
}

}  // namespace warden::verify
