// A run of policy mode (DESIGN section 3) over anchor..target, in the
// contract's order:
//   1. the whole-run checks: git shows the history that is verified
//      (history_checks), the anchor is signed by the anchor key and
//      carries a valid policy, the target and known-good commits descend
//      from it (anchor_checks);
//   2. the commits of anchor..target (less what is known good), parents
//      first, each judged by the per-commit rules (rules.cpp), then by
//      revocation (section 6a, revocations.cpp);
//   3. when the target's own policy revokes a key that signed a commit
//      of the run, the run again with those revocations.
#include "warden/verifier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "verify/anchor_checks.hpp"
#include "verify/approvals.hpp"
#include "verify/engine.hpp"
#include "verify/history_checks.hpp"
#include "verify/mainline.hpp"
#include "verify/revocations.hpp"
#include "verify/rules.hpp"
#include "verify/signer.hpp"
#include "verify/verifier_state.hpp"

namespace warden {

Verifier::Verifier(const GitReads& repo) : state_(std::make_unique<State>(repo)) {}
Verifier::~Verifier() = default;

namespace {

using verify::MaybeRunRefusal;

class Run {
 public:
  Run(const GitReads& repo, verify::CommitFacts& facts, verify::PolicyStore& policies, const VerifyRequest& req)
      : repo_(repo), facts_(facts), policies_(policies), req_(req), verifications_before_(facts.verifications()),
        policies_before_(policies.files_parsed()), known_good_(known_good_of(req)),
        revocations_(repo, policies, known_good_),
        approvals_(repo, facts, req.approval_notes,
                   [this](const std::string& fpr, const ObjectId& subject) { return revoked(fpr, subject); }),
        mainline_(repo, facts, req.previous_tip),
        rules_(repo, facts, policies, approvals_, mainline_, req.anchor.commit, known_good_,
               req.audit_policy != nullptr) {
    policies_.fix(req.audit_policy);
    rules_.check_revocations_with([this](const std::string& fpr, const ObjectId& c) { return revoked(fpr, c); });
    rules_.judge_merges_on_bounds(req.merge_bounds);
  }
  ~Run() { policies_.fix(nullptr); }
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  Result<VerifyReport> run() {
    if (req_.audit_policy) return audit();
    VerifyReport report;
    const ObjectId& anchor = req_.anchor.commit;

    // 1. Whole-run checks: git must show the history that is verified;
    // the anchor.
    auto altered = verify::history_altered(repo_, req_.target);
    if (!altered) return altered.error();
    if (*altered) return refused(report, **altered);
    auto anchor_refused = verify::anchor_refusal(facts_, policies_, req_.anchor, req_.anchor_signature_checked);
    if (!anchor_refused) return anchor_refused.error();
    if (*anchor_refused) return refused(report, **anchor_refused);
    auto anchor_policy = policies_.at(anchor);
    if (!anchor_policy) return anchor_policy.error();

    // Target and known-good commits descend from the anchor. With
    // known-good commits, a target that has commits to check needs no walk
    // down to the anchor: the rules accept a commit only if its mainline
    // parent is authenticated, so an accepted target descends from it.
    if (req_.check_known_good) {
      for (const ObjectId& c : req_.known_good) {
        auto d = verify::descent_refusal(repo_, facts_, c, anchor, "known-good commit");
        if (!d) return d.error();
        if (*d) return refused(report, **d);
      }
    }
    // With no known-good commit, the walk down to the anchor that answers
    // this for the target is left until the run refuses a commit or ends
    // without a commit whose parent is the anchor (see check_descent): a
    // target that does not descend from the anchor always leaves one of
    // the two, and an audit that passes needs no second walk of its history.
    bool target_trusted = known_good_.count(req_.target) > 0;
    descent_deferred_ = !target_trusted && req_.known_good.empty();

    // 2. The commits to check, parents first. Known-good commits descend
    // from the anchor (checked above, or the caller vouches), so they hide
    // it too: one hidden commit is the common case (a push on top of the
    // tip), walked without generation numbers.
    std::vector<ObjectId> hidden = req_.known_good;
    if (hidden.empty()) hidden.push_back(anchor);
    auto commits = repo_.walk({req_.target}, hidden);
    if (!commits) return commits.error();
    if (!req_.known_good.empty() && std::find(commits->begin(), commits->end(), anchor) != commits->end()) {
      // A known-good commit the anchor does not descend from (a pin from
      // before the anchor was moved on): the anchor hides its history too.
      hidden.push_back(anchor);
      commits = repo_.walk({req_.target}, hidden);
      if (!commits) return commits.error();
    }
    if (commits->empty() && !target_trusted) {  // also when descent is deferred
      // Reachable from a known-good commit: authenticated or pre-anchor.
      auto d = verify::descent_refusal(repo_, facts_, req_.target, anchor, "target");
      if (!d) return d.error();
      if (*d) return refused(report, **d);
    }
    // OpenPGP signatures checked up front are checked against the
    // certificates of the anchor's policy: the policies the commits carry
    // are not authenticated yet, so they are not read (a commit whose
    // signer's certificate only a later policy holds is checked when the
    // rules reach it).
    const Policy* anchor_keys = (*anchor_policy)->policy.get();
    auto keys_for = [&](const CommitData&) -> Result<const Policy*> { return anchor_keys; };
    WARDEN_TRY_STATUS(revocations_.load(req_.revocations_from));
    auto record = [&](const ObjectId& c) { return judge(c); };
    verify::RunOptions options = run_options(anchor_keys);
    options.may_vouch = [&] { return may_vouch(*commits); };
    report_ = &report;
    auto ran = verify::check_commits(facts_, *commits, options, keys_for, record, report);
    if (ran && descent_deferred_ && !anchor_is_a_parent_ && !commits->empty())
      WARDEN_TRY_STATUS(check_descent());
    if (not_descendant_) {
      VerifyReport refused_run;
      return refused(refused_run, *not_descendant_);
    }
    if (!ran) return ran.error();

    // 3. The target's own revocations.
    if (report.authenticated) {
      auto again = target_revokes_a_signer();
      if (!again) return again.error();
      rerun_with_target_revocations = *again;
    }
    return finish(report);
  }

