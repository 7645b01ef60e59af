// Signed snapshots of a repository's refs (DESIGN section 6b): every
// branch and tag (name -> id), a time and a counter, in the file
// snapshot.json of a signed commit on refs/warden/snapshot whose parent is
// the previous snapshot. A client whose policy has `snapshots:` accepts a
// fetch only if a snapshot signed by a snapshot key, descending from the
// last one it accepted, younger than max-age and not dated ahead of its
// clock (beyond kSnapshotClockSkew), names exactly the ids the fetch moves
// its remote-tracking refs and tags to. The format is in
// docs/attestations.md, the client's rules in docs/client.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "warden/policy.hpp"
#include "warden/repository.hpp"
#include "warden/verifier.hpp"

namespace warden {

inline constexpr const char* kSnapshotRef = "refs/warden/snapshot";
inline constexpr const char* kSnapshotFile = "snapshot.json";
inline constexpr const char* kSnapshotType = "urn:warden:snapshot:v1";
inline constexpr size_t kMaxSnapshotBytes = 16 << 20;
// How far ahead of the client's clock a snapshot's time may be (clocks
// drift): one dated later would stay fresh until long after max-age.
inline constexpr int64_t kSnapshotClockSkew = 5 * 60;
inline constexpr const char* kSnapshotClockSkewText = "5 minutes";

struct Snapshot {
  ObjectId commit;
  std::optional<ObjectId> parent;
  uint64_t counter = 0;
  int64_t time = 0;                       // seconds since the epoch, UTC
  std::map<std::string, ObjectId> refs;   // "refs/heads/main" -> id
};

// The JSON text of a snapshot (keys sorted, one ref per line).
std::string snapshot_json(uint64_t counter, int64_t time, const std::map<std::string, ObjectId>& refs);
// Parses the text of snapshot.json, found in `commit` (named in errors).
Result<Snapshot> parse_snapshot(std::string_view text, const ObjectId& commit);
// Reads the snapshot in `commit`; an Error if it is not one.
Result<Snapshot> read_snapshot(const Repository& repo, const ObjectId& commit);

// Writes the next snapshot of the repository's branches and tags onto
// refs/warden/snapshot (counter one past the previous one), at `now`;
// `sign` returns the armored signature of the commit's text.
Result<Snapshot> write_snapshot(Repository& repo, int64_t now,
                                const std::function<Result<std::string>(const std::string&)>& sign);

// "7 days", "3 hours": an age in words for messages (its largest unit).
std::string age_in_words(int64_t seconds);
// When a snapshot of `time` was signed, seen at `now`: "signed 2 hours
// ago", or "dated 3 minutes ahead of this clock" (and, beyond the skew,
// that a fetch refuses it).
std::string snapshot_when(int64_t time, int64_t now);

// Why `snap` cannot be trusted under `policy` (whose `snapshots` section
// is set), or "" if it can: signed by a person of snapshots.who, `accepted`
// itself or a descendant of it with a higher counter, and dated no more
// than kSnapshotClockSkew ahead of `now`. Each reason names the attack it
// looks like. Says nothing of its age.
std::string snapshot_trust_problem(const Repository& repo, Verifier& verifier, const Policy& policy,
                                   const Snapshot& snap, const std::optional<Snapshot>& accepted, int64_t now);
// snapshot_trust_problem, and no older than max-age at `now`: whether a
// client may rely on `snap` for the refs it names.
std::string snapshot_problem(const Repository& repo, Verifier& verifier, const Policy& policy, const Snapshot& snap,
                             const std::optional<Snapshot>& accepted, int64_t now);

// On a client: where a fetch from `remote` puts the remote's snapshot, the
// last snapshot of that remote this clone accepted, and the fetch refspec
// (a pattern, so a remote without snapshots is no error for git).
std::string fetched_snapshot_ref(const std::string& remote);
std::string accepted_snapshot_ref(const std::string& remote);
std::string snapshot_refspec(const std::string& remote);

// A fetch, as its reference-transaction hook sees it once every ref it
// moves has authenticated (a clone or a first install: every
// remote-tracking ref counts as moved).
struct FetchedRefs {
  std::vector<std::pair<std::string, ObjectId>> moved;  // remote-tracking ref -> the id it moves to
  // Tags the fetch writes (refs/tags/...) -> the id it writes (a tag
  // object or a commit), and the configured remote it fetches from
  // (nullopt: a URL, or warden cannot tell).
  std::vector<std::pair<std::string, ObjectId>> tags;
  std::optional<std::string> tags_remote;
  // The fetched snapshot refs (fetched_snapshot_ref) the fetch's own
  // transaction moves -> their new snapshot commit.
  std::vector<std::pair<std::string, ObjectId>> snapshots;
  // More places to look when those do not do: the commits the fetch wrote
  // but no ref names yet (git moves the merged branch's ref first).
  std::function<std::vector<ObjectId>()> in_flight;
  int64_t now = 0;
};

// "" if the fetch may go on, remote by remote (DESIGN section 6b). The
// policies that say whether a remote's snapshots are required are those
// at every commit the fetch moves a ref of that remote to and at every pin
// of that remote; any with `snapshots:` requires them, and the first (the
// remote's default branch, then the newest commit) says how. When none
// can be read, the fetch is refused. Otherwise, when required:
//   - every fetched snapshot ref moved must pass snapshot_trust_problem
//     (no rollback, no foreign signer, no future date);
//   - a snapshot offered, fetched, accepted before or found in flight must
//     pass snapshot_problem and name exactly the id of every ref moved from
//     that remote: remote-tracking refs as its refs/heads/..., tags as
//     themselves (the id written, a tag object for an annotated tag);
//   - tags from no configured remote are refused if any trusted remote
//     requires snapshots.
// The accepted snapshot then moves to the one that passed (a fetch that
// moves only the snapshot ref moves it if it is also fresh). Otherwise
// the refusal, naming the attack it looks like.
Result<std::string> check_fetched_snapshots(Repository& repo, Verifier& verifier, const FetchedRefs& fetch);

}  // namespace warden
