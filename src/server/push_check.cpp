// DESIGN section 5, per ref update, in this order: warden's own refs;
// deletion; immutable
// tags; refs no rule covers; fast-forward; exemption (verify: false);
// signed annotated tags; a valid policy at the policy branch's new tip;
// authentication of the new commits.
#include "warden/push_check.hpp"

#include <fmt/format.h>

#include "warden/policy.hpp"
#include "warden/policy_loader.hpp"
#include "warden/tag_signed_by.hpp"
#include "server/notes_gate.hpp"

namespace warden {
namespace {

// Why an update of refs/notes/warden is refused, or nothing: approvals
// are only ever added, so the ref only moves forward to a commit.
std::optional<std::string> notes_update_problem(const Repository& repo, const RefUpdate& u) {
  if (u.new_id.is_zero()) return fmt::format("{} holds approvals and cannot be deleted", u.ref);
  auto type = repo.object_type(u.new_id);
  if (!type || *type != "commit") return fmt::format("{} must point at a notes commit", u.ref);
  if (u.old_id.is_zero() || u.old_id == u.new_id) return std::nullopt;
  auto ff = repo.descendant_of(u.new_id, u.old_id);
  if (!ff) return ff.error().message;
  if (!*ff)
    return fmt::format("non-fast-forward update of {} refused ({} is not a descendant of {}): approvals are never "
                       "rewound or dropped; merge the notes (git notes --ref warden merge -s cat_sort_uniq) and push again",
                       u.ref, u.new_id.short_hex(), u.old_id.short_hex());
  return std::nullopt;
}

class RefChecker {
 public:
  RefChecker(const Repository& repo, const Anchor& anchor, const PushCheckOptions& options, Verifier& verifier,
             const Policy& rules, std::optional<ObjectId> policy_tip, std::vector<ObjectId> approval_notes,
             std::optional<std::string> notes_problem)
      : repo_(repo), anchor_(anchor), options_(options), rules_(rules), policy_tip_(policy_tip), verifier_(verifier),
        approval_notes_(std::move(approval_notes)), notes_problem_(std::move(notes_problem)) {}

  Result<RefDecision> decide(const RefUpdate& u) {
    RefDecision d;
    d.ref = u.ref;
    auto refuse = [&](std::string why) {
      d.ok = false;
      d.message = std::move(why);
      return d;
    };
    const bool is_policy_branch = u.ref == options_.policy_branch;
    const RefRule* rule = rules_.rule_for(u.ref);
    const bool is_branch = u.ref.starts_with("refs/heads/");
    const bool is_tag = u.ref.starts_with("refs/tags/");
    const std::string by_rule = rule ? fmt::format(" (rule '{}')", rule->pattern) : "";

    // warden's own state (accepted tips, pins) is never pushed, whatever a
    // rule says: an accepted tip would vouch for anything behind it.
    if (u.ref.starts_with("refs/warden/")) return refuse("refs/warden/ holds warden's own trust state and cannot be pushed");
    if (u.ref == kApprovalNotesRef) {
      if (notes_problem_) return refuse(*notes_problem_);
      d.ok = true;
      d.message = "approvals updated";
      return d;
    }

    if (u.new_id.is_zero()) {
      if (is_policy_branch) return refuse("deleting the policy branch is refused");
      if (rule && rule->immutable.value_or(false)) return refuse(fmt::format("{} is immutable{}", u.ref, by_rule));
      if (rule && rule->deletion_allowed == false) return refuse(fmt::format("deletion is denied{}", by_rule));
      if (!rule && !is_branch && !is_tag) return refuse("no ref rule covers this ref");
      d.ok = true;
      d.message = "deleted";
      return d;
    }
    if (!u.old_id.is_zero() && rule && rule->immutable.value_or(false))
      return refuse(fmt::format("{} is immutable and cannot be moved{}", u.ref, by_rule));
    if (!rule && !is_branch && !is_tag)
      return refuse("no ref rule covers this ref (only branches and tags are accepted by default)");

    auto type = repo_.object_type(u.new_id);
    if (!type) return type.error();
    if (*type != "commit" && *type != "tag") return refuse(fmt::format("{} points at a {}, not a commit", u.ref, *type));
    auto commit = repo_.peel_to_commit(u.new_id);
    if (!commit) return refuse(commit.error().message);

    if (!u.old_id.is_zero() && (is_policy_branch || (rule && rule->fast_forward_only.value_or(false)))) {
      auto old_commit = repo_.peel_to_commit(u.old_id);
      if (!old_commit) return old_commit.error();
      if (*old_commit != *commit) {
        auto ff = repo_.descendant_of(*commit, *old_commit);
        if (!ff) return ff.error();
        if (!*ff)
          return refuse(fmt::format("non-fast-forward update refused ({} is not a descendant of {}){}",
                                    commit->short_hex(), old_commit->short_hex(),
                                    is_policy_branch ? " (the policy branch)" : by_rule));
      }
    }
    if (rule && rule->verify == false && !is_policy_branch) {
      d.ok = true;
      d.message = fmt::format("not verified{}", by_rule);
      return d;
    }
    std::string signed_note;
    if (rule && !rule->signed_by.names.empty()) {
      auto judged = tag_signed_by(repo_, verifier_, u.new_id, u.ref, rules_, *rule);
      if (!judged) return judged.error();
      if (!judged->problem.empty()) return refuse(judged->problem);
      signed_note = fmt::format(", tag signed by {}", judged->signer);
    }
    if (is_policy_branch) {
      // Every later push takes its ref rules from this tip: an invalid
      // policy here would refuse them all, and no commit could follow it.
      auto next_rules = verifier_.policy_at(*commit);
      if (!next_rules)
        return refuse(fmt::format("the policy branch's new tip {} carries an invalid policy: {}; every later push "
                                  "takes its ref rules from there, fix the policy and push again",
                                  commit->short_hex(), next_rules.error().message));
    }
    return authenticate(u, *commit, signed_note, d);
  }

