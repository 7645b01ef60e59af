// The client's snapshot check on a fetch: freeze, mix-and-match and
// snapshot rollback (DESIGN section 6b).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "warden/client_trust.hpp"
#include "warden/pins.hpp"
#include "warden/snapshot.hpp"

namespace warden {

std::string fetched_snapshot_ref(const std::string& remote) { return "refs/warden/remotes/" + remote + "/snapshot"; }
std::string accepted_snapshot_ref(const std::string& remote) { return "refs/warden/accepted-snapshots/" + remote; }
std::string snapshot_refspec(const std::string& remote) {
  return fmt::format("+refs/warden/snapshot*:refs/warden/remotes/{}/snapshot*", remote);
}

namespace {

constexpr std::string_view kTagPrefix = "refs/tags/";

// The remote a remote-tracking ref belongs to (the longest configured
// remote name it starts with), or "" if none.
std::string remote_of_tracking_ref(const Repository& repo, const std::string& tracking_ref) {
  std::string best;
  for (const auto& r : repo.remote_names())
    if (tracking_ref.starts_with("refs/remotes/" + r + "/") && r.size() > best.size()) best = r;
  return best;
}

// A ref the fetch writes that a snapshot covers.
struct Entry {
  std::string ref;          // as written: refs/remotes/origin/main, refs/tags/v1.0
  std::string in_snapshot;  // its name in the snapshot: refs/heads/main, refs/tags/v1.0
  std::string offered;      // for messages: "origin/main offered", "tag v1.0 offered by origin"
  ObjectId id;              // what the fetch writes
};
using Entries = std::vector<Entry>;

// What one remote's fetch moves: the refs a snapshot covers, and its
// fetched snapshot ref.
struct RemoteFetch {
  Entries entries;
  std::vector<ObjectId> snapshots;
};

// The policy that says how a remote's snapshots are checked: the first
// found with `snapshots:` (nullptr if none is), and how many could be read.
struct Governing {
  const Policy* policy = nullptr;
  size_t readable = 0;
  std::string unreadable;  // why the first one that could not be read could not
};

// Looks at the policy of every commit whose policy speaks for `remote`
// (remote_policy_commits: the fetch's and the pins', all authenticated, in
// that order). Any of them may ask for snapshots, so a fetch cannot leave
// them out by moving only other refs.
Result<Governing> governing_policy(const Repository& repo, Verifier& verifier, const std::string& remote,
                                   const Entries& entries) {
  std::vector<std::pair<std::string, ObjectId>> moved;
  for (const auto& e : entries) moved.emplace_back(e.ref, e.id);
  auto commits = remote_policy_commits(repo, remote, moved);
  if (!commits) return commits.error();
  Governing g;
  for (const auto& c : *commits) {
    auto policy = verifier.policy_at(c);
    if (!policy) {
      if (g.unreadable.empty()) g.unreadable = fmt::format("{}: {}", c.short_hex(), policy.error().message);
      continue;
    }
    ++g.readable;
    if ((*policy)->snapshots) {
      g.policy = *policy;
      break;
    }
  }
  return g;
}

// Why `snap` does not describe what the fetch moves, or "".
std::string mismatch(const Snapshot& snap, const Entries& moved) {
  for (const auto& e : moved) {
    auto it = snap.refs.find(e.in_snapshot);
    if (it == snap.refs.end())
      return fmt::format("{} at {}, snapshot {} has no {}: a ref the signed state never held", e.offered,
                         e.id.short_hex(), snap.counter, e.in_snapshot);
    if (it->second != e.id)
      return fmt::format("{} at {}, snapshot {} says {}: mix-and-match (refs from different states)", e.offered,
                         e.id.short_hex(), snap.counter, it->second.short_hex());
  }
  return "";
}

// The snapshots of one remote's fetch, each read and judged once.
class RemoteGate {
 public:
  RemoteGate(Repository& repo, Verifier& verifier, const Policy& policy, std::string remote, const Entries& moved,
             std::optional<Snapshot> accepted, int64_t now)
      : repo_(repo), verifier_(verifier), policy_(policy), remote_(std::move(remote)), moved_(moved),
        accepted_(std::move(accepted)), now_(now) {}