  // verify --policy: the auditor's policy judges every commit reachable
  // from the target and not from a known-good one; git must still show the
  // history that is verified. No anchor, no descent to check.
  Result<VerifyReport> audit() {
    VerifyReport report;
    auto altered = verify::history_altered(repo_, req_.target);
    if (!altered) return altered.error();
    if (*altered) return refused(report, **altered);
    auto commits = repo_.walk({req_.target}, req_.known_good);
    if (!commits) return commits.error();
    const Policy* keys = req_.audit_policy.get();
    auto keys_for = [&](const CommitData&) -> Result<const Policy*> { return keys; };
    auto record = [&](const ObjectId& c) -> Result<Verdict> {
      auto v = judge(c);  // revocation by the audit policy included
      if (!v) return v;
      v->policy_commit.reset();  // no commit's policy was consulted: the auditor's was
      return v;
    };
    verify::RunOptions options = run_options(keys);
    options.may_vouch = [&]() -> Result<bool> { return req_.audit_policy->signed_merges_vouch; };
    report_ = &report;
    WARDEN_TRY_STATUS(verify::check_commits(facts_, *commits, options, keys_for, record, report));
    return finish(report);
  }

  // The request's options for check_commits; the work ahead guesses with
  // `keys` (the anchor's or the auditor's policy, null: none) where a
  // merge's bound will do.
  verify::RunOptions run_options(const Policy* keys) {
    verify::RunOptions options;
    options.keep_going = req_.keep_going;
    options.parallel_from = req_.parallel_from;
    options.progress = req_.progress;
    options.ahead_batch = req_.ahead_batch;
    options.keep_behind = req_.keep_behind;
    options.reopen_every = req_.reopen_every;
    if (req_.merge_bounds && keys != nullptr)
      options.bound_enough = [this, keys](const CommitSignature& sig, const TreeChanges& bound) {
        return verify::bound_would_pass(*keys, sig, bound, facts_);
      };
    return options;
  }

  // A key the auditor's policy revokes signs nothing.
  void refuse_if_revoked(Verdict& v) {
    if (v.key_fingerprint.empty()) return;
    const Revocation* r = verify::by_any_name(v.key_fingerprint, v.key_aliases, [&](const std::string& name) {
      return req_.audit_policy->revocation_of(name);
    });
    if (r == nullptr) return;
    std::string why = fmt::format("signed by {}, which the audit policy revokes{}", v.key_fingerprint,
                                  r->reason.empty() ? "" : " (" + r->reason + ")");
    v = verify::refuse(std::move(v), Rule::revocation, std::move(why));
  }

