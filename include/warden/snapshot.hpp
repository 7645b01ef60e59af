// Signed snapshots of a repository's refs (DESIGN section 6b): every
// branch and tag (name -> id), a time and a counter, in the file
// snapshot.json of a signed commit on refs/warden/snapshot whose parent is
// the previous snapshot. A client whose policy has `snapshots:` accepts a
// fetch only if a snapshot signed by a snapshot key, descending from the
// last one it accepted and younger than max-age, names exactly the ids the
// fetch moves its remote-tracking refs to. The format is in
// docs/attestations.md.
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

// "7d", "3h 20m": an age in words for messages.
std::string age_in_words(int64_t seconds);

// Why `snap` is no snapshot a client may rely on under `policy` (whose
// `snapshots` section is set), or "" if it is: signed by a person of
// snapshots.who, `accepted` itself or a descendant of it with a higher
// counter, and no older than max-age at `now`. Each reason names the
// attack it looks like.
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
  std::vector<std::pair<std::string, ObjectId>> moved;  // remote-tracking ref -> the commit it moves to
  std::vector<ObjectId> offered;  // snapshot commits the fetch's own transaction brings
  // More places to look when those do not do: the commits the fetch wrote
  // but no ref names yet (git moves the merged branch's ref first).
  std::function<std::vector<ObjectId>()> in_flight;
  int64_t now = 0;
};

// "" if the fetch may go on, remote by remote: the governing policy (at
// the remote's default branch: where this fetch moves it, else its pin)
// has no `snapshots:`, or a snapshot offered, fetched, accepted before or
// found in flight passes snapshot_problem and names exactly the ids of
// every ref moved from that remote; the accepted snapshot then moves to
// it. Otherwise the refusal, naming the attack it looks like and speaking
// of the snapshot the remote offers now.
Result<std::string> check_fetched_snapshots(Repository& repo, Verifier& verifier, const FetchedRefs& fetch);

}  // namespace warden
