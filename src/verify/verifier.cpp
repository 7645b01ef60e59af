// The verification rules of DESIGN section 3, in the contract's order:
//   1. the anchor: signed by the anchor key, carrying a valid policy;
//   2. the target descends from the anchor;
//   3. the commits of anchor..target (less what is known good), parents
//      first, each with parents that are the anchor, authenticated, or
//      pre-anchor history;
//   4. a single-parent commit under its parent's policy;
//   5. a merge: its own changes (rule 1) and what it brings in (rule 2),
//      both from the side of its mainline parent: the one through which
//      the branch's previous tip is reached, not the one listed first.
#include "warden/verifier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "verify/approvals.hpp"
#include "verify/build_agreement.hpp"
#include "verify/authorization.hpp"
#include "verify/commit_facts.hpp"
#include "verify/engine.hpp"
#include "verify/history_checks.hpp"
#include "verify/policy_store.hpp"
#include "verify/signer.hpp"

namespace warden {

using verify::authorize;
using verify::identify;
using verify::PolicyAt;
using verify::refuse;
using verify::refuse_run;
using verify::Signer;

namespace {

enum class ParentState { authenticated, failed, pre_anchor };

// Why a run is refused as a whole; nothing when it is not.
using Why = std::optional<std::string>;


}  // namespace

struct Verifier::State {
  explicit State(const Repository& r) : repo(r), facts(r), policies(r, facts) {}
  const Repository& repo;
  verify::CommitFacts facts;
  verify::PolicyStore policies;
};

Verifier::Verifier(const Repository& repo) : state_(std::make_unique<State>(repo)) {}
Verifier::~Verifier() = default;

namespace {

// One run of the rules over anchor..target.
class Run {
 public:
  Run(const Repository& repo, verify::CommitFacts& facts, verify::PolicyStore& policies, const VerifyRequest& req)
      : repo_(repo), facts_(facts), policies_(policies), req_(req), verifications_before_(facts.verifications()),
        policies_before_(policies.files_parsed()),
        approvals_(repo, facts, req.approval_notes,
                   [this](const std::string& fpr, const ObjectId& subject) { return revoked_for(fpr, subject); }) {
    known_good_.insert(req.anchor.commit);
    known_good_.insert(req.known_good.begin(), req.known_good.end());
  }

