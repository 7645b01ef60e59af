// A client keeps the server's tag rules on what it fetches: a mirror that
// serves a maintainer's signed v1.0 as v2.0, a lightweight tag or one
// signed by someone else under a `signed-by` rule, is refused.
#include "warden/fetched_tags.hpp"

#include <fmt/format.h>

#include "warden/client_trust.hpp"
#include "warden/policy.hpp"
#include "warden/tag_signed_by.hpp"

namespace warden {
namespace {

// The first policy warden can read of those that speak for `remote`, or
// nullptr.
Result<const Policy*> remote_rules(const Repository& repo, Verifier& verifier, const std::string& remote,
                                   const std::vector<std::pair<std::string, ObjectId>>& moved) {
  auto commits = remote_policy_commits(repo, remote, moved);
  if (!commits) return commits.error();
  for (const auto& c : *commits)
    if (auto policy = verifier.policy_at(c)) return *policy;
  return static_cast<const Policy*>(nullptr);
}

// The policies whose rules the fetch's tags keep: the remote's; for a
// fetch from no configured remote, every trusted remote's (a tag by URL
// is refused what any of them would refuse).
Result<std::vector<const Policy*>> judges(const Repository& repo, Verifier& verifier, const FetchedTags& fetch) {
  std::vector<const Policy*> out;
  std::vector<std::string> remotes;
  if (fetch.remote) {
    remotes.push_back(*fetch.remote);
  } else {
    for (const auto& r : repo.remote_names())
      if (is_trusted_remote(repo, r)) remotes.push_back(r);
  }
  for (const auto& r : remotes) {
    auto policy = remote_rules(repo, verifier, r, fetch.moved);
    if (!policy) return policy.error();
    if (*policy) out.push_back(*policy);
  }
  return out;
}

// Why `t` breaks `rule` of `policy`, or "".
Result<std::string> rule_problem(Repository& repo, Verifier& verifier, const Policy& policy, const RefRule& rule,
                                 const FetchedTag& t) {
  const std::string by_rule = fmt::format(" (rule '{}')", rule.pattern);
  if (!t.old_id.is_zero() && t.old_id != t.new_id && rule.immutable.value_or(false))
    return fmt::format("{} is immutable and cannot be moved{}", t.ref, by_rule);
  if (rule.signed_by.names.empty() || rule.verify == false) return std::string();
  auto judged = tag_signed_by(repo, verifier, t.new_id, t.ref, policy, rule);
  if (!judged) return judged.error();
  return judged->problem;
}

}  // namespace

Result<std::string> fetched_tags_problem(Repository& repo, Verifier& verifier, const FetchedTags& fetch) {
  if (fetch.tags.empty()) return std::string();
  auto remote_policies = judges(repo, verifier, fetch);
  if (!remote_policies) return remote_policies.error();
  for (const auto& t : fetch.tags) {
    if (t.new_id.is_zero()) continue;
    std::vector<const Policy*> policies = *remote_policies;
    if (!fetch.remote || policies.empty()) {
      // Also the policy at the tag's own commit, which the fetch has
      // authenticated: the only one at hand when no remote speaks.
      auto commit = repo.peel_to_commit(t.new_id);
      if (!commit) return fmt::format("{}: {}", t.ref, commit.error().message);
      auto own = verifier.policy_at(*commit);
      if (!own) return fmt::format("{}: cannot read the policy that judges it: {}", t.ref, own.error().message);
      policies.push_back(*own);
    }
    for (const Policy* policy : policies) {
      const RefRule* rule = policy->rule_for(t.ref);
      if (!rule) continue;
      auto why = rule_problem(repo, verifier, *policy, *rule, t);
      if (!why) return why.error();
      if (!why->empty()) return fmt::format("{}: {}", t.ref, *why);
    }
  }
  return std::string();
}

}  // namespace warden
