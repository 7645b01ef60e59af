// What every rule set's run shares (warden's rules in verifier.cpp, Guix's
// in guix_verifier.cpp, and later ones): the commits to check, parents
// first; their signatures checked up front on every core when there are
// many; one verdict each, in order, stopping at the first refusal unless
// asked to keep going; and the report's totals. A rule set supplies only
// its rules: how one commit is judged, and where OpenPGP keys come from.
#pragma once

#include <algorithm>
#include <functional>
#include <future>
#include <optional>
#include <span>
#include <thread>
#include <string>
#include <vector>

#include "verify/commit_facts.hpp"
#include "verify/refusal.hpp"
#include "warden/verifier.hpp"

namespace warden::verify {

struct RunOptions {
  bool keep_going = false;
  size_t parallel_from = 64;
  std::function<void(size_t done, size_t total)> progress;
  bool changes_ahead = true;  // the rules look at own changes (Guix's do not)
  size_t ahead_batch = 2048;  // see VerifyRequest
  size_t keep_behind = 4096;
  // Every so many commits the run's handles let go of the packs read so
  // far (CommitFacts::reopen_object_stores): libgit2 keeps 16 MB of delta
  // bases per pack for as long as a handle holds it.
  size_t reopen_every = 8192;
  // Whether a merge of this run could vouch for a commit refused for not
  // authenticating on its own (merges.vouch): asked once, at the first
  // such refusal. Without keep-going the run goes past such refusals only
  // if so (else anyone could make it judge every commit of a push).
  std::function<Result<bool>()> may_vouch;
  // Where a merge's bound will do for the rules (CommitFacts::BoundEnough);
  // empty: own changes for every merge.
  CommitFacts::BoundEnough bound_enough;
};

// Checks `commits` (parents first) with check(c) -> Result<Verdict>,
// appending each verdict to report.verdicts and setting report.total and
// report.authenticated. From options.parallel_from commits on, the facts
// the rules need (commits, signatures and, with options.changes_ahead, own
// changes) are prepared ahead, batch by batch on every core, while this
// thread applies the rules to the batch before (OpenPGP signatures against
// keys_for(commit data), see CommitFacts::ahead). The verdicts are the
// same either way. An Error from `check` ends the run.
template <class KeysFor, class Check>
Status check_commits(CommitFacts& facts, const std::vector<ObjectId>& commits, const RunOptions& options,
                     KeysFor keys_for, Check check, VerifyReport& report) {
  report.total = commits.size();
  const bool ahead = commits.size() >= options.parallel_from;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  // A small first batch, so that the rules start early; then larger ones.
  size_t batch = std::min<size_t>(256, std::max<size_t>(1, options.ahead_batch)), ready_to = 0;
  std::future<void> pending;  // std::async's: its destructor waits, so no batch outlives the run
  auto launch = [&] {
    size_t to = std::min(commits.size(), ready_to + batch);
    pending = std::async(std::launch::async,
                         facts.ahead(std::span<const ObjectId>(commits).subspan(ready_to, to - ready_to), keys_for,
                                     options.changes_ahead, cores, options.bound_enough));
    ready_to = to;
    batch = std::max<size_t>(1, options.ahead_batch);
  };

  size_t prepared_to = 0;  // commits [0, prepared_to) are prepared and adopted
  size_t reopened_at = 0;
  std::optional<bool> may_vouch;  // options.may_vouch's answer, once asked
  if (ahead) launch();
  for (size_t i = 0; i < commits.size(); ++i) {
    if (ahead && i == prepared_to) {
      pending.get();
      facts.adopt_ahead();
      if (i - reopened_at >= options.reopen_every) {
        WARDEN_TRY_STATUS(facts.reopen_object_stores());
        reopened_at = i;
      }
      prepared_to = ready_to;
      if (ready_to < commits.size()) launch();
    }
    Result<Verdict> v = check(commits[i]);
    if (!v) return v.error();
    // Memory follows the width of the work: what is kept about a commit
    // is dropped once the rules are far past it (read again if a merge
    // brings it in later).
    if (i >= options.keep_behind) facts.forget(commits[i - options.keep_behind]);
    report.verdicts.push_back(std::move(*v));
    if (options.progress) options.progress(report.verdicts.size(), report.total);
    // A refusal a later merge may vouch for (merges.vouch) does not end
    // the run where a merge could: the merge that lands it comes after it.
    if (!report.verdicts.back().ok() && !options.keep_going) {
      if (!report.verdicts.back().vouchable || !options.may_vouch) break;
      if (!may_vouch) {
        auto could = options.may_vouch();
        if (!could) return could.error();
        may_vouch = *could;
      }
      if (!*may_vouch) break;
    }
  }
  report.authenticated = report.verdicts.size() == report.total;
  for (const auto& v : report.verdicts) report.authenticated = report.authenticated && v.ok();
  // Without keep-going the report ends at the first refusal that stands,
  // as if the run had stopped there (one a merge vouched for does not).
  if (!options.keep_going)
    if (auto first = std::find_if(report.verdicts.begin(), report.verdicts.end(),
                                  [](const Verdict& v) { return !v.ok(); });
        first != report.verdicts.end())
      report.verdicts.erase(first + 1, report.verdicts.end());
  return Status::success();
}

// A verdict for `c` before any rule is applied: the commit, its subject,
// its kind of signature, and `signer` as far as it is known. It starts
// refused (fail closed): only accept() after the last rule clears it, so
// a path through the rules that forgets to decide refuses.
inline Verdict new_verdict(const ObjectId& c, const CommitData& data, const CommitSignature& sig, std::string signer) {
  Verdict v;
  v.commit = c;
  v.summary = data.summary;
  v.signature = sig.kind;
  v.signer = std::move(signer);
  v.refusal = Refusal{Rule::ancestry, "not judged by every rule (an internal error)", ""};
  return v;
}

// Accepts `v`: every rule passed.
inline Verdict accept(Verdict v) {
  v.refusal.reset();
  return v;
}

// Refuses `v` by `rule`, for `reason` (and the first offending `path`).
inline Verdict refuse(Verdict v, Rule rule, std::string reason, std::string path = {}) {
  v.refusal = Refusal{rule, std::move(reason), std::move(path)};
  return v;
}
inline Verdict refuse(Verdict v, Refusal r) {
  v.refusal = std::move(r);
  return v;
}
// Refuses `v` because its parent (`parent`, as the rule set names commits)
// is not authenticated: a consequence of an earlier refusal, not a cause.
inline Verdict refuse_inherited(Verdict v, const std::string& parent) {
  v = refuse(std::move(v), Rule::ancestry, "parent " + parent + " is not authenticated");
  v.inherited = true;
  return v;
}

// A refusal of the whole run (the anchor, the target's descent, altered
// history), not of one commit: the report says which check and why, and
// is not authenticated.
inline VerifyReport& refuse_run(VerifyReport& report, RunRefusal why) {
  report.refusal = std::move(why);
  report.authenticated = false;
  return report;
}
inline VerifyReport& refuse_run(VerifyReport& report, RunCheck check, std::string why) {
  return refuse_run(report, RunRefusal{check, std::move(why)});
}

// The run's counters: signatures verified and policy files parsed since
// the run began (`*_before`, read when it began).
inline Result<VerifyReport> finish(VerifyReport& report, const CommitFacts& facts, size_t verifications_before,
                                   size_t policies_parsed = 0) {
  report.signatures_verified = facts.verifications() - verifications_before;
  report.policies_parsed = policies_parsed;
  if (report.refusal) report.authenticated = false;
  return std::move(report);
}

}  // namespace warden::verify
