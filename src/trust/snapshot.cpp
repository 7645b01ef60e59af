// Snapshots: the format (snapshot.json in a signed commit), writing the
// next one, and judging one for a client.
#include "warden/snapshot.hpp"

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "common/printable.hpp"

namespace warden {
namespace {

using Json = nlohmann::json;

std::string utc(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Result<Snapshot> parse_snapshot(std::string_view text, const ObjectId& commit) {
  auto where = [&](const std::string& what) {
    return make_error(fmt::format("commit {} is not a warden snapshot: {}", commit.short_hex(), printable(what)));
  };
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return where("snapshot.json is not a JSON object");
  for (const auto& [key, value] : j.items())
    if (key != "type" && key != "counter" && key != "time" && key != "refs") return where("unknown key '" + key + "'");
  if (!j.contains("type") || j["type"] != kSnapshotType) return where(fmt::format("its type is not {}", kSnapshotType));
  if (!j.contains("counter") || !j["counter"].is_number_unsigned() || j["counter"].get<uint64_t>() == 0)
    return where("'counter' must be a whole number of at least 1");
  if (!j.contains("time") || !j["time"].is_number_integer()) return where("'time' must be seconds since the epoch");
  if (!j.contains("refs") || !j["refs"].is_object()) return where("'refs' must map ref names to ids");
  Snapshot s;
  s.commit = commit;
  s.counter = j["counter"].get<uint64_t>();
  s.time = j["time"].get<int64_t>();
  for (const auto& [name, id] : j["refs"].items()) {
    auto parsed = id.is_string() ? ObjectId::from_hex(id.get<std::string>()) : std::nullopt;
    if (!name.starts_with("refs/") || !parsed || id.get<std::string>().size() != 40)
      return where(fmt::format("bad entry for '{}' in 'refs'", name));
    s.refs.emplace(name, *parsed);
  }
  return s;
}

std::string snapshot_json(uint64_t counter, int64_t time, const std::map<std::string, ObjectId>& refs) {
  Json j;
  j["type"] = kSnapshotType;
  j["counter"] = counter;
  j["time"] = time;
  j["refs"] = Json::object();
  for (const auto& [name, id] : refs) j["refs"][name] = id.hex();
  return j.dump(2) + "\n";
}

Result<Snapshot> read_snapshot(const Repository& repo, const ObjectId& commit) {
  auto data = repo.read_commit(commit);
  if (!data) return data.error();
  if (data->parents.size() > 1)
    return make_error(fmt::format("commit {} is not a warden snapshot: it has {} parents", commit.short_hex(),
                                  data->parents.size()));
  auto file = repo.read_file(data->tree, kSnapshotFile, kMaxSnapshotBytes);
  if (!file) return file.error();
  if (!*file) return make_error(fmt::format("commit {} is not a warden snapshot: no {}", commit.short_hex(), kSnapshotFile));
  auto snap = parse_snapshot((*file)->content, commit);
  if (!snap) return snap.error();
  if (!data->parents.empty()) snap->parent = data->parents.front();
  return snap;
}

Result<Snapshot> write_snapshot(Repository& repo, int64_t now,
                                const std::function<Result<std::string>(const std::string&)>& sign) {
  std::map<std::string, ObjectId> refs;
  for (const char* glob : {"refs/heads/*", "refs/tags/*"}) {
    auto listed = repo.list_refs(glob);
    if (!listed) return listed.error();
    for (const auto& r : *listed) refs.emplace(r.name, r.target);
  }
  auto previous = repo.ref_target(kSnapshotRef);
  if (!previous) return previous.error();
  uint64_t counter = 1;
  if (*previous) {
    auto last = read_snapshot(repo, **previous);
    if (!last) return make_error(fmt::format("{} does not hold a snapshot: {}", kSnapshotRef, last.error().message));
    counter = last->counter + 1;
  }
  std::string message = fmt::format("warden snapshot {}\n\n{} ref{} at {}\n", counter, refs.size(),
                                    refs.size() == 1 ? "" : "s", utc(now));
  auto id = repo.commit_signed_files(kSnapshotRef, *previous, {{kSnapshotFile, snapshot_json(counter, now, refs)}},
                                     message, sign);
  if (!id) return id.error();
  Snapshot out;
  out.commit = *id;
  out.parent = *previous;
  out.counter = counter;
  out.time = now;
  out.refs = std::move(refs);
  return out;
}

std::string age_in_words(int64_t seconds) {
  if (seconds < 0) return "in the future";
  if (seconds >= 86400) return fmt::format("{} day{}", seconds / 86400, seconds / 86400 == 1 ? "" : "s");
  if (seconds >= 3600) return fmt::format("{} hour{}", seconds / 3600, seconds / 3600 == 1 ? "" : "s");
  if (seconds >= 60) return fmt::format("{} minute{}", seconds / 60, seconds / 60 == 1 ? "" : "s");
  return fmt::format("{} second{}", seconds, seconds == 1 ? "" : "s");
}

std::string snapshot_when(int64_t time, int64_t now) {
  if (time <= now) return fmt::format("signed {} ago", age_in_words(now - time));
  return fmt::format("dated {} ahead of this clock{}", age_in_words(time - now),
                     time - now > kSnapshotClockSkew
                         ? fmt::format(" (more than the {} of skew allowed: fetches refuse it)", kSnapshotClockSkewText)
                         : "");
}

std::string snapshot_trust_problem(const Repository& repo, Verifier& verifier, const Policy& policy,
                                   const Snapshot& snap, const std::optional<Snapshot>& accepted, int64_t now) {
  std::string name = fmt::format("snapshot {} ({})", snap.counter, snap.commit.short_hex());
  auto who = verifier.commit_signer(snap.commit, policy);
  if (!who) return fmt::format("{} cannot be trusted: {}", name, who.error().message);
  if (!policy.snapshots->people.count(*who))
    return fmt::format("{} is signed by {}, who is not in snapshots.who ({})", name, *who,
                       fmt::join(policy.snapshots->who, ", "));
  if (accepted && accepted->commit != snap.commit) {
    auto descends = repo.descendant_of(snap.commit, accepted->commit);
    if (!descends) return fmt::format("{}: {}", name, descends.error().message);
    std::string last = fmt::format("snapshot {} ({}), the last one this clone accepted", accepted->counter,
                                   accepted->commit.short_hex());
    if (snap.counter < accepted->counter)
      return fmt::format("{} is older than {}: the snapshot chain was rewound or replaced", name, last);
    if (!*descends || snap.counter == accepted->counter)
      return fmt::format("{} does not descend from {}: the snapshot chain was rewound or replaced", name, last);
  }
  if (snap.time - now > kSnapshotClockSkew)
    return fmt::format("{} is dated {} ahead of this clock (more than the {} of skew allowed): a snapshot from the "
                       "future would stay fresh long past max-age; if this machine's clock is behind, set it right",
                       name, age_in_words(snap.time - now), kSnapshotClockSkewText);
  return "";
}

std::string snapshot_problem(const Repository& repo, Verifier& verifier, const Policy& policy, const Snapshot& snap,
                             const std::optional<Snapshot>& accepted, int64_t now) {
  if (std::string why = snapshot_trust_problem(repo, verifier, policy, snap, accepted, now); !why.empty()) return why;
  int64_t age = now - snap.time;
  if (age > policy.snapshots->max_age)
    return fmt::format("snapshot {} ({}) is {} old (max-age {}): the mirror may be frozen", snap.counter,
                       snap.commit.short_hex(), age_in_words(age), policy.snapshots->max_age_text);
  return "";
}

}  // namespace warden
