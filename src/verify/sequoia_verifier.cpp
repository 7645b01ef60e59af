// sequoia-git's authentication rules (sq-git log), in this order:
//   0. git shows the history that is verified; the target descends from
//      the trust root;
//   1. every policy of the range (the trust root's and those of the
//      commits between it and the target) is read; a key hard-revoked in
//      any of them signs nothing, earlier or later;
//   2. each commit is judged against each parent of the range: signed
//      with OpenPGP by a key whose certificate a user of the parent's
//      policy holds (brought up to date, revocations aside, by the
//      commit's own copy of it), valid when it signed, and those users
//      together hold sign_commit and the capability every change of the
//      policy needs (sequoia_changes);
//   3. a commit is authenticated if it is the trust root, or a parent is
//      authenticated and authorizes it, or a parent is authenticated and
//      the commit is goodlisted by a policy on an authenticated path to
//      the target. Goodlists are settled from the most that could count
//      down to what does: those of commits on authenticated paths.
#include "warden/sequoia_verifier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "verify/commit_facts.hpp"
#include "verify/engine.hpp"
#include "verify/history_checks.hpp"
#include "warden/sequoia_policy.hpp"

namespace warden {
namespace {

using Ids = std::unordered_set<ObjectId, ObjectIdHash>;

// A commit's policy: none in the tree is the empty policy (nobody may do
// anything), as sq-git reads a commit without the file.
struct SequoiaCarried {
  const SequoiaPolicy* policy = nullptr;  // null when `problem`
  std::string problem;
};

// One commit judged against one parent's policy.
struct SequoiaJudgement {
  std::optional<Refusal> refusal;
  // Authorized, but by a key hard-revoked in some policy of the range: a
  // goodlist on an authenticated path to the target can still count it.
  bool only_revoked = false;
  std::string signer;       // the users of the parent's policy holding the certificate, or what signed
  std::string key;          // the signing key's fingerprint
  std::vector<std::string> warnings;
};

std::string sequoia_user_names(const std::vector<const SequoiaUser*>& users) {
  std::string out;
  for (const auto* u : users) out += (out.empty() ? "" : ", ") + u->name;
  return out;
}

class SequoiaRun {
 public:
  SequoiaRun(const GitReads& repo, const SequoiaRequest& req) : repo_(repo), req_(req), facts_(repo) {}

