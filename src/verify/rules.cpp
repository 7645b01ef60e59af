// DESIGN section 3, the rules for one commit C, in the contract's order:
//   parents: each is the anchor, authenticated (in this run or before
//     it), or pre-anchor history; an unrelated root or a refused parent
//     refuses C; the mainline parent may not be pre-anchor history;
//   signature: a bad signature is always refused;
//   paths git refuses to check out refuse C, whoever signed it;
//   single parent P: every changed path allowed under policy(P) to C's
//     signer (section 2: .warden/ needs policy.who and its threshold,
//     unprotected paths nothing, others a grant and its threshold, then
//     review rules; section 6: approvals count, a tree approval may stand
//     in for the signer);
//   merge (P1 its mainline parent): 1. its own changes authorized, a
//     signed merge under every parent's policy, an unsigned one only
//     where policy(P1) allows unsigned merges and they are unprotected;
//     2. every brought-in commit allowed by policy(P1), by its own signer
//     or by the merge's; one that does not authenticate on its own lands
//     only when policy(P1) lets signed merges vouch (merges.vouch) and
//     the merge's signer may make its changes.
// Whole-run checks and revocation are applied around these (verifier.cpp).
#include "verify/rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <variant>

#include "verify/authorization.hpp"
#include "verify/engine.hpp"
#include "verify/signer.hpp"
#include "verify/tree_approvals.hpp"
#include "warden/path_pattern.hpp"