 private:
  Result<RefDecision> authenticate(const RefUpdate& u, const ObjectId& commit, const std::string& note, RefDecision& d) {
    VerifyRequest req;
    req.anchor = anchor_;
    req.target = commit;
    req.check_known_good = false;  // tips this server verified or accepted itself
    if (!u.old_id.is_zero()) {
      auto old_commit = repo_.peel_to_commit(u.old_id);
      if (old_commit) {
        req.known_good.push_back(*old_commit);
        req.previous_tip = *old_commit;  // merges are judged from the branch's side
      }
    }
    if (policy_tip_) {
      req.known_good.push_back(*policy_tip_);
      // What the policy branch revokes is refused on every branch: a
      // revoked key forking from before its removal lands nothing.
      req.revocations_from.push_back(*policy_tip_);
    }
    for (const auto& a : options_.accepted)
      if (repo_.object_type(a).ok()) req.known_good.push_back(a);
    req.approval_notes = approval_notes_;
    auto report = verifier_.verify(req);
    if (!report) return report.error();
    if (!report->authenticated) {
      d.ok = false;
      d.message = refusal_reason(*report);
      d.rule = refusal_rule(*report);
      return d;
    }
    d.ok = true;
    size_t n = report->verdicts.size();
    d.message = fmt::format("{} new commit{} authenticated{}", n, n == 1 ? "" : "s", note);
    return d;
  }

  const Repository& repo_;
  const Anchor& anchor_;
  const PushCheckOptions& options_;
  const Policy& rules_;
  std::optional<ObjectId> policy_tip_;
  Verifier& verifier_;
  std::vector<ObjectId> approval_notes_;
  std::optional<std::string> notes_problem_;  // why this push's update of refs/notes/warden is refused
};

}  // namespace

PushChecker::PushChecker(const Repository& repo, Anchor anchor, PushCheckOptions options)
    : repo_(repo), anchor_(std::move(anchor)), options_(std::move(options)) {}

Result<std::vector<RefDecision>> PushChecker::check(const std::vector<RefUpdate>& updates) {
  // The ref rules: the policy branch's policy before the push, or the
  // anchor's for the first push to an empty repository.
  auto tip = repo_.ref_target(options_.policy_branch);
  if (!tip) return tip.error();
  std::optional<ObjectId> policy_tip;
  if (*tip) {
    auto commit = repo_.peel_to_commit(**tip);
    if (!commit) return make_error(fmt::format("policy branch {}: {}", options_.policy_branch, commit.error().message));
    policy_tip = *commit;
  }
  const ObjectId& rules_commit = policy_tip ? *policy_tip : anchor_.commit;
  // One verifier for the whole push: the rules' policy and every pushed
  // commit's policies come from its store, each file parsed once.
  Verifier verifier(repo_);
  auto rules = verifier.policy_at(rules_commit);
  if (!rules)
    return make_error(fmt::format("cannot read the ref rules from {}: {}",
                                  policy_tip ? "policy branch " + options_.policy_branch : std::string("the anchor"),
                                  rules.error().message));

  // Approvals: those on the server, and those this push adds (a notes
  // update that is itself acceptable).
  std::vector<ObjectId> approval_notes;
  auto notes_tip = repo_.ref_target(kApprovalNotesRef);
  if (!notes_tip) return notes_tip.error();
  if (*notes_tip) approval_notes.push_back(**notes_tip);
  // Each update is judged once. git sends one per ref; should the input
  // hold several, one refused refuses them all and none counts.
  std::optional<std::string> notes_problem;
  std::vector<ObjectId> pushed_notes;
  for (const auto& u : updates) {
    if (u.ref != kApprovalNotesRef) continue;
    auto problem = notes_update_problem(repo_, u);
    if (!problem) {
      // What it adds: only statements by the policy's keys are stored.
      auto added = server::added_statements_problem(repo_, u, **rules, policy_tip);
      if (!added) return added.error();
      problem = std::move(*added);
    }
    if (problem) {
      if (!notes_problem) notes_problem = std::move(problem);
    } else {
      pushed_notes.push_back(u.new_id);
    }
  }
  if (!notes_problem) approval_notes.insert(approval_notes.end(), pushed_notes.begin(), pushed_notes.end());
  RefChecker checker(repo_, anchor_, options_, verifier, **rules, policy_tip, std::move(approval_notes),
                     std::move(notes_problem));
  std::vector<RefDecision> out;
  for (const auto& u : updates) {
    auto d = checker.decide(u);
    if (!d) {
      out.push_back(RefDecision{u.ref, false, d.error().message, "error"});
      continue;
    }
    out.push_back(std::move(*d));
  }
  return out;
}

}  // namespace warden