  Result<VerifyReport> run() {
    VerifyReport report;
    auto altered = verify::history_altered(repo_, req_.target);
    if (!altered) return altered.error();
    if (*altered) return finish(verify::refuse_run(report, std::move(**altered)));
    const ObjectId& root = req_.trust_root;
    for (const ObjectId* end : {&req_.target, req_.via ? &*req_.via : nullptr}) {
      if (end == nullptr || *end == root) continue;
      auto d = repo_.descendant_of(*end, root);
      if (!d) return d.error();
      if (!*d)
        return finish(verify::refuse_run(report, RunCheck::not_descendant,
                                         fmt::format("the trust root {} is not an ancestor of {}", root.hex(),
                                                     end->hex())));
    }
    if (req_.via && *req_.via != req_.target) {
      auto d = repo_.descendant_of(req_.target, *req_.via);
      if (!d) return d.error();
      if (!*d)
        return finish(verify::refuse_run(report, RunCheck::not_descendant,
                                         fmt::format("{} (the start of the range) is not an ancestor of {}",
                                                     req_.via->hex(), req_.target.hex())));
    }
    // The range: what the target reaches, less what the trust root's
    // parents reach; its commits that descend from the trust root are
    // judged.
    auto root_data = facts_.commit(root);
    if (!root_data) return root_data.error();
    auto walked = repo_.walk({req_.target}, (*root_data)->parents);
    if (!walked) return walked.error();
    in_range_.insert(root);
    for (const auto& c : *walked) {
      if (c == root) continue;
      auto data = facts_.commit(c);
      if (!data) return data.error();
      for (const auto& p : (*data)->parents)
        if (in_range_.count(p)) {
          in_range_.insert(c);
          order_.push_back(c);
          break;
        }
    }
    report.total = order_.size();

    // 1. Hard revocations, in every policy the walk reaches (one that
    // cannot be read is skipped, as sq-git skips it here).
    for (const ObjectId& c : *walked) {
      auto carried = policy_of(c);
      if (!carried) return carried.error();
      if (carried->policy == nullptr) continue;
      for (const auto& u : carried->policy->users)
        for (const auto& cert : u.certs)
          for (const auto& key : cert->hard_revoked_keys()) hard_revoked_.emplace(key, c);
    }

    // 2. Every edge of the range, judged once.
    for (size_t i = 0; i < order_.size(); ++i) {
      auto data = facts_.commit(order_[i]);
      if (!data) return data.error();
      for (const auto& p : (*data)->parents) {
        if (!in_range_.count(p)) continue;
        auto j = judge(order_[i], p);
        if (!j) return j.error();
        judged_[order_[i]].emplace_back(p, std::move(*j));
      }
      if (req_.progress) req_.progress(i + 1, order_.size());
    }

    // 3. From the target back to the trust root: which commits have an
    // authenticated path to the target (through `via`, if given), and
    // the goodlists of the commits on those paths; then, from the trust
    // root, which commits are authenticated.
    bool authenticated = settle_paths();
    authenticate_forward();

    for (const auto& c : order_) {
      auto v = verdict(c);
      if (!v) return v.error();
      report.verdicts.push_back(std::move(*v));
    }
    report.authenticated = authenticated;
    if (report.authenticated) {
      size_t aside = 0;
      for (const auto& v : report.verdicts) aside += v.ok() ? 0 : 1;
      if (aside > 0)
        report.warnings.push_back(fmt::format(
            "{} commit{} of the range {} not authenticated; the target is, through another path (sq-git needs one)",
            aside, aside == 1 ? "" : "s", aside == 1 ? "is" : "are"));
    } else {
      if (authenticated_.count(req_.target) > 0 || req_.target == root) {  // else the verdicts say why
        // The target is reached, but not through the start of the range:
        // say why the start is not authenticated, if it is not, and show
        // its verdict rather than those of other commits.
        std::string why;
        auto start = std::find_if(report.verdicts.begin(), report.verdicts.end(),
                                  [&](const Verdict& v) { return v.commit == *req_.via; });
        if (start != report.verdicts.end() && !start->ok()) why = ": it is not authenticated itself";
        verify::refuse_run(report, RunCheck::not_descendant,
                           fmt::format("no authenticated path from the trust root {} to {} goes through {}{}",
                                       root.short_hex(), req_.target.short_hex(), req_.via->short_hex(), why));
        if (!req_.keep_going) {
          std::vector<Verdict> kept;
          if (start != report.verdicts.end() && !start->ok()) kept.push_back(std::move(*start));
          report.verdicts = std::move(kept);
        }
      } else if (!req_.keep_going) {
        auto first = std::find_if(report.verdicts.begin(), report.verdicts.end(),
                                  [](const Verdict& v) { return !v.ok() && !v.inherited; });
        if (first != report.verdicts.end()) report.verdicts.erase(first + 1, report.verdicts.end());
      }
    }
    for (const auto& u : unknown_fields_) report.warnings.push_back(u);
    return finish(report);
  }

 private:
  Result<VerifyReport> finish(VerifyReport& report) { return verify::finish(report, facts_, 0, parsed_.size()); }

  // Whether the edge parent -> c authenticates c, given the goodlists of
  // the commits on authenticated paths from c to the target.
  bool edge_ok(const ObjectId& c, const SequoiaJudgement& j) const {
    if (!j.refusal) return true;
    if (!j.only_revoked) return false;
    auto it = descendant_goodlist_.find(c);
    return it != descendant_goodlist_.end() && it->second.count(c.hex()) > 0;
  }