namespace warden::verify {

namespace {

// The verdict names the signer as the consulted policy knows it.
void describe(Verdict& v, const Signer& s) {
  v.signer = s.description;
  if (!s.fingerprint.empty()) v.key_fingerprint = s.fingerprint;
  v.key_aliases = s.aliases;
}

// The valid policy a commit's parent carries, or the refusal.
Result<std::variant<const Policy*, Verdict>> policy_of_parent(PolicyStore& policies, const ObjectId& parent,
                                                              Verdict& v) {
  using Out = std::variant<const Policy*, Verdict>;
  auto at = policies.at(parent);
  if (!at) return at.error();
  v.policy_commit = parent;
  if ((*at)->policy) return Out((*at)->policy.get());
  return Out(refuse(v, Rule::policy, no_valid_policy(**at, "parent " + parent.short_hex())));
}

}  // namespace

bool bound_would_pass(const Policy& policy, const CommitSignature& sig, const TreeChanges& bound, CommitFacts& facts) {
  if (bound.refused_path) return false;
  Signer signer = identify(sig, &policy, facts);
  if (signer.bad) return false;
  if (signer.person == nullptr && !policy.unsigned_merges_allowed) return true;  // refused whatever it changed
  return !authorize(policy, signer, bound.paths);
}

Result<CommitFacts::ChangesAtMost> PolicyRules::changes_at_most(const ObjectId& c) {
  if (bounds_) return facts_.changes_at_most(c);
  auto own = facts_.own_changes(c);
  if (!own) return own.error();
  return CommitFacts::ChangesAtMost{*own, true};
}

void PolicyRules::record(const ObjectId& c, Verdict& v) {
  status_[c] = v.ok();
  if (v.ok()) return;
  own_ok_under_.erase(c);
  // What a signed merge may vouch for (merges.vouch) is a commit that does
  // not authenticate on its own: from before the anchor, unsigned, by a
  // key or a person the policy does not let change it. Never a signature
  // that does not verify, a path git refuses, a revoked key's commit, or
  // what descends from one of those: a merge does not launder them.
  // Its own signature first: a commit refused for its parent may carry a
  // bad one too (the parent is judged before the signature).
  if (auto sig = facts_.signature(c); !sig || (*sig)->kind == SignatureKind::bad) return;
  bool vouchable = false;
  if (v.inherited) {
    auto it = inherited_from_.find(c);
    vouchable = it != inherited_from_.end() && vouchable_.count(it->second) > 0;
  } else {
    Rule r = v.refusal->rule;
    vouchable = r != Rule::signature && r != Rule::path && r != Rule::revocation;
  }
  if (!vouchable || by_any_name(v.key_fingerprint, v.key_aliases, [&](const std::string& k) { return revoked_(k, c); }))
    return;
  vouchable_.insert(c);
  v.vouchable = true;
}

Result<PolicyRules::ParentState> PolicyRules::parent_state(const ObjectId& p) {
  if (auto it = status_.find(p); it != status_.end())
    return it->second ? ParentState::authenticated
                      : vouchable_.count(p) ? ParentState::vouchable : ParentState::failed;
  // Not checked in this run, so reachable from the anchor or a known-good
  // commit: the anchor, a known-good commit, an authenticated commit
  // between them, or pre-anchor history.
  if (known_good_.count(p)) return ParentState::authenticated;
  // An audit checks everything the auditor did not set aside: a parent
  // outside the run is reachable from the A of A..B.
  if (audit_) return ParentState::authenticated;
  if (known_good_.size() > 1) {
    auto d = repo_.descendant_of(p, anchor_);
    if (!d) return d.error();
    if (*d) return ParentState::authenticated;
  }
  return ParentState::pre_anchor;
}

Result<Verdict> PolicyRules::check(const ObjectId& c) {
  auto data_r = facts_.commit(c);
  if (!data_r) return data_r.error();
  const CommitData& data = **data_r;
  auto sig_r = facts_.signature(c);
  if (!sig_r) return sig_r.error();
  const CommitSignature& sig = **sig_r;
  Signer nobody_yet = identify(sig, nullptr, facts_);
  Verdict v = new_verdict(c, data, sig, nobody_yet.description);
  v.key_fingerprint = nobody_yet.fingerprint;

  // Parents: the anchor, authenticated, or pre-anchor history. In an
  // audit a root commit is judged by the auditor's policy like any other.
  if (data.parents.empty() && !audit_)
    return refuse(v, Rule::ancestry, "root commit that does not descend from the anchor (unrelated history)");
  std::vector<ParentState> states;
  auto inherit = [&](const ObjectId& p) {
    inherited_from_[c] = p;
    return refuse_inherited(v, p.short_hex());
  };
  for (const auto& p : data.parents) {
    auto s = parent_state(p);
    if (!s) return s.error();
    // An audit has no chain of policies for a refused parent to break:
    // its one policy judges each commit on its own, so that the auditor
    // sees every commit's own verdict (the history still passes only if
    // every commit of it does).
    if (*s == ParentState::failed && audit_) *s = ParentState::authenticated;
    if (*s == ParentState::failed) return inherit(p);
    states.push_back(*s);
  }
  if (!data.parents.empty()) {
    auto mainline = mainline_.of(data);
    if (!mainline) return mainline.error();
    v.mainline = *mainline;
    // A topic forked before the anchor, merged with main as its first
    // parent (main merged into the topic, then main fast-forwarded to that
    // merge): a server that knew main's previous tip took main's side as
    // the mainline; without one the first parent, the topic, would refuse
    // the merge for good. Where the first parent holds nothing of the
    // branch (it neither reaches the previous tip nor descends from the
    // anchor) and does not authenticate, the mainline is the first parent
    // that does, and the topic is brought in. Never otherwise: a parent
    // that reaches the previous tip or the anchor is the branch, and its
    // policy governs whatever the merge's signer would rather have.
    if (!audit_ && data.parents.size() > 1 && states[*mainline] != ParentState::authenticated) {
      const ObjectId& first = data.parents[*mainline];
      auto reaches_tip = mainline_.reaches_previous_tip(first);
      if (!reaches_tip) return reaches_tip.error();
      auto after_anchor = first == anchor_ ? Result<bool>(true) : repo_.descendant_of(first, anchor_);
      if (!after_anchor) return after_anchor.error();
      if (!*reaches_tip && !*after_anchor)
        for (size_t i = 0; i < states.size(); ++i)
          if (states[i] == ParentState::authenticated) {
            v.mainline = i;
            break;
          }
    }
    if (states[v.mainline] == ParentState::pre_anchor)
      return refuse(v, Rule::ancestry, fmt::format("parent {} predates the anchor and carries no trusted policy",
                                                   data.parents[v.mainline].short_hex()));
    // Only a merge may vouch for a parent that does not authenticate on
    // its own, and only for one it brings in.
    if (states[v.mainline] == ParentState::vouchable && !audit_) return inherit(data.parents[v.mainline]);
  }

  // Signature: bad is always refused.
  if (sig.kind == SignatureKind::bad) return refuse(v, Rule::signature, fmt::format("bad signature: {}", sig.problem));

  // Paths git refuses to check out, whoever signed (a merge's bound
  // holds none if its own changes hold none).
  auto at_most = changes_at_most(c);
  if (!at_most) return at_most.error();
  const TreeChanges* changes = at_most->changes;
  if (changes->refused_path && !at_most->exact) {
    auto own = facts_.own_changes(c);
    if (!own) return own.error();
    changes = *own;
  }
  if (const auto& bad = changes->refused_path)
    return refuse(v, Rule::path, fmt::format("git refuses to check out {} ({})", *bad, changes->refused_why), *bad);

  if (data.parents.size() <= 1) return check_single(v, data);
  return check_merge(v, data, sig, states);
}

// A single-parent commit: every changed path allowed under policy(P). (A
// root commit, in an audit: every path of its tree, under the auditor's.)
Result<Verdict> PolicyRules::check_single(Verdict& v, const CommitData& data) {
  auto pol = policy_of_parent(policies_, data.parents.empty() ? data.id : data.parents[0], v);
  if (!pol) return pol.error();
  if (auto* refusal = std::get_if<Verdict>(&*pol)) return std::move(*refusal);
  const Policy& policy = *std::get<const Policy*>(*pol);
  auto sig = facts_.signature(data.id);
  if (!sig) return sig.error();
  Signer signer = identify(**sig, &policy, facts_);
  describe(v, signer);
  if (signer.bad) return refuse(v, Rule::signature, fmt::format("bad signature: {}", signer.problem));
  auto paths = facts_.own_changes(data.id);
  if (!paths) return paths.error();
  if (auto r = authorize_commit(approvals_, policy, signer, data, (*paths)->paths, &v)) return refuse(v, *r);
  own_ok_under_[data.id] = {&policy};
  return accept(std::move(v));
}

// A merge: rule 1 (its own changes) and rule 2 (what it brings in), with
// P1 the mainline parent.
Result<Verdict> PolicyRules::check_merge(Verdict& v, const CommitData& data, const CommitSignature& sig,
                                         const std::vector<ParentState>& states) {
  const ObjectId& p1 = data.parents[v.mainline];
  auto pol1_r = policy_of_parent(policies_, p1, v);
  if (!pol1_r) return pol1_r.error();
  if (auto* refusal = std::get_if<Verdict>(&*pol1_r)) return std::move(*refusal);
  const Policy& pol1 = *std::get<const Policy*>(*pol1_r);
  Signer merge_signer = identify(sig, &pol1, facts_);
  describe(v, merge_signer);
  if (merge_signer.bad) return refuse(v, Rule::signature, fmt::format("bad signature: {}", merge_signer.problem));
  const std::string* signer = merge_signer.person;
  // A parent that does not authenticate on its own lands only by a signed
  // merge's vouching (merges.vouch: signed in policy(P1)): otherwise, and
  // for an unsigned merge, which vouches for nothing, its refusal is this
  // merge's.
  for (size_t i = 0; i < data.parents.size(); ++i) {
    if (states[i] != ParentState::vouchable || audit_) continue;  // an audit judges the merge on its own
    if (signer == nullptr || !pol1.signed_merges_vouch) {
      inherited_from_[data.id] = data.parents[i];
      return refuse_inherited(v, data.parents[i].short_hex());
    }
  }
  // Rule 1: the merge's own changes, judged on their bound first (see
  // CommitFacts::changes_at_most): what passes there passes on the own
  // changes, with no approval counted that they would not count.
  auto at_most = changes_at_most(data.id);
  if (!at_most) return at_most.error();
  auto judged = own_changes_rule(v, data, sig, states, pol1, merge_signer, at_most->changes->paths);
  if (!judged) return judged.error();
  if (!at_most->exact && (judged->refused_by_paths || !judged->approved_by.empty())) {
    auto own = facts_.own_changes(data.id);
    if (!own) return own.error();
    judged = own_changes_rule(v, data, sig, states, pol1, merge_signer, (*own)->paths);
    if (!judged) return judged.error();
  }
  if (judged->refused) return std::move(*judged->refused);
  for (const auto& p : judged->approved_by)
    if (std::find(v.approved_by.begin(), v.approved_by.end(), p) == v.approved_by.end()) v.approved_by.push_back(p);
  std::vector<const Policy*> own_ok_under = std::move(judged->ok_under);
  if (signer != nullptr) v.policy_commit = p1;

  // Rule 2: everything brought in is allowed by policy(P1).
  std::vector<ObjectId> tips;
  for (size_t i = 0; i < data.parents.size(); ++i)
    if (i != v.mainline) tips.push_back(data.parents[i]);
  // P1 is authenticated, so it descends from the anchor: hiding it hides
  // the anchor too. A commit of this run whose own check already
  // authorized it under this same policy (its parent's or, for a signed
  // merge, a parent's) needs no second judgement: rule 2 asks exactly
  // what that check answered. So a merge costs what it brings in, never
  // re-reading or re-diffing what is behind its fork.
  auto brought = repo_.walk(tips, {p1});
  if (!brought) return brought.error();
  std::vector<Vouched> vouched;
  for (const ObjectId& b : *brought) {
    if (auto it = own_ok_under_.find(b);
        it != own_ok_under_.end() && std::find(it->second.begin(), it->second.end(), &pol1) != it->second.end())
      continue;
    auto bpaths = facts_.own_changes(b);
    if (!bpaths) return bpaths.error();
    if (auto st = status_.find(b); st != status_.end() && !st->second) {
      // Refused on its own in this run: it lands only by this merge's
      // vouching, whichever parent brings it (directly or through a
      // branch that landed it before).
      std::string fingerprint;
      auto no = vouch_refusal(b, data, pol1, merge_signer, fingerprint);
      if (!no) return no.error();
      if (*no) return refuse(v, **no);
      vouched.push_back({b, std::move(fingerprint)});
      continue;
    }
    auto bsig = facts_.signature(b);
    if (!bsig) return bsig.error();
    Signer brought_signer = identify(**bsig, &pol1, facts_);
    auto bdata = facts_.commit(b);
    if (!bdata) return bdata.error();
    auto own_signer = authorize_commit(approvals_, pol1, brought_signer, **bdata, (*bpaths)->paths, nullptr);
    if (!own_signer) continue;
    if (signer != nullptr) {
      auto ctx = approvals_of(approvals_, data.id, pol1);
      if (!authorize(pol1, merge_signer, (*bpaths)->paths, &ctx)) continue;
    }
    return refuse(v, Rule::merge,
                  fmt::format("brings in {} \"{}\" ({}), which the policy of {} does not allow: {}", b.short_hex(),
                              (*bdata)->summary, brought_signer.description, p1.short_hex(), own_signer->reason),
                  own_signer->path);
  }
  if (!own_ok_under.empty()) own_ok_under_[data.id] = std::move(own_ok_under);
  vouched_ = std::move(vouched);
  return accept(std::move(v));
}

Result<PolicyRules::OwnJudgement> PolicyRules::own_changes_rule(const Verdict& verdict, const CommitData& data,
                                                                 const CommitSignature& sig,
                                                                 const std::vector<ParentState>& states,
                                                                 const Policy& pol1, const Signer& merge_signer,
                                                                 const std::vector<std::string>& paths) {
  OwnJudgement out;
  Verdict v = verdict;
  auto refused = [&](Verdict r, bool by_paths = false) {
    out.refused = std::move(r);
    out.refused_by_paths = by_paths;
    return std::move(out);
  };
  if (merge_signer.person != nullptr) {
    // Signed: authorized under the policy of every parent that carries one.
    // (In an audit every parent's policy is the auditor's: never skipped.)
    for (size_t i = 0; i < data.parents.size(); ++i) {
      if (!audit_ && (states[i] == ParentState::pre_anchor || states[i] == ParentState::vouchable)) continue;
      auto at = policies_.at(data.parents[i]);
      if (!at) return at.error();
      if (!(*at)->policy) {
        if ((*at)->problem.empty()) continue;  // carries none: not consulted
        v.policy_commit = data.parents[i];
        return refused(refuse(v, Rule::policy, no_valid_policy(**at, "parent " + data.parents[i].short_hex())));
      }
      const Policy& pol = *(*at)->policy;
      Signer in_parent = identify(sig, &pol, facts_);
      if (in_parent.bad) {
        v.policy_commit = data.parents[i];
        return refused(refuse(v, Rule::signature, fmt::format("bad signature under the policy of parent {}: {}",
                                                              data.parents[i].short_hex(), in_parent.problem)));
      }
      if (in_parent.person == nullptr) {
        v.policy_commit = data.parents[i];
        return refused(refuse(v, Rule::merge, fmt::format("the merge's signing key is not in the policy of parent {}",
                                                          data.parents[i].short_hex())));
      }
      auto ctx = approvals_of(approvals_, data.id, pol);
      if (auto r = authorize(pol, in_parent, paths, &ctx)) {
        v.policy_commit = data.parents[i];
        r->reason = fmt::format("own change of the merge: {}", r->reason);
        return refused(refuse(v, *r), /*by_paths=*/true);
      }
      for (const auto& p : ctx.counted)
        if (std::find(v.approved_by.begin(), v.approved_by.end(), p) == v.approved_by.end()) {
          v.approved_by.push_back(p);
          out.approved_by.push_back(p);
        }
      out.ok_under.push_back(&pol);
    }
    // The mainline parent is always among them (it authenticates, and in
    // an audit none is skipped); should none have judged the merge's own
    // changes, it is refused, never let through.
    if (out.ok_under.empty()) return refused(refuse(v, Rule::merge, "no policy judged the merge's own changes"));
    return out;
  }
  // Unsigned (or unknown key): allowed by policy(P1), and clean.
  if (!pol1.unsigned_merges_allowed)
    return refused(
        refuse(v, Rule::merge, "unsigned merge, and the policy does not allow unsigned merges (merges.unsigned)"));
  if (auto r = authorize(pol1, merge_signer, paths)) {
    r->reason = fmt::format("an unsigned merge may only merge cleanly: {}", r->reason);
    r->rule = Rule::merge;
    return refused(refuse(v, *r), /*by_paths=*/true);
  }
  return out;
}

Result<MaybeRefusal> PolicyRules::vouch_refusal(const ObjectId& b, const CommitData& data, const Policy& pol1,
                                                const Signer& merge_signer, std::string& fingerprint) {
  auto bdata = facts_.commit(b);
  if (!bdata) return bdata.error();
  auto bsig = facts_.signature(b);
  if (!bsig) return bsig.error();
  auto bpaths = facts_.own_changes(b);
  if (!bpaths) return bpaths.error();
  auto no = [&](const std::string& why, const std::string& path = "") -> MaybeRefusal {
    return Refusal{Rule::merge, fmt::format("brings in {} \"{}\", {}", b.short_hex(), (*bdata)->summary, why), path};
  };
  if (merge_signer.person == nullptr || !pol1.signed_merges_vouch)
    return no("which does not authenticate on its own: only a signed merge vouches for such a commit, where the "
              "policy lets it (merges.vouch: signed)");
  // Never for a signature that does not verify (under this policy, as
  // OpenPGP signatures are checked against its certificates) or a path
  // git refuses, whatever the commit was refused for first.
  Signer signer = identify(**bsig, &pol1, facts_);
  if (!vouchable_.count(b) || signer.bad || (*bpaths)->refused_path)
    return no("which was refused and which a merge may not vouch for");
  // Never a policy change: a vouched commit's .warden/ is its parent's,
  // so no policy nobody authorized governs what builds on it later.
  for (const auto& path : (*bpaths)->paths)
    if (is_policy_path(path))
      return no("which does not authenticate on its own and changes .warden/: a merge never vouches for a policy "
                "change",
                path);
  // Never a revoked key's commit. An OpenPGP key is known by its primary
  // key's fingerprint only through a certificate the policy holds:
  // without one, a subkey of a revoked key cannot be told from any other.
  if (signer.is_signed && (*bsig)->openpgp && signer.person == nullptr &&
      pol1.openpgp_cert_for((*bsig)->openpgp->issuer()) == nullptr)
    return no(fmt::format("signed by OpenPGP key {}, whose certificate the policy does not hold: a merge does not "
                          "vouch for it (it could be a revoked key's subkey)",
                          (*bsig)->openpgp->issuer()));
  if (by_any_name(signer.fingerprint, signer.aliases, [&](const std::string& k) { return revoked_(k, b); }))
    return no(fmt::format("signed by a revoked key ({}): a merge never vouches for it", signer.fingerprint));
  auto ctx = approvals_of(approvals_, data.id, pol1);
  if (auto r = authorize(pol1, merge_signer, (*bpaths)->paths, &ctx))
    return no(fmt::format("which does not authenticate on its own, and the merge's signer may not vouch for it: {}",
                          r->reason),
              r->path);
  fingerprint = signer.fingerprint;
  return MaybeRefusal{};
}

}  // namespace warden::verify
