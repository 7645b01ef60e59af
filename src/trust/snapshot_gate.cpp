// The client's snapshot check on a fetch: freeze, mix-and-match and
// snapshot rollback (DESIGN section 6b).
#include <fmt/format.h>

#include <algorithm>

#include "warden/pins.hpp"
#include "warden/snapshot.hpp"

namespace warden {

std::string fetched_snapshot_ref(const std::string& remote) { return "refs/warden/remotes/" + remote + "/snapshot"; }
std::string accepted_snapshot_ref(const std::string& remote) { return "refs/warden/accepted-snapshots/" + remote; }
std::string snapshot_refspec(const std::string& remote) {
  return fmt::format("+refs/warden/snapshot*:refs/warden/remotes/{}/snapshot*", remote);
}

std::string remote_of_tracking_ref(const Repository& repo, const std::string& tracking_ref) {
  std::string best;
  for (const auto& r : repo.remote_names())
    if (tracking_ref.starts_with("refs/remotes/" + r + "/") && r.size() > best.size()) best = r;
  return best;
}

namespace {

// The commit whose policy says whether and how this remote's snapshots are
// checked: the remote's default branch where this fetch moves it, else
// where it is pinned (a mirror cannot roll it back to before snapshots).
Result<std::optional<ObjectId>> governing_commit(const Repository& repo, const SnapshotGate& gate) {
  std::string prefix = "refs/remotes/" + gate.remote + "/";
  std::vector<std::string> names;
  if (auto head = repo.symbolic_target(prefix + "HEAD")) names.push_back(*head);
  names.push_back(prefix + "main");
  names.push_back(prefix + "master");
  for (const auto& name : names) {
    for (const auto& [ref, id] : gate.moved)
      if (ref == name) return std::optional<ObjectId>(id);
    auto pin = read_pin(repo, name);
    if (!pin) return pin.error();
    if (*pin) return *pin;
  }
  return std::optional<ObjectId>();
}

// Why `snap` does not describe what the fetch moves, or "".
std::string mismatch(const Snapshot& snap, const SnapshotGate& gate) {
  std::string prefix = "refs/remotes/" + gate.remote + "/";
  for (const auto& [ref, id] : gate.moved) {
    std::string branch = "refs/heads/" + ref.substr(prefix.size());
    std::string shown = gate.remote + "/" + ref.substr(prefix.size());
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

// "" once a snapshot among `ids` passes (it becomes the accepted one),
// else the newest one's problem.
std::string judge(Repository& repo, Verifier& verifier, const Policy& policy, const SnapshotGate& gate,
                  const std::optional<Snapshot>& accepted, const std::optional<ObjectId>& current,
                  std::vector<ObjectId> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<Snapshot> snaps;
  for (const auto& id : ids)
    if (auto s = read_snapshot(repo, id)) snaps.push_back(std::move(*s));
  std::sort(snaps.begin(), snaps.end(), [](const Snapshot& a, const Snapshot& b) { return a.counter > b.counter; });
  if (snaps.empty())
    return fmt::format("{} offers no signed snapshot, and the policy asks for one (snapshots.who: {}): the mirror "
                       "may be withholding it",
                       gate.remote, fmt::join(policy.snapshots->who, ", "));
  // The refusal speaks of the snapshot the remote offers now, if it has
  // one, else of the newest.
  std::string first_problem, current_problem;
  for (const auto& snap : snaps) {
    std::string why = snapshot_problem(repo, verifier, policy, snap, accepted, gate.now);
    if (why.empty()) why = mismatch(snap, gate);
    if (why.empty()) {
      if (!accepted || accepted->commit != snap.commit) {
        auto moved = repo.set_ref(accepted_snapshot_ref(gate.remote), snap.commit,
                                  fmt::format("warden: accepted snapshot {}", snap.counter));
        if (!moved) return moved.error().message;
      }
      return "";
    }
    if (first_problem.empty()) first_problem = why;
    if (current && *current == snap.commit) current_problem = why;
  }
  return current_problem.empty() ? first_problem : current_problem;
}

}  // namespace

Result<std::string> check_snapshot_gate(Repository& repo, Verifier& verifier, const SnapshotGate& gate) {
  auto governing = governing_commit(repo, gate);
  if (!governing) return governing.error();
  if (!*governing) return std::string();
  auto policy = verifier.policy_at(**governing);
  if (!policy) return fmt::format("cannot read the policy that governs snapshots: {}", policy.error().message);
  if (!(*policy)->snapshots) return std::string();

  std::optional<Snapshot> accepted;
  auto accepted_id = repo.ref_target(accepted_snapshot_ref(gate.remote));
  if (!accepted_id) return accepted_id.error();
  if (*accepted_id) {
    auto snap = read_snapshot(repo, **accepted_id);
    if (!snap) return fmt::format("the last accepted snapshot is unreadable: {}", snap.error().message);
    accepted = std::move(*snap);
  }
  auto fetched = repo.ref_target(fetched_snapshot_ref(gate.remote));
  if (!fetched) return fetched.error();
  std::vector<ObjectId> ids = gate.offered;
  if (*fetched) ids.push_back(**fetched);
  if (accepted) ids.push_back(accepted->commit);
  std::optional<ObjectId> current = *fetched;
  if (!gate.offered.empty()) current = gate.offered.back();
  auto verdict = judge(repo, verifier, **policy, gate, accepted, current, ids);
  if (verdict.empty() || !gate.in_flight) return verdict;
  auto more = gate.in_flight();
  if (more.empty()) return verdict;
  ids.insert(ids.end(), more.begin(), more.end());
  // What the remote offers now may be among them (git moves the merged
  // branch before the snapshot ref): the newest one this clone has not
  // seen accepted before, if it is newer than the fetched ref.
  uint64_t current_counter = 0;
  if (current)
    if (auto s = read_snapshot(repo, *current)) current_counter = s->counter;
  for (const auto& id : more) {
    auto s = read_snapshot(repo, id);
    if (!s || s->counter <= current_counter) continue;
    if (accepted) {
      auto seen = repo.descendant_of(accepted->commit, id);
      if (accepted->commit == id || !seen || *seen) continue;
    }
    current = id;
    current_counter = s->counter;
  }
  return judge(repo, verifier, **policy, gate, accepted, current, ids);
}

}  // namespace warden