  // sq-git's walk from the target: returns whether the trust root has an
  // authenticated path to the target (through req_.via).
  bool settle_paths() {
    const ObjectId& root = req_.trust_root;
    if (req_.target == root) return !req_.via || *req_.via == root;
    const bool middle = req_.via && *req_.via != root;
    Ids suffix{req_.target}, via;
    if (!middle) via.insert(req_.target);
    for (auto c = order_.rbegin(); c != order_.rend(); ++c) {
      if (!suffix.count(*c)) continue;
      std::set<std::string> goodlist = descendant_goodlist_[*c];
      if (auto own = carried_.find(*c); own != carried_.end() && own->second.policy != nullptr)
        goodlist.insert(own->second.policy->goodlist.begin(), own->second.policy->goodlist.end());
      for (const auto& [p, j] : judged_[*c]) {
        if (!edge_ok(*c, j)) continue;
        suffix.insert(p);
        if (via.count(*c) || (middle && *req_.via == *c)) via.insert(p);
        descendant_goodlist_[p].insert(goodlist.begin(), goodlist.end());
      }
    }
    return via.count(root) > 0;
  }

  // Which commits have an authenticated path from the trust root.
  void authenticate_forward() {
    authenticated_.insert(req_.trust_root);
    for (const auto& c : order_)
      for (const auto& [p, j] : judged_[c])
        if (authenticated_.count(p) && edge_ok(c, j)) {
          authenticated_.insert(c);
          break;
        }
  }

  Result<SequoiaCarried> policy_of(const ObjectId& commit) {
    if (auto it = carried_.find(commit); it != carried_.end()) return it->second;
    auto data = facts_.commit(commit);
    if (!data) return data.error();
    SequoiaCarried out;
    auto entry = repo_.entry_id((*data)->tree, kSequoiaPolicyPath);
    if (!entry) return entry.error();
    if (!*entry) {
      out.policy = &empty_;
    } else {
      auto it = parsed_.find(**entry);
      if (it == parsed_.end()) {
        auto blob = repo_.read_blob(**entry, kMaxSequoiaPolicyBytes, kSequoiaPolicyPath);
        Result<SequoiaPolicy> parsed = blob ? parse_sequoia_policy(blob->content) : Result<SequoiaPolicy>(blob.error());
        if (parsed)
          for (const auto& f : parsed->unknown)
            unknown_fields_.insert(fmt::format("{} of {} has field {}, which sq-git ignores; so does warden",
                                               kSequoiaPolicyPath, commit.short_hex(), f));
        it = parsed_.emplace(**entry, std::move(parsed)).first;
      }
      if (it->second)
        out.policy = &*it->second;
      else
        out.problem = fmt::format("{} of commit {}: {}", kSequoiaPolicyPath, commit.hex(), it->second.error().message);
    }
    carried_.emplace(commit, out);
    return out;
  }

  // The certificate of the parent's policy `cert` as the child's policy
  // brings it up to date (its own copy of the same certificate), once.
  Result<const OpenPgpCert*> updated(const OpenPgpCert* cert, const SequoiaPolicy& child) {
    const OpenPgpCert* copy = nullptr;
    for (const auto& u : child.users)
      for (const auto& c : u.certs)
        if (c->fingerprint() == cert->fingerprint()) copy = c.get();
    if (copy == nullptr || copy->armored() == cert->armored()) return cert;
    auto key = std::make_pair(cert, copy);
    auto it = merged_.find(key);
    if (it == merged_.end()) {
      auto m = cert->updated_with(*copy);
      if (!m) return m.error();
      it = merged_.emplace(key, std::move(*m)).first;
    }
    return it->second.get();
  }