  // Whether a merge among `commits` could vouch for anything: only under a
  // policy that says merges.vouch: signed, which is the policy of an
  // authenticated mainline parent: the anchor's, a known-good commit's,
  // or one a commit of the run brings by changing .warden/ (read as tree
  // ids, never parsed: unauthenticated policies are not read). Without a
  // vouching policy a run stops at the first refusal, as before vouching
  // existed, whoever pushed. Cheap where it matters: one look per commit.
  Result<bool> may_vouch(const std::vector<ObjectId>& commits) {
    std::vector<ObjectId> known = req_.known_good;
    known.push_back(req_.anchor.commit);
    known.insert(known.end(), req_.revocations_from.begin(), req_.revocations_from.end());
    for (const ObjectId& c : known) {
      auto at = policies_.at(c);
      if (!at) return at.error();
      if ((*at)->policy && (*at)->policy->signed_merges_vouch) return true;
    }
    // Each commit's .warden/ tree, looked up once (a commit is a parent of
    // the next, mostly).
    std::unordered_map<ObjectId, std::optional<ObjectId>, ObjectIdHash> dirs;
    auto policy_dir = [&](const ObjectId& c) -> Result<std::optional<ObjectId>> {
      if (auto it = dirs.find(c); it != dirs.end()) return it->second;
      auto data = facts_.commit(c);
      if (!data) return data.error();
      auto dir = repo_.entry_id((*data)->tree, kPolicyDir);
      if (!dir) return dir.error();
      return dirs.emplace(c, *dir).first->second;
    };
    for (const ObjectId& c : commits) {
      auto data = facts_.commit(c);
      if (!data) return data.error();
      auto mine = policy_dir(c);
      if (!mine) return mine.error();
      for (const ObjectId& p : (*data)->parents) {
        auto theirs = policy_dir(p);
        if (!theirs) return theirs.error();
        if (*theirs != *mine) return true;
      }
    }
    return false;
  }

  // Whether a revoked key signs nothing that counts in `c`: by the audit
  // policy in an audit (no landing: always), else by the revocations the
  // run loaded.
  bool revoked(const std::string& fingerprint, const ObjectId& c) {
    if (req_.audit_policy) return req_.audit_policy->revocation_of(fingerprint) != nullptr;
    return revocations_.revoked_for(fingerprint, c);
  }

  // Set by run(): a key the target's policy revokes signed a commit of the
  // run, which must be made again with the target as revocations_from.
  bool rerun_with_target_revocations = false;
  // Mainline parents chosen in this run (merges only), for the next.
  verify::MainlineChoices mainlines;
  // The mainline parents an earlier run over the same range chose.
  void use_mainlines(const verify::MainlineChoices* m) { revocations_.use_mainlines(m); }

 private:
  static std::unordered_set<ObjectId, ObjectIdHash> known_good_of(const VerifyRequest& req) {
    std::unordered_set<ObjectId, ObjectIdHash> known{req.anchor.commit};
    known.insert(req.known_good.begin(), req.known_good.end());
    return known;
  }

  // One commit: the rules, then revocation; recorded for the commits after it.
  Result<Verdict> judge(const ObjectId& c) {
    auto v = rules_.check(c);
    if (!v) return v;
    if (v->mainline != 0) mainlines[c] = v->mainline;
    WARDEN_TRY_STATUS(revocations_.apply(c, *v, req_.target_revocations));
    // Before the merge's vouching lands anything: a merge whose own
    // signer the audit policy revokes vouches for nothing.
    if (req_.audit_policy && v->ok()) refuse_if_revoked(*v);
    rules_.record(c, *v);
    land_vouched(c, *v);
    WARDEN_TRY_STATUS(mainline_.note(c));
    if (descent_deferred_) {
      auto data = facts_.commit(c);
      if (!data) return data.error();
      for (const auto& p : (*data)->parents) anchor_is_a_parent_ = anchor_is_a_parent_ || p == req_.anchor.commit;
      if (!v->ok() && !not_descendant_) {
        WARDEN_TRY_STATUS(check_descent());
        if (not_descendant_) return make_error(not_descendant_->reason);  // ends the run; reported by run()
      }
    }
    return v;
  }