  Result<VerifyReport> run() {
    VerifyReport report;
    const ObjectId& anchor = req_.anchor.commit;

    // git must show the history that is verified: no replace ref or graft
    // may touch it, and a shallow clone lacks part of it.
    auto altered = verify::history_altered(repo_, req_.target);
    if (!altered) return altered.error();
    if (*altered) {
      return finish(refuse_run(report, **altered));
    }

    // 1. The anchor.
    auto anchor_data = facts_.commit(anchor);
    if (!anchor_data) return anchor_data.error();
    std::string anchor_name = fmt::format("{} \"{}\"", anchor.short_hex(), (*anchor_data)->summary);
    if (!req_.anchor_signature_checked) {
      auto problem = anchor_signature_problem();
      if (!problem) return problem.error();
      if (*problem) {
        return finish(refuse_run(report, fmt::format("anchor commit {} is not signed by the anchor key {} ({})", anchor_name,
                                     req_.anchor.fingerprint, **problem)));
      }
    }
    auto anchor_policy = policies_.at(anchor);
    if (!anchor_policy) return anchor_policy.error();
    if (!(*anchor_policy)->policy) {
      return finish(refuse_run(report, (*anchor_policy)->problem.empty()
                           ? fmt::format("anchor commit {} carries no policy ({})", anchor_name, kPolicyPath)
                           : fmt::format("anchor commit {} carries an invalid policy: {}", anchor_name,
                                         (*anchor_policy)->problem)));
    }

    // 2. Target and known-good commits descend from the anchor. With
    // known-good commits, a target that has commits to check needs no walk
    // down to the anchor: the rules below accept a commit only if its first
    // parent is authenticated, so an accepted target descends from it.
    if (req_.check_known_good) {
      for (const ObjectId& c : req_.known_good) {
        auto d = descends(c, "known-good commit");
        if (!d) return d.error();
        if (*d) {
          return finish(refuse_run(report, **d));
        }
      }
    }
    // With no known-good commit, the walk down to the anchor that answers
    // this for the target is left until the run refuses a commit or ends
    // without a commit whose parent is the anchor (see check_descent): a
    // target that does not descend from the anchor always leaves one of
    // the two, and an audit that passes needs no second walk of its history.
    bool target_trusted = known_good_.count(req_.target) > 0;
    const bool descent_deferred = !target_trusted && req_.known_good.empty();

    // 3. The commits to check, parents first.
    // Known-good commits descend from the anchor (checked above, or the
    // caller vouches), so they hide it too: one hidden commit is the
    // common case (a push on top of the tip), walked without generation
    // numbers.
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
    if (commits->empty() && !target_trusted) {  // also when descent_deferred
      // Reachable from a known-good commit: authenticated or pre-anchor.
      auto d = descends(req_.target, "target");
      if (!d) return d.error();
      if (*d) {
        return finish(refuse_run(report, **d));
      }
    }
    // OpenPGP signatures checked up front are checked against the
    // certificates of the anchor's policy: the policies the commits carry
    // are not authenticated yet, so they are not read (a commit whose
    // signer's certificate only a later policy holds is checked when the
    // rules reach it).
    const Policy* anchor_keys = (*anchor_policy)->policy.get();
    auto keys_for = [&](const CommitData&) -> Result<const Policy*> { return anchor_keys; };
    WARDEN_TRY_STATUS(load_revocations());
    bool anchor_is_a_parent = false;
    std::optional<std::string> not_descendant;  // set when the deferred walk refuses the target
    auto record = [&](const ObjectId& c) -> Result<Verdict> {
      auto v = check(c);
      if (!v) return v;
      if (v->mainline != 0) mainlines[c] = v->mainline;
      WARDEN_TRY_STATUS(apply_revocations(c, *v));
      if (!v->ok) own_ok_under_.erase(c);
      status_[c] = v->ok;
      WARDEN_TRY_STATUS(note_reach(c));
      if (descent_deferred) {
        auto data = facts_.commit(c);
        if (!data) return data.error();
        for (const auto& p : (*data)->parents) anchor_is_a_parent = anchor_is_a_parent || p == anchor;
        if (!v->ok && !not_descendant) {
          auto d = check_descent(not_descendant);
          if (!d) return d.error();
          if (not_descendant) return make_error(*not_descendant);  // ends the run; reported below
        }
      }
      return v;
    };
    verify::RunOptions options{req_.keep_going, req_.parallel_from, req_.progress,
                               /*changes_ahead=*/true, req_.ahead_batch, req_.keep_behind,
                               req_.reopen_every};
    auto ran = verify::check_commits(facts_, *commits, options, keys_for, record, report);
    if (ran && descent_deferred && !anchor_is_a_parent && !commits->empty())
      WARDEN_TRY_STATUS(check_descent(not_descendant));
    if (not_descendant) {
      VerifyReport refused;
      return finish(refuse_run(refused, *not_descendant));
    }
    if (!ran) return ran.error();
    if (report.authenticated) {
      auto again = target_revokes_a_signer();
      if (!again) return again.error();
      rerun_with_target_revocations = *again;
    }
    return finish(report);
  }

  // Set by run(): a key the target's policy revokes signed a commit of the
  // run, which must be made again with the target as revocations_from.
  bool rerun_with_target_revocations = false;
  // Mainline parents chosen in this run (merges only), for the next.
  std::unordered_map<ObjectId, size_t, ObjectIdHash> mainlines;
  // The mainline parents an earlier run over the same range chose.
  void use_mainlines(const std::unordered_map<ObjectId, size_t, ObjectIdHash>* m) { req_mainlines_ = m; }

 private:
  // The keys revoked by revocations_from's policy, indexed.
  Status load_revocations() {
    for (const ObjectId& from : req_.revocations_from) {
      auto at = policies_.at(from);
      if (!at) return at.error();
      if (!(*at)->policy) continue;
      revoking_policies_.push_back((*at)->policy);
      for (const auto& r : (*at)->policy->revoked)
        if (revoked_.emplace(r.fingerprint, &r).second) revoked_at_.emplace(r.fingerprint, from);
    }
    return Status::success();
  }