  Result<SequoiaJudgement> judge(const ObjectId& c, const ObjectId& parent) {
    SequoiaJudgement j;
    auto refuse = [&](Rule rule, std::string reason) {
      j.refusal = Refusal{rule, std::move(reason), ""};
      return j;
    };
    auto parent_policy = policy_of(parent);
    if (!parent_policy) return parent_policy.error();
    if (!parent_policy->problem.empty()) return refuse(Rule::sequoia_policy_file, parent_policy->problem);
    auto own = policy_of(c);
    if (!own) return own.error();
    if (!own->problem.empty()) return refuse(Rule::sequoia_policy_file, own->problem);
    const SequoiaPolicy& before = *parent_policy->policy;
    const SequoiaPolicy& after = *own->policy;
    if (before.goodlist.count(c.hex())) {  // sq-git: "explicitly goodlisted"
      j.signer = "goodlisted";
      j.warnings.push_back(fmt::format("goodlisted by the policy of parent {}", parent.short_hex()));
      return j;
    }

    auto sig_r = facts_.signature(c);
    if (!sig_r) return sig_r.error();
    const CommitSignature& sig = **sig_r;
    switch (sig.kind) {
      case SignatureKind::none:
        j.signer = "unsigned";
        return refuse(Rule::unsigned_change, fmt::format("commit {} is not signed", c.hex()));
      case SignatureKind::bad:
        j.signer = "bad signature";
        return refuse(Rule::signature, fmt::format("commit {}: bad signature ({})", c.hex(), sig.problem));
      case SignatureKind::unsupported:
        if (sig.openpgp)
          return refuse(Rule::signature, fmt::format("commit {} has an {}, by key {}", c.hex(), sig.problem,
                                                     format_openpgp_fingerprint(sig.openpgp->issuer())));
        [[fallthrough]];
      case SignatureKind::ssh:
      case SignatureKind::x509:
        j.signer = std::string(to_string(sig.kind));
        return refuse(Rule::signature, fmt::format("commit {} is not signed with OpenPGP, as sq-git requires", c.hex()));
      case SignatureKind::openpgp: break;
    }
    const OpenPgpSignature& pgp = *sig.openpgp;
    // The parent's certificate for the issuer, or for the primary key of
    // the child's copy that holds it (a subkey the update adds).
    const OpenPgpCert* cert = before.openpgp_cert_for(pgp.issuer());
    if (cert == nullptr)
      if (const OpenPgpCert* theirs = after.openpgp_cert_for(pgp.issuer()))
        cert = before.openpgp_cert_for(theirs->fingerprint());
    j.signer = format_openpgp_fingerprint(pgp.issuer());
    if (cert == nullptr)
      return refuse(Rule::sequoia_capability,
                    fmt::format("commit {} is signed by key {}, which no user of the policy of parent {} holds", c.hex(),
                                format_openpgp_fingerprint(pgp.issuer()), parent.short_hex()));
    auto users = before.users_of(cert->fingerprint());
    j.signer = sequoia_user_names(users);
    auto up = updated(cert, after);
    if (!up) return refuse(Rule::signature, fmt::format("certificate {}: {}", cert->fingerprint(), up.error().message));
    const OpenPgpCert& signing_cert = **up;
    j.key = signing_cert.key_fingerprint(pgp.issuer());
    const OpenPgpCheck& check = facts_.openpgp_check(pgp, signing_cert);
    if (!check.good())
      return refuse(Rule::signature, fmt::format("commit {}: signature by {} does not count: {}", c.hex(),
                                                 format_openpgp_fingerprint(pgp.issuer()), check.problem));
    // sq-git: some one user holding the certificate has sign_commit and
    // every capability the policy's changes need.
    auto changes = sequoia_changes(before, after);
    for (const auto& change : changes)
      if (change.kind == SequoiaChange::Kind::goodlist_commit || change.kind == SequoiaChange::Kind::ungoodlist_commit)
        if (change.detail.empty() || change.detail.size() > 40 ||
            change.detail.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
          return refuse(Rule::sequoia_policy_file,
                        fmt::format("{} of commit {}: commit_goodlist entry \"{}\" is not a commit id",
                                    kSequoiaPolicyPath, c.hex(), change.detail));
    std::optional<std::string> missing;
    bool authorized = false;
    for (const SequoiaUser* u : users) {
      std::optional<std::string> lacks;
      if (!u->has(SequoiaCapability::sign_commit))
        lacks = fmt::format("commit {}: \"{}\" ({}) lacks sign_commit in the policy of parent {}", c.hex(), u->name,
                            format_openpgp_fingerprint(cert->fingerprint()), parent.short_hex());
      for (const auto& change : changes)
        for (SequoiaCapability need : change.needs)
          if (!lacks && !u->has(need))
            lacks = fmt::format("commit {} {}, which needs {}; \"{}\" lacks it in the policy of parent {}", c.hex(),
                                change.describe(), name_of(need), u->name, parent.short_hex());
      if (!lacks) {
        authorized = true;
        j.signer = u->name;
        break;
      }
      if (!missing) missing = std::move(lacks);
    }
    if (!authorized) return refuse(Rule::sequoia_capability, *missing);
    for (const std::string& k : {j.key, signing_cert.fingerprint()})
      if (auto it = hard_revoked_.find(k); it != hard_revoked_.end()) {
        j.only_revoked = true;
        return refuse(Rule::signature,
                      fmt::format("commit {}: key {} is hard-revoked in the policy of commit {}, which voids every "
                                  "signature it made (unless a later policy on the path goodlists the commit)",
                                  c.hex(), format_openpgp_fingerprint(k), it->second.short_hex()));
      }
    return j;
  }

  Result<Verdict> verdict(const ObjectId& c) {
    auto data = facts_.commit(c);
    if (!data) return data.error();
    auto sig = facts_.signature(c);
    if (!sig) return sig.error();
    Verdict v = verify::new_verdict(c, **data, **sig, "unsigned");
    const auto& edges = judged_[c];
    const std::pair<ObjectId, SequoiaJudgement>* shown = nullptr;  // the edge that decides
    for (const auto& edge : edges) {
      const auto& [p, j] = edge;
      bool parent_ok = authenticated_.count(p) > 0, ok = parent_ok && edge_ok(c, j);
      Verdict::ParentResult r{p, ok, ""};
      if (!parent_ok) r.reason = fmt::format("parent {} is not authenticated", p.short_hex());
      else if (!ok) r.reason = j.refusal->reason;
      v.parent_results.push_back(std::move(r));
      // The first authenticated parent that authorizes it, else the first
      // authenticated parent.
      if (parent_ok && (shown == nullptr || (ok && !authenticated_via(c, *shown)))) shown = &edge;
    }
    if (shown == nullptr) {
      // No parent is authenticated. A consequence of an earlier refusal,
      // unless no parent's policy would authorize it either: then it is a
      // cause of its own too.
      const auto& first = edges.front();
      v.signer = first.second.signer;
      v.key_fingerprint = first.second.key;
      v.policy_commit = first.first;
      bool own = std::none_of(edges.begin(), edges.end(), [&](const auto& e) { return edge_ok(c, e.second); });
      if (own) return verify::refuse(v, *first.second.refusal);
      return verify::refuse_inherited(v, first.first.hex());
    }
    const SequoiaJudgement& j = shown->second;
    v.signer = j.signer;
    v.key_fingerprint = j.key;
    v.policy_commit = shown->first;
    v.warnings = j.warnings;
    if (!authenticated_.count(c)) return verify::refuse(v, *j.refusal);
    if (j.refusal)  // a revoked key's commit that a goodlist counts
      v.warnings.push_back(fmt::format("counted because a policy on the authenticated path goodlists it: {}",
                                       j.refusal->reason));
    return verify::accept(std::move(v));
  }

  // Whether `edge` (an authenticated parent's) authenticates c.
  bool authenticated_via(const ObjectId& c, const std::pair<ObjectId, SequoiaJudgement>& edge) const {
    return authenticated_.count(edge.first) > 0 && edge_ok(c, edge.second);
  }


  const GitReads& repo_;
  const SequoiaRequest& req_;
  verify::CommitFacts facts_;
  SequoiaPolicy empty_;
  std::vector<ObjectId> order_;  // the range less the trust root, parents first
  Ids in_range_;
  Ids authenticated_;
  std::unordered_map<ObjectId, SequoiaCarried, ObjectIdHash> carried_;
  std::unordered_map<ObjectId, Result<SequoiaPolicy>, ObjectIdHash> parsed_;
  std::map<std::pair<const OpenPgpCert*, const OpenPgpCert*>, std::shared_ptr<const OpenPgpCert>> merged_;
  std::map<std::string, ObjectId> hard_revoked_;  // key fingerprint -> the commit whose policy revokes it
  std::unordered_map<ObjectId, std::vector<std::pair<ObjectId, SequoiaJudgement>>, ObjectIdHash> judged_;
  // The goodlists of the commits on authenticated paths from a commit to
  // the target (not its own).
  std::unordered_map<ObjectId, std::set<std::string>, ObjectIdHash> descendant_goodlist_;
  std::set<std::string> unknown_fields_;
};

}  // namespace

Result<VerifyReport> authenticate_sequoia(const GitReads& repo, const SequoiaRequest& request) {
  SequoiaRun run(repo, request);
  return run.run();
}

}  // namespace warden