  // The commits an accepted merge vouched for (merges.vouch) are accepted
  // in the report, saying by which merge; they stay refused for anything
  // else (a branch that builds on them is judged on its own).
  void land_vouched(const ObjectId& merge, const Verdict& v) {
    auto vouched = rules_.take_vouched();
    index_[merge] = report_->verdicts.size();  // where check_commits puts v
    if (!v.ok()) return;
    for (const auto& [b, fingerprint] : vouched) {
      auto it = index_.find(b);
      if (it == index_.end() || it->second >= report_->verdicts.size()) continue;
      Verdict& was = report_->verdicts[it->second];
      was.refusal.reset();
      was.vouched_by = merge;
      was.vouchable = was.inherited = false;
      was.key_fingerprint = fingerprint;  // as the merge's policy resolved it (a subkey's primary key)
      // Accepted now, so judged by revocation as any accepted commit (and
      // its key noted, for the target's own revocations).
      if (auto s = revocations_.apply(b, was, req_.target_revocations); !s)
        was.refusal = Refusal{Rule::revocation, s.error().message, ""};  // fail closed
    }
  }

  // Walks down to the anchor from the target (once) and notes the refusal
  // if the target does not descend from it.
  Status check_descent() {
    if (descent_checked_) return Status::success();
    descent_checked_ = true;
    auto d = verify::descent_refusal(repo_, facts_, req_.target, req_.anchor.commit, "target");
    if (!d) return d.error();
    not_descendant_ = std::move(*d);
    return Status::success();
  }

  // Whether the target's policy revokes a key that signed a commit of
  // this (authenticated) run.
  Result<bool> target_revokes_a_signer() {
    if (!req_.target_revocations) return false;
    for (const ObjectId& from : req_.revocations_from)
      if (from == req_.target) return false;
    auto at = policies_.at(req_.target);
    if (!at) return at.error();
    // What a policy git cannot give revokes is unknown: fail closed.
    if ((*at)->unreadable)
      return make_error(fmt::format("the target's policy, which says which keys are revoked, cannot be read: {}",
                                    (*at)->problem));
    const Policy* policy = (*at)->policy.get();
    return policy != nullptr && revocations_.revokes_a_signer(*policy);
  }

  Result<VerifyReport> refused(VerifyReport& report, RunRefusal why) {
    return finish(verify::refuse_run(report, std::move(why)));
  }
  Result<VerifyReport> finish(VerifyReport& report) {
    return verify::finish(report, facts_, verifications_before_, policies_.files_parsed() - policies_before_);
  }

  const GitReads& repo_;
  verify::CommitFacts& facts_;
  verify::PolicyStore& policies_;
  const VerifyRequest& req_;
  size_t verifications_before_;  // this Verifier's count when the run began
  size_t policies_before_;
  const std::unordered_set<ObjectId, ObjectIdHash> known_good_;  // the anchor and req_.known_good
  verify::Revocations revocations_;
  verify::ApprovalBook approvals_;  // after revocations_, which it reads
  verify::Mainline mainline_;
  verify::PolicyRules rules_;
  bool descent_deferred_ = false;
  bool anchor_is_a_parent_ = false;
  bool descent_checked_ = false;  // the target's walk down to the anchor was done
  MaybeRunRefusal not_descendant_;  // set when the deferred walk refuses the target
  VerifyReport* report_ = nullptr;  // the report check_commits fills
  std::unordered_map<ObjectId, size_t, ObjectIdHash> index_;  // each checked commit's verdict in it
};

}  // namespace

Result<VerifyReport> Verifier::verify(const VerifyRequest& request) {
  Run run(state_->repo, state_->facts, state_->policies, request);
  auto report = run.run();
  if (!report || !run.rerun_with_target_revocations) return report;
  // A key the target's policy revokes signed a commit of the run: judge
  // the run again with those revocations (rare; see VerifyRequest).
  VerifyRequest again = request;
  again.revocations_from.push_back(request.target);
  again.target_revocations = false;
  Run second(state_->repo, state_->facts, state_->policies, again);
  second.use_mainlines(&run.mainlines);
  return second.run();
}

}  // namespace warden