  // Judges the snapshots among `ids` not judged yet; the newest that
  // passes, or nullptr.
  const Snapshot* consider(const std::vector<ObjectId>& ids) {
    const Snapshot* best = nullptr;
    for (const auto& id : ids) {
      if (judged_.count(id)) continue;
      auto snap = read_snapshot(repo_, id);
      if (!snap) continue;
      std::string why = snapshot_problem(repo_, verifier_, policy_, *snap, accepted_, now_);
      if (why.empty()) why = mismatch(*snap, moved_);
      auto& j = judged_.emplace(id, Judged{std::move(*snap), std::move(why)}).first->second;
      if (j.why.empty() && (!best || j.snap.counter > best->counter)) best = &j.snap;
    }
    return best;
  }

  // The newest snapshot among `ids` that this clone has not accepted
  // before (neither the accepted one nor one of its ancestors), if it is
  // newer than `current`: what the remote offers now, when git has not
  // moved the snapshot ref yet.
  std::optional<ObjectId> newest_unseen(const std::vector<ObjectId>& ids, std::optional<ObjectId> current) const {
    uint64_t current_counter = 0;
    if (current)
      if (auto it = judged_.find(*current); it != judged_.end()) current_counter = it->second.snap.counter;
    for (const auto& id : ids) {
      auto it = judged_.find(id);
      if (it == judged_.end() || it->second.snap.counter <= current_counter) continue;
      if (accepted_) {
        auto seen = repo_.descendant_of(accepted_->commit, id);
        if (accepted_->commit == id || !seen || *seen) continue;
      }
      current = id;
      current_counter = it->second.snap.counter;
    }
    return current;
  }

  // "" after moving the accepted snapshot to `snap`, or why it cannot move.
  std::string accept(const Snapshot& snap) {
    if (accepted_ && accepted_->commit == snap.commit) return "";
    auto moved = repo_.set_ref(accepted_snapshot_ref(remote_), snap.commit,
                               fmt::format("warden: accepted snapshot {}", snap.counter));
    return moved ? "" : moved.error().message;
  }

  // The refusal: about `current` if it is a snapshot, else the newest.
  std::string refusal(const std::optional<ObjectId>& current) const {
    if (judged_.empty())
      return fmt::format("{} offers no signed snapshot, and the policy asks for one (snapshots.who: {}): the mirror "
                         "may be withholding it",
                         remote_, fmt::join(policy_.snapshots->who, ", "));
    const Judged* shown = nullptr;
    if (current)
      if (auto it = judged_.find(*current); it != judged_.end()) shown = &it->second;
    if (!shown)
      for (const auto& [id, j] : judged_)
        if (!shown || j.snap.counter > shown->snap.counter) shown = &j;
    if (!accepted_ || shown->snap.counter > accepted_->counter) return shown->why;
    // Nothing newer than what this clone holds: most often a fetch that
    // named its refs, which leaves refs/warden/snapshot behind.
    return fmt::format("{}. {} offers no snapshot newer than snapshot {}, which this clone accepted: if this fetch "
                       "named its refs (`git fetch {} main`, `git pull {} main`), git did not fetch "
                       "refs/warden/snapshot, so run `git fetch {}` first; otherwise the mirror may be withholding "
                       "the snapshot that names these refs",
                       shown->why, remote_, accepted_->counter, remote_, remote_, remote_);
  }