  // Refuses `v` if a revoked key signed it after the revocation landed;
  // notes which keys signed, for the target's own revocations.
  Status apply_revocations(const ObjectId& c, Verdict& v) {
    if (!v.ok || v.key_fingerprint.empty()) return Status::success();
    if (req_.target_revocations) signer_keys_.insert(v.key_fingerprint);
    auto it = revoked_.find(v.key_fingerprint);
    if (it == revoked_.end()) return Status::success();
    auto landed = landing_of(v.key_fingerprint);
    if (!landed) return landed.error();
    if ((*landed)->before.count(c)) return Status::success();
    v = refuse(std::move(v), "revocation",
               fmt::format("signed by a revoked key ({}), after the revocation landed in {}", it->second->reason,
                           (*landed)->revoking.short_hex()));
    return Status::success();
  }

  // Whether a key revoked by revocations_from signs nothing that counts
  // about `subject`: statements about history from before the revocation
  // landed still count (DESIGN section 6); an error is a yes.
  bool revoked_for(const std::string& fingerprint, const ObjectId& subject) {
    if (!revoked_.count(fingerprint)) return false;
    auto landed = landing_of(fingerprint);
    return !landed || (*landed)->before.count(subject) == 0;
  }

  // Where the revocation of a key landed: the oldest commit on
  // revocations_from's mainline whose policy revokes it, and the commits
  // of this run that were history before it (ancestors of its parents).
  struct Landing {
    ObjectId revoking;
    std::unordered_set<ObjectId, ObjectIdHash> before;
  };
  Result<const Landing*> landing_of(const std::string& fingerprint) {
    if (auto it = landings_.find(fingerprint); it != landings_.end()) return &it->second;
    ObjectId revoking = revoked_at_.at(fingerprint);
    std::vector<ObjectId> parents;
    for (;;) {
      auto data = repo_.read_commit(revoking);
      if (!data) return data.error();
      parents = data->parents;
      if (parents.empty()) break;
      size_t mainline = 0;  // authenticated history: the first parent, unless a run chose another
      if (req_mainlines_) {
        if (auto m = req_mainlines_->find(revoking); m != req_mainlines_->end()) mainline = m->second;
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

  // Whether the target's policy revokes a key that signed a commit of
  // this (authenticated) run.
  Result<bool> target_revokes_a_signer() {
    if (!req_.target_revocations || signer_keys_.empty()) return false;
    for (const ObjectId& from : req_.revocations_from)
      if (from == req_.target) return false;
    auto at = policies_.at(req_.target);
    if (!at) return at.error();
    const Policy* policy = (*at)->policy.get();
    if (!policy || policy->revoked.empty()) return false;
    for (const auto& r : policy->revoked)
      if (signer_keys_.count(r.fingerprint)) return true;
    return false;
  }

  Result<VerifyReport> finish(VerifyReport& report) {
    return verify::finish(report, facts_, verifications_before_, policies_.files_parsed() - policies_before_);
  }

  // Nothing if the anchor commit is signed by the anchor key, else what it
  // is signed with instead. An OpenPGP anchor key's certificate is the one
  // the anchor commit carries (its fingerprint, learned out of band, pins it).
  Result<Why> anchor_signature_problem() {
    auto sig_r = facts_.signature(req_.anchor.commit);
    if (!sig_r) return sig_r.error();
    const CommitSignature& sig = **sig_r;
    switch (sig.kind) {
      case SignatureKind::none: return Why("unsigned");
      case SignatureKind::bad:
      case SignatureKind::unsupported: return Why(sig.problem);
      case SignatureKind::ssh:
        if (sig.key->fingerprint() == req_.anchor.fingerprint) return Why();
        return Why(fmt::format("signed by {}", sig.key->fingerprint()));
      case SignatureKind::openpgp: {
        auto cert = policies_.certificate(req_.anchor.commit, req_.anchor.fingerprint);
        if (!cert) return Why(cert.error().message);
        if (!*cert || !(*cert)->has_key(sig.openpgp->issuer()))
          return Why(fmt::format("signed by OpenPGP key {}", sig.openpgp->issuer()));
        const OpenPgpCheck& check = facts_.openpgp_check(*sig.openpgp, **cert);
        if (!check.good()) return Why(fmt::format("bad signature: {}", check.problem));
        return Why();
      }
    }
    return Why("unsigned");
  }

  // Walks down to the anchor from the target (once) and sets `refusal`
  // if the target does not descend from it.
  Status check_descent(std::optional<std::string>& refusal) {
    if (descent_checked_) return Status::success();
    descent_checked_ = true;
    auto d = descends(req_.target, "target");
    if (!d) return d.error();
    if (*d) refusal = **d;
    return Status::success();
  }

  // Nothing if `c` is the anchor or descends from it, else the refusal.
  Result<Why> descends(const ObjectId& c, const char* what) {
    if (c == req_.anchor.commit) return Why();
    auto d = repo_.descendant_of(c, req_.anchor.commit);
    if (!d) return d.error();
    if (*d) return Why();
    auto data = facts_.commit(c);
    if (!data) return data.error();
    return Why(fmt::format("{} {} \"{}\" is not a descendant of the anchor {}", what, c.short_hex(), (*data)->summary,
                       req_.anchor.commit.short_hex()));
  }

  Result<ParentState> parent_state(const ObjectId& p) {
    if (auto it = status_.find(p); it != status_.end())
      return it->second ? ParentState::authenticated : ParentState::failed;
    // Not checked in this run, so reachable from the anchor or a known-good
    // commit: the anchor, a known-good commit, an authenticated commit
    // between them, or pre-anchor history.
    if (known_good_.count(p)) return ParentState::authenticated;
    if (known_good_.size() > 1) {
      auto d = repo_.descendant_of(p, req_.anchor.commit);
      if (!d) return d.error();
      if (*d) return ParentState::authenticated;
    }
    return ParentState::pre_anchor;
  }

  Verdict start(const ObjectId& c, const CommitData& data, const CommitSignature& sig) {
    Signer s = identify(sig, nullptr, facts_);
    Verdict v = verify::new_verdict(c, data, sig, s.description);
    v.key_fingerprint = s.fingerprint;
    return v;
  }

  // The verdict names the signer as the consulted policy knows it.
  static void describe(Verdict& v, const Signer& s) {
    v.signer = s.description;
    if (!s.fingerprint.empty()) v.key_fingerprint = s.fingerprint;
  }


  // The valid policy a commit's parent carries, or a refusal.
  Result<std::variant<const Policy*, Verdict>> policy_of_parent(const ObjectId& parent, Verdict& v) {
    auto at = policies_.at(parent);
    if (!at) return at.error();
    v.policy_commit = parent;
    if ((*at)->policy) return std::variant<const Policy*, Verdict>((*at)->policy.get());
    if (!(*at)->problem.empty())
      return std::variant<const Policy*, Verdict>(
          refuse(v, "policy", fmt::format("parent {} carries an invalid policy: {}", parent.short_hex(), (*at)->problem)));
    return std::variant<const Policy*, Verdict>(
        refuse(v, "policy", fmt::format("parent {} carries no policy ({})", parent.short_hex(), kPolicyPath)));
  }

  Result<Verdict> check(const ObjectId& c) {
    auto data_r = facts_.commit(c);
    if (!data_r) return data_r.error();
    const CommitData& data = **data_r;
    auto sig_r = facts_.signature(c);
    if (!sig_r) return sig_r.error();
    const CommitSignature& sig = **sig_r;
    Verdict v = start(c, data, sig);

    // Every parent: the anchor, authenticated, or pre-anchor history.
    if (data.parents.empty())
      return refuse(v, "ancestry", "root commit that does not descend from the anchor (unrelated history)");
    std::vector<ParentState> states;
    for (const auto& p : data.parents) {
      auto s = parent_state(p);
      if (!s) return s.error();
      if (*s == ParentState::failed)
        return verify::refuse_inherited(v, p.short_hex());
      states.push_back(*s);
    }
    auto mainline = mainline_of(data);
    if (!mainline) return mainline.error();
    v.mainline = *mainline;
    if (states[*mainline] == ParentState::pre_anchor)
      return refuse(v, "ancestry", fmt::format("parent {} predates the anchor and carries no trusted policy",
                                               data.parents[*mainline].short_hex()));

    if (sig.kind == SignatureKind::bad) return refuse(v, "signature", fmt::format("bad signature: {}", sig.problem));

    // Paths git refuses to check out, whoever signed.
    auto changes = facts_.own_changes(c);
    if (!changes) return changes.error();
    if (const auto& bad = (*changes)->refused_path)
      return refuse(v, "path", fmt::format("git refuses to check out {} ({})", *bad, (*changes)->refused_why), *bad);

    if (data.parents.size() == 1) return check_single(v, data);
    return check_merge(v, data, sig, states);
  }

  // A single-parent commit: every changed path allowed under policy(P).
  Result<Verdict> check_single(Verdict& v, const CommitData& data) {
    auto pol = policy_of_parent(data.parents[0], v);
    if (!pol) return pol.error();
    if (auto* refusal = std::get_if<Verdict>(&*pol)) return std::move(*refusal);
    const Policy& policy = *std::get<const Policy*>(*pol);
    auto sig = facts_.signature(data.id);
    if (!sig) return sig.error();
    Signer signer = identify(**sig, &policy, facts_);
    describe(v, signer);
    if (signer.bad) return refuse(v, "signature", fmt::format("bad signature: {}", signer.problem));
    auto paths = facts_.own_changes(data.id);
    if (!paths) return paths.error();
    if (auto r = authorize_commit(policy, signer, data, (*paths)->paths, &v)) return refuse(v, *r);
    own_ok_under_[data.id] = {&policy};
    v.ok = true;
    return v;
  }

  // What thresholds count for commit `c` under `policy`: its approvals,
  // read only if a threshold asks.
  verify::ApprovalContext approvals_of(const ObjectId& c, const Policy& policy) {
    return verify::ApprovalContext{
        [this, c, &policy]() -> const verify::FoundApprovals& { return approvals_.of_commit(c, policy); },
        {},
        [this, c, &policy]() -> const verify::FoundApprovals& { return approvals_.reviews_of(c, policy); }};
  }

  // Whether commit `data`, signed by `signer` (as `policy` knows it), may
  // make `paths` under `policy`, counting its approvals; or, for a
  // single-parent commit, whether a tree approval of its parent and tree
  // stands in for its signer (the forge's squash or rebase button). Notes
  // on `v` (if given) who approved.
  verify::MaybeRefusal authorize_commit(const Policy& policy, const Signer& signer, const CommitData& data,
                                        const std::vector<std::string>& paths, Verdict* v) {
    auto ctx = approvals_of(data.id, policy);
    auto refused = authorize(policy, signer, paths, &ctx);
    if (!refused) {
      if (v) v->approved_by.assign(ctx.counted.begin(), ctx.counted.end());
      return refused;
    }
    if (data.parents.size() != 1 || approvals_.empty() || refused->rule == "signature") return refused;
    const verify::FoundApprovals& tree = approvals_.of_tree(data.parents[0], data.tree, policy);
    if (tree.found == 0 && tree.rejected.empty()) return refused;
    std::string why_not;
    const verify::FoundApprovals& commit_approvals = ctx.approvals();
    for (const std::string& approver : tree.people) {
      // The approver as the signer; the other tree approvers and the
      // commit's own approvers as approvals.
      verify::FoundApprovals others = commit_approvals;
      for (const auto& p : tree.people)
        if (p != approver) others.people.insert(p);
      verify::ApprovalContext with{[&others]() -> const verify::FoundApprovals& { return others; }, {}, ctx.reviews};
      auto r = verify::may_change(policy, &approver, paths, false, &with);
      if (!r) {
        if (v) {
          v->tree_approved_by = approver;
          v->approved_by.assign(with.counted.begin(), with.counted.end());
          v->signer = fmt::format("{} (tree approval; commit {})", approver, v->signer);
        }
        return std::nullopt;
      }
      if (why_not.empty()) why_not = r->reason;
    }
    std::string note = tree.people.empty() ? "none counts" : fmt::format("by {}, which does not authorize it: {}",
                                                                          verify::names(tree.people), why_not);
    for (const auto& r : tree.rejected) note += fmt::format("; rejected: {}", r);
    refused->reason += fmt::format(" (tree approvals of parent {} and this tree: {})", data.parents[0].short_hex(), note);
    return refused;
  }

  // Whether `c` is the previous tip or descends from it. Commits of this
  // run are recorded as they are checked, parents first (note_reach), so
  // the answer for them is a look-up; others need a walk.
  Result<bool> reaches_previous_tip(const ObjectId& c) {
    const ObjectId& tip = *req_.previous_tip;
    if (c == tip) return true;
    if (auto it = reaches_.find(c); it != reaches_.end()) return it->second;
    auto d = repo_.descendant_of(c, tip);
    if (!d) return d.error();
    reaches_.emplace(c, *d);
    return *d;
  }

  // Records whether a commit of this run reaches the previous tip, from
  // its parents (already recorded or walked).
  Status note_reach(const ObjectId& c) {
    if (!req_.previous_tip) return Status::success();
    auto data = facts_.commit(c);
    if (!data) return data.error();
    bool reaches = c == *req_.previous_tip;
    for (const auto& p : (*data)->parents) {
      if (reaches) break;
      auto r = reaches_previous_tip(p);
      if (!r) return r.error();
      reaches = *r;
    }
    reaches_[c] = reaches;
    return Status::success();
  }

  // The index of `data`'s mainline parent (see VerifyRequest::previous_tip).
  Result<size_t> mainline_of(const CommitData& data) {
    if (data.parents.size() < 2 || !req_.previous_tip) return size_t{0};
    std::optional<size_t> found;
    for (size_t i = 0; i < data.parents.size(); ++i) {
      auto r = reaches_previous_tip(data.parents[i]);
      if (!r) return r.error();
      if (!*r) continue;
      if (found) return size_t{0};  // several parents reach it
      found = i;
    }
    return found.value_or(0);
  }

  // A merge: rule 1 (its own changes) and rule 2 (what it brings in), with
  // P1 the mainline parent.
  Result<Verdict> check_merge(Verdict& v, const CommitData& data, const CommitSignature& sig,
                              const std::vector<ParentState>& states) {
    const ObjectId& p1 = data.parents[v.mainline];
    auto pol1_r = policy_of_parent(p1, v);
    if (!pol1_r) return pol1_r.error();
    if (auto* refusal = std::get_if<Verdict>(&*pol1_r)) return std::move(*refusal);
    const Policy& pol1 = *std::get<const Policy*>(*pol1_r);
    Signer merge_signer = identify(sig, &pol1, facts_);
    describe(v, merge_signer);
    if (merge_signer.bad) return refuse(v, "signature", fmt::format("bad signature: {}", merge_signer.problem));
    const std::string* signer = merge_signer.person;
    auto own = facts_.own_changes(data.id);
    if (!own) return own.error();

    // Rule 1: the merge's own changes.
    std::vector<const Policy*> own_ok_under;
    if (signer != nullptr) {
      for (size_t i = 0; i < data.parents.size(); ++i) {
        if (states[i] == ParentState::pre_anchor) continue;
        auto at = policies_.at(data.parents[i]);
        if (!at) return at.error();
        if (!(*at)->policy) {
          if ((*at)->problem.empty()) continue;  // carries none: not consulted
          v.policy_commit = data.parents[i];
          return refuse(v, "policy", fmt::format("parent {} carries an invalid policy: {}",
                                                 data.parents[i].short_hex(), (*at)->problem));
        }
        const Policy& pol = *(*at)->policy;
        Signer in_parent = identify(sig, &pol, facts_);
        const std::string* who = in_parent.person;
        if (in_parent.bad) {
          v.policy_commit = data.parents[i];
          return refuse(v, "signature", fmt::format("bad signature under the policy of parent {}: {}",
                                                    data.parents[i].short_hex(), in_parent.problem));
        }
        if (who == nullptr) {
          v.policy_commit = data.parents[i];
          return refuse(v, "merge", fmt::format("the merge's signing key is not in the policy of parent {}",
                                                data.parents[i].short_hex()));
        }
        auto ctx = approvals_of(data.id, pol);
        if (auto r = authorize(pol, in_parent, (*own)->paths, &ctx)) {
          v.policy_commit = data.parents[i];
          r->reason = fmt::format("own change of the merge: {}", r->reason);
          return refuse(v, *r);
        }
        for (const auto& p : ctx.counted)
          if (std::find(v.approved_by.begin(), v.approved_by.end(), p) == v.approved_by.end()) v.approved_by.push_back(p);
        own_ok_under.push_back(&pol);
      }
      v.policy_commit = p1;
    } else {
      if (!pol1.unsigned_merges_allowed)
        return refuse(v, "merge", "unsigned merge, and the policy does not allow unsigned merges (merges.unsigned)");
      if (auto r = authorize(pol1, merge_signer, (*own)->paths)) {
        r->reason = fmt::format("an unsigned merge may only merge cleanly: {}", r->reason);
        r->rule = "merge";
        return refuse(v, *r);
      }
    }

    // Rule 2: everything brought in is allowed by policy(P1).
    std::vector<ObjectId> tips;
    for (size_t i = 0; i < data.parents.size(); ++i)
      if (i != v.mainline) tips.push_back(data.parents[i]);
    // P1 is authenticated, so it descends from the anchor: hiding it
    // hides the anchor too. A commit of this run whose own check already
    // authorized it under this same policy (its parent's or, for a signed
    // merge, a parent's) needs no second judgement: rule 2 asks exactly
    // what that check answered. So a merge costs what it brings in, never
    // re-reading or re-diffing what is behind its fork.
    auto brought = repo_.walk(tips, {p1});
    if (!brought) return brought.error();
    for (const ObjectId& b : *brought) {
      if (auto it = own_ok_under_.find(b); it != own_ok_under_.end() &&
                                           std::find(it->second.begin(), it->second.end(), &pol1) != it->second.end())
        continue;
      auto bsig = facts_.signature(b);
      if (!bsig) return bsig.error();
      auto bpaths = facts_.own_changes(b);
      if (!bpaths) return bpaths.error();
      Signer brought_signer = identify(**bsig, &pol1, facts_);
      auto bdata = facts_.commit(b);
      if (!bdata) return bdata.error();
      auto own_signer = authorize_commit(pol1, brought_signer, **bdata, (*bpaths)->paths, nullptr);
      if (!own_signer) continue;
      if (signer != nullptr) {
        auto ctx = approvals_of(data.id, pol1);
        if (!authorize(pol1, merge_signer, (*bpaths)->paths, &ctx)) continue;
      }
      return refuse(v, "merge", fmt::format("brings in {} \"{}\" ({}), which the policy of {} does not allow: {}",
                                            b.short_hex(), (*bdata)->summary, brought_signer.description,
                                            p1.short_hex(), own_signer->reason),
                    own_signer->path);
    }
    if (!own_ok_under.empty()) own_ok_under_[data.id] = std::move(own_ok_under);
    v.ok = true;
    return v;
  }

  const Repository& repo_;
  verify::CommitFacts& facts_;
  verify::PolicyStore& policies_;
  const VerifyRequest& req_;
  size_t verifications_before_;  // this Verifier's count when the run began
  size_t policies_before_;
  std::unordered_set<ObjectId, ObjectIdHash> known_good_;
  std::unordered_map<ObjectId, bool, ObjectIdHash> status_;
  std::unordered_map<ObjectId, bool, ObjectIdHash> reaches_;  // of the previous tip
  // Accepted commits of this run, and the policies under which their own
  // check authorized their own changes by their own signer (rule 2 reuses it).
  std::unordered_map<ObjectId, std::vector<const Policy*>, ObjectIdHash> own_ok_under_;
  std::vector<std::shared_ptr<const Policy>> revoking_policies_;  // revocations_from's
  std::unordered_map<std::string, const Revocation*> revoked_;  // by fingerprint
  std::unordered_map<std::string, ObjectId> revoked_at_;        // the commit whose policy revokes it
  std::unordered_map<std::string, Landing> landings_;           // by fingerprint
  std::unordered_set<std::string> signer_keys_;                 // that signed commits of the run
  const std::unordered_map<ObjectId, size_t, ObjectIdHash>* req_mainlines_ = nullptr;
  bool descent_checked_ = false;  // the target's walk down to the anchor was done (check_descent)
  verify::ApprovalBook approvals_;  // after revoked_, which it reads
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

Result<const Policy*> Verifier::policy_at(const ObjectId& commit) {
  auto at = state_->policies.at(commit);
  if (!at) return at.error();
  if ((*at)->policy) return (*at)->policy.get();
  if (!(*at)->problem.empty()) return make_error((*at)->problem);
  return make_error(fmt::format("{} carries no policy ({})", commit.short_hex(), kPolicyPath));
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
  // out, several signatures, carriage returns: bad).
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
