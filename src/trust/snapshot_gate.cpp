// The client's snapshot check on a fetch: freeze, mix-and-match and
// snapshot rollback (DESIGN section 6b).
#include <fmt/format.h>

#include <map>

#include "warden/pins.hpp"
#include "warden/snapshot.hpp"

namespace warden {

std::string fetched_snapshot_ref(const std::string& remote) { return "refs/warden/remotes/" + remote + "/snapshot"; }
std::string accepted_snapshot_ref(const std::string& remote) { return "refs/warden/accepted-snapshots/" + remote; }
std::string snapshot_refspec(const std::string& remote) {
  return fmt::format("+refs/warden/snapshot*:refs/warden/remotes/{}/snapshot*", remote);
}

namespace {

// The remote a remote-tracking ref belongs to (the longest configured
// remote name it starts with), or "" if none.
std::string remote_of_tracking_ref(const Repository& repo, const std::string& tracking_ref) {
  std::string best;
  for (const auto& r : repo.remote_names())
    if (tracking_ref.starts_with("refs/remotes/" + r + "/") && r.size() > best.size()) best = r;
  return best;
}

using Moves = std::vector<std::pair<std::string, ObjectId>>;

// The commit whose policy says whether and how this remote's snapshots are
// checked: the remote's default branch where this fetch moves it, else
// where it is pinned (a mirror cannot roll it back to before snapshots).
Result<std::optional<ObjectId>> governing_commit(const Repository& repo, const std::string& remote, const Moves& moved) {
  std::string prefix = "refs/remotes/" + remote + "/";
  std::vector<std::string> names;
  if (auto head = repo.symbolic_target(prefix + "HEAD")) names.push_back(*head);
  names.push_back(prefix + "main");
  names.push_back(prefix + "master");
  for (const auto& name : names) {
    for (const auto& [ref, id] : moved)
      if (ref == name) return std::optional<ObjectId>(id);
    auto pin = read_pin(repo, name);
    if (!pin) return pin.error();
    if (*pin) return *pin;
  }
  return std::optional<ObjectId>();
}

// Why `snap` does not describe what the fetch moves, or "".
std::string mismatch(const Snapshot& snap, const std::string& remote, const Moves& moved) {
  std::string prefix = "refs/remotes/" + remote + "/";
  for (const auto& [ref, id] : moved) {
    std::string branch = "refs/heads/" + ref.substr(prefix.size());
    std::string shown = remote + "/" + ref.substr(prefix.size());
    auto it = snap.refs.find(branch);
    if (it == snap.refs.end())
      return fmt::format("{} offered at {}, snapshot {} has no {}: a ref the signed state never held", shown,
                         id.short_hex(), snap.counter, branch);
    if (it->second != id)
      return fmt::format("{} offered at {}, snapshot {} says {}: mix-and-match (refs from different states)", shown,
                         id.short_hex(), snap.counter, it->second.short_hex());
  }
  return "";
}

// The snapshots of one remote's fetch, each read and judged once.
class RemoteGate {
 public:
  RemoteGate(Repository& repo, Verifier& verifier, const Policy& policy, std::string remote, const Moves& moved,
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
      if (why.empty()) why = mismatch(*snap, remote_, moved_);
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
  const Moves& moved_;
  std::optional<Snapshot> accepted_;
  int64_t now_;
  std::map<ObjectId, Judged> judged_;
};

Result<std::string> check_remote(Repository& repo, Verifier& verifier, const std::string& remote, const Moves& moved,
                                 const FetchedRefs& fetch) {
  auto governing = governing_commit(repo, remote, moved);
  if (!governing) return governing.error();
  if (!*governing) return std::string();
  auto policy = verifier.policy_at(**governing);
  if (!policy) return fmt::format("cannot read the policy that governs snapshots: {}", policy.error().message);
  if (!(*policy)->snapshots) return std::string();

  std::optional<Snapshot> accepted;
  auto accepted_id = repo.ref_target(accepted_snapshot_ref(remote));
  if (!accepted_id) return accepted_id.error();
  if (*accepted_id) {
    auto snap = read_snapshot(repo, **accepted_id);
    if (!snap) return fmt::format("the last accepted snapshot is unreadable: {}", snap.error().message);
    accepted = std::move(*snap);
  }
  auto fetched = repo.ref_target(fetched_snapshot_ref(remote));
  if (!fetched) return fetched.error();

  RemoteGate gate(repo, verifier, **policy, remote, moved, accepted, fetch.now);
  std::vector<ObjectId> ids = fetch.offered;
  if (*fetched) ids.push_back(**fetched);
  if (accepted) ids.push_back(accepted->commit);
  std::optional<ObjectId> current = fetch.offered.empty() ? *fetched : fetch.offered.back();
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
  std::map<std::string, Moves> by_remote;
  for (const auto& [ref, id] : fetch.moved) {
    std::string remote = remote_of_tracking_ref(repo, ref);
    if (!remote.empty()) by_remote[remote].emplace_back(ref, id);
  }
  for (const auto& [remote, moved] : by_remote) {
    auto why = check_remote(repo, verifier, remote, moved, fetch);
    if (!why) return make_error(fmt::format("{}: {}", remote, why.error().message));
    if (!why->empty()) return why;
  }
  return std::string();
}

}  // namespace warden