 private:
  struct Judged {
    Snapshot snap;
    std::string why;  // "" if it passes
  };
  Repository& repo_;
  Verifier& verifier_;
  const Policy& policy_;
  std::string remote_;
  const Entries& moved_;
  std::optional<Snapshot> accepted_;
  int64_t now_;
  std::map<ObjectId, Judged> judged_;
};

// Tags from a fetch of no configured remote (a URL): no snapshot can
// vouch for them, so they are refused if any trusted remote requires
// snapshots.
Result<std::string> check_unnamed_tags(const Repository& repo, Verifier& verifier, const FetchedRefs& fetch) {
  for (const auto& remote : repo.remote_names()) {
    if (!is_trusted_remote(repo, remote)) continue;
    auto governing = governing_policy(repo, verifier, remote, {});
    if (!governing) return governing.error();
    if (!governing->policy) continue;
    return fmt::format("{}: this fetch is from no configured remote, and the policy of {} asks for snapshots "
                       "(snapshots.who: {}), which vouch only for what is fetched from it: fetch the tags with `git "
                       "fetch {}`, or fetch this with --no-tags",
                       fetch.tags.front().first, remote, fmt::join(governing->policy->snapshots->who, ", "), remote);
  }
  return std::string();
}

Result<std::string> check_remote(Repository& repo, Verifier& verifier, const std::string& remote,
                                 const RemoteFetch& f, const FetchedRefs& fetch) {
  auto governing = governing_policy(repo, verifier, remote, f.entries);
  if (!governing) return governing.error();
  if (governing->readable == 0) {
    // A snapshot ref alone, before any ref of this remote is pinned: it
    // vouches for nothing yet (the refs it names are judged as they move).
    if (f.entries.empty()) return std::string();
    return fmt::format("cannot tell whether {} requires snapshots: no ref this fetch moves and no pin of {} carries "
                       "a policy warden can read ({}); fetch its branches that carry .warden/policy.yml (`git fetch "
                       "{}`), or, if {} is no remote warden should guard, name the ones it should with git config "
                       "warden.remote",
                       remote, remote, governing->unreadable.empty() ? "none found" : governing->unreadable, remote,
                       remote);
  }
  if (!governing->policy) return std::string();
  const Policy& policy = *governing->policy;

  std::optional<Snapshot> accepted;
  auto accepted_id = repo.ref_target(accepted_snapshot_ref(remote));
  if (!accepted_id) return accepted_id.error();
  if (*accepted_id) {
    auto snap = read_snapshot(repo, **accepted_id);
    if (!snap) return fmt::format("the last accepted snapshot is unreadable: {}", snap.error().message);
    accepted = std::move(*snap);
  }
  // The fetched snapshot ref itself never goes back, aside or ahead of the
  // clock, nor to another signer's snapshot, even when nothing else moves.
  for (const auto& id : f.snapshots) {
    std::string ref = fetched_snapshot_ref(remote);
    auto snap = read_snapshot(repo, id);
    if (!snap) return fmt::format("{} would move to {}: {}", ref, id.short_hex(), snap.error().message);
    std::string why = snapshot_trust_problem(repo, verifier, policy, *snap, accepted, fetch.now);
    if (!why.empty()) return fmt::format("{} would move: {}", ref, why);
  }
  auto fetched = repo.ref_target(fetched_snapshot_ref(remote));
  if (!fetched) return fetched.error();

  RemoteGate gate(repo, verifier, policy, remote, f.entries, accepted, fetch.now);
  if (f.entries.empty()) {
    // Only the snapshot moves (the server re-signed): a fresh one is the
    // accepted one from now on; a stale one vouches for nothing.
    const Snapshot* fresh = gate.consider(f.snapshots);
    return fresh ? gate.accept(*fresh) : std::string();
  }
  std::vector<ObjectId> ids = f.snapshots;
  if (*fetched) ids.push_back(**fetched);
  if (accepted) ids.push_back(accepted->commit);
  std::optional<ObjectId> current = f.snapshots.empty() ? *fetched : f.snapshots.back();
  const Snapshot* passing = gate.consider(ids);
  if (!passing && fetch.in_flight) {
    auto more = fetch.in_flight();
    passing = gate.consider(more);
    current = gate.newest_unseen(more, current);
  }
  if (passing) return gate.accept(*passing);
  return gate.refusal(current);
}

}  // namespace

Result<std::string> check_fetched_snapshots(Repository& repo, Verifier& verifier, const FetchedRefs& fetch) {
  std::map<std::string, RemoteFetch> by_remote;
  for (const auto& [ref, id] : fetch.moved) {
    std::string remote = remote_of_tracking_ref(repo, ref);
    if (remote.empty()) continue;
    std::string branch = ref.substr(("refs/remotes/" + remote + "/").size());
    by_remote[remote].entries.push_back({ref, "refs/heads/" + branch, remote + "/" + branch + " offered", id});
  }
  if (!fetch.tags.empty() && !fetch.tags_remote) {
    auto why = check_unnamed_tags(repo, verifier, fetch);
    if (!why || !why->empty()) return why;
  }
  if (fetch.tags_remote && is_trusted_remote(repo, *fetch.tags_remote))
    for (const auto& [ref, id] : fetch.tags)
      by_remote[*fetch.tags_remote].entries.push_back(
          {ref, ref, fmt::format("tag {} offered by {}", ref.substr(kTagPrefix.size()), *fetch.tags_remote), id});
  for (const auto& [ref, id] : fetch.snapshots)
    for (const auto& remote : repo.remote_names())
      if (ref == fetched_snapshot_ref(remote) && is_trusted_remote(repo, remote))
        by_remote[remote].snapshots.push_back(id);
  for (const auto& [remote, f] : by_remote) {
    auto why = check_remote(repo, verifier, remote, f, fetch);
    if (!why) return make_error(fmt::format("{}: {}", remote, why.error().message));
    if (!why->empty()) return why;
  }
  return std::string();
}

}  // namespace warden
