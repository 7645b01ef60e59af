#include "warden/client_trust.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <tuple>

#include "warden/pins.hpp"
#include "warden/trusted_verify.hpp"

namespace warden {

bool is_trusted_tracking_ref(const Repository& repo, const std::string& ref) {
  if (!ref.starts_with("refs/remotes/") || ref.ends_with("/HEAD")) return false;
  auto remotes = repo.config_strings("warden.remote");
  if (remotes.empty()) return true;
  for (const auto& r : remotes)
    if (ref.starts_with("refs/remotes/" + r + "/")) return true;
  return false;
}

bool is_trusted_remote(const Repository& repo, const std::string& remote) {
  auto remotes = repo.config_strings("warden.remote");
  return remotes.empty() || std::find(remotes.begin(), remotes.end(), remote) != remotes.end();
}

Result<std::vector<ObjectId>> remote_policy_commits(const Repository& repo, const std::string& remote,
                                                    const std::vector<std::pair<std::string, ObjectId>>& moved) {
  std::string prefix = "refs/remotes/" + remote + "/";
  std::vector<std::string> defaults;
  if (auto head = repo.symbolic_target(prefix + "HEAD")) defaults.push_back(*head);
  defaults.push_back(prefix + "main");
  defaults.push_back(prefix + "master");
  struct Candidate {
    size_t rank;  // its place in `defaults`, or defaults.size()
    bool pinned;  // a pin, not what this fetch brings
    std::string ref;
    ObjectId commit;
    auto key() const { return std::tie(rank, pinned, ref); }
  };
  std::vector<Candidate> found;
  auto add = [&](const std::string& ref, const ObjectId& commit, bool pinned) {
    size_t rank = std::find(defaults.begin(), defaults.end(), ref) - defaults.begin();
    found.push_back({rank, pinned, ref, commit});
  };
  for (const auto& [ref, id] : moved)
    if (auto commit = repo.peel_to_commit(id)) add(ref, *commit, false);
  auto pins = list_pins(repo);
  if (!pins) return pins.error();
  for (const auto& p : *pins)
    if (p.tracking_ref.starts_with(prefix)) add(p.tracking_ref, p.commit, true);
  std::stable_sort(found.begin(), found.end(),
                   [](const Candidate& a, const Candidate& b) { return a.key() < b.key(); });
  std::vector<ObjectId> out;
  std::set<ObjectId> seen;
  for (const auto& c : found)
    if (seen.insert(c.commit).second) out.push_back(c.commit);
  return out;
}

Result<std::vector<std::string>> pin_tracking_refs(Repository& repo, const Anchor& anchor) {
  auto refs = repo.list_refs();
  if (!refs) return refs.error();
  std::vector<std::string> problems;
  std::vector<std::pair<std::string, ObjectId>> to_pin;
  Verifier verifier(repo);
  for (const auto& r : *refs) {
    if (!is_trusted_tracking_ref(repo, r.name)) continue;
    auto commit = repo.peel_to_commit(r.target);
    if (!commit) return commit.error();
    auto result = verify_trusted(repo, verifier, anchor, *commit, TrustedVerify{});
    if (!result) return result.error();
    const VerifyReport& report = result->report;
    if (report.authenticated) {
      to_pin.emplace_back(r.name, *commit);
      continue;
    }
    problems.push_back(fmt::format("{}: {}", short_tracking_ref(r.name), refusal_reason(report)));
  }
  if (!problems.empty()) return problems;
  for (const auto& [ref, commit] : to_pin)
    WARDEN_TRY_STATUS(write_pin(repo, ref, commit, "pinned at install"));
  return problems;
}

std::optional<ObjectId> fetched_for_merge(const Repository& repo) {
  std::ifstream in(repo.git_dir() + "FETCH_HEAD");
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\tnot-for-merge\t") != std::string::npos) continue;
    if (auto id = ObjectId::from_hex(std::string_view(line).substr(0, GIT_OID_HEXSZ))) return id;
  }
  return std::nullopt;
}

}  // namespace warden
