// The verification engine (DESIGN section 3): authenticates the commits
// between a trust anchor and a target against the policy each commit's
// parents carry. The per-commit rules live in src/verify/rules.cpp, in
// the order the contract states them; the run around them (whole-run
// checks, revocation) in src/verify/verifier.cpp. What a run reports is
// in warden/verdict.hpp.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "warden/anchor.hpp"
#include "warden/object_id.hpp"
#include "warden/build_report.hpp"
#include "warden/policy.hpp"
#include "warden/git_reads.hpp"
#include "warden/result.hpp"
#include "warden/signature_kind.hpp"
#include "warden/verdict.hpp"

namespace warden {

// Where approvals are kept (DESIGN section 6): git notes on the commits.
inline constexpr const char* kApprovalNotesRef = "refs/notes/warden";

struct VerifyRequest {
  Anchor anchor;
  ObjectId target;
  // An auditor's policy (verify --policy, DESIGN section 7): when set, it
  // judges every commit of the run, whatever policy the commits carry.
  // There is no anchor (`anchor` is ignored): every commit reachable from
  // the target and not from a known-good commit (the A of A..B) is
  // checked, a root commit with its whole tree as its change. A key the
  // policy lists under revoked: signs nothing.
  std::shared_ptr<const Policy> audit_policy;
  // Commits already authenticated under this anchor (the A of A..B, a
  // server's old tip, cache entries): they and their ancestors are not
  // checked again. Each must be the anchor or descend from it; with
  // check_known_good that is checked (a walk down to the anchor), without
  // it the caller vouches for it.
  std::vector<ObjectId> known_good;
  bool check_known_good = true;
  // The branch's previous tip, where there is one (the server's old tip of
  // the ref, the client's pin, the A of A..B). A merge's mainline parent,
  // whose policy governs what the merge brings in, is the parent through
  // which this commit is reached; without it, or where several parents
  // reach it, the first parent (DESIGN section 3). Parent order, which
  // whoever made the merge chooses, never decides on its own.
  std::optional<ObjectId> previous_tip;
  // The anchor's signature was checked in an earlier run whose result is
  // kept (a valid verified-commit cache for this anchor): do not check it
  // again. Its policy is still read.
  bool anchor_signature_checked = false;
  // Revocation (DESIGN section 6a). The keys revoked by the policies of
  // `revocations_from`, authenticated commits (the server's policy branch
  // tip; a client's pins), refuse every commit of this run they signed,
  // unless it was history before the revocation landed: an ancestor of a
  // parent of the oldest commit on that commit's mainline that revokes
  // the key. The target's own policy revokes too (target_revocations):
  // once the run has authenticated the target, if a key its policy revokes
  // signed a commit of the run, the run is made again with the target
  // among revocations_from.
  std::vector<ObjectId> revocations_from;
  // Notes commits (tips of refs/notes/warden and its copies) whose notes
  // hold approvals: the notes of all of them on a commit count together.
  // Empty: nobody approved anything.
  std::vector<ObjectId> approval_notes;
  bool target_revocations = true;
  bool keep_going = false;  // check every commit instead of stopping at the first failure
  // From this many commits to check on, all their signatures are verified
  // up front on every core; below it, one by one as the rules reach them.
  // The verdicts are the same either way.
  size_t parallel_from = 64;
  // How many commits are prepared ahead at a time (the first batch is at
  // most 256), and for how many commits behind the one being checked
  // their facts are kept (older ones are read again if a merge brings
  // them in), and after how many commits the run lets go of the packs it
  // has read and opens them again (libgit2 caches up to 16 MB per pack).
  // They change the memory and the speed, never the verdicts.
  size_t ahead_batch = 2048;
  size_t keep_behind = 4096;
  size_t reopen_every = 8192;
  // A merge's rules are tried first on every path where it differs from a
  // parent (two tree diffs), which holds its own changes; these are
  // computed (merge bases, content merges) only where that does not pass.
  // Off: computed for every merge. The verdicts are the same either way,
  // but for an object only a content merge reads: on bounds it may never
  // be read, so its absence is no error there (the verdict does not
  // depend on it).
  bool merge_bounds = true;
  std::function<void(size_t done, size_t total)> progress;
};

// Threads: one Verifier is used by one thread at a time (its runs and
// queries share caches without locks), on a GitReads (a Repository) no
// other thread uses meanwhile. A run may read ahead on worker threads of
// its own, each with its own GitReads::reader(); they end before verify()
// returns. The Verifier must not outlive the GitReads it was made with, and
// pointers it hands out (policy_at) are valid as long as it lives.
class Verifier {
 public:
  explicit Verifier(const GitReads& repo);
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // Verifies request.target. An Error is a setup problem (missing object,
  // unreadable repository); a refusal is a report with authenticated=false.
  Result<VerifyReport> verify(const VerifyRequest& request);

  // The valid policy `commit` carries, from the same store the runs use
  // (each policy file parsed once). REQUIRES: `commit` is authenticated (an
  // anchor, a branch tip this server accepted), so that no attacker's
  // policy is parsed. An Error says why there is none.
  Result<const Policy*> policy_at(const ObjectId& commit);

  // The person of `policy` who signed an annotated tag published as `ref`,
  // judged exactly as a commit's signature is (same parsing, same key
  // cache, same "bad signature" rules). A tag counts only under the ref
  // its `tag` header names (refs/tags/<name>). An Error says why there is
  // none: another name, unsigned, bad or unsupported signature, or a key
  // the policy does not list or revokes.
  Result<std::string> tag_signer(const TagData& tag, std::string_view ref, const Policy& policy);
  // The same for a commit's signature (a snapshot's, for one).
  Result<std::string> commit_signer(const ObjectId& commit, const Policy& policy);

  // Whether builders of the policy `commit` carries agree on what it builds
  // to (REQUIRES: `commit` is authenticated). An Error: that policy has no
  // `builders:` section.
  Result<BuildReport> builds_of(const ObjectId& commit, const BuildQuery& query);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace warden
