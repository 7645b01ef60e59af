// git warden hook reference-transaction STATE: the client's gate. In the
// "prepared" state it refuses (and so aborts the fetch) any update of a
// trusted remote-tracking ref whose new tip does not descend from its pin
// (rollback or rewrite) or does not authenticate; in "committed" it moves
// the pins. Updates of any other ref pass without opening the repository.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/verify_report.hpp"
#include "hooks/client_setup.hpp"
#include "hooks/hook_runner.hpp"
#include "warden/anchor.hpp"
#include "warden/pins.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {
namespace {

constexpr size_t kMaxInput = 64 << 20;

struct TrackingUpdate {
  std::string ref;
  ObjectId old_id, new_id;
};

bool parse_hex_id(std::string_view hex, ObjectId& out) {
  auto id = ObjectId::from_hex(hex);
  if (id) out = *id;
  return id.has_value();
}

// The updates of remote-tracking refs, from "<old> <new> <ref>" lines.
// Lines about other refs are passed over unread.
Result<std::vector<TrackingUpdate>> tracking_updates(std::string_view input) {
  std::vector<TrackingUpdate> out;
  while (!input.empty()) {
    size_t eol = input.find('\n');
    std::string_view line = input.substr(0, eol);
    input.remove_prefix(eol == std::string_view::npos ? input.size() : eol + 1);
    size_t s2 = line.find(' ', line.find(' ') + 1);
    if (s2 == std::string_view::npos) continue;
    std::string_view ref = line.substr(s2 + 1);
    if (!ref.starts_with("refs/remotes/")) continue;
    TrackingUpdate u;
    u.ref = ref;
    if (s2 != 2 * GIT_OID_HEXSZ + 1 || !parse_hex_id(line.substr(0, 40), u.old_id) || line[40] != ' ' || !parse_hex_id(line.substr(41, 40), u.new_id))
      return make_error(fmt::format("malformed reference-transaction input for {}", u.ref));
    out.push_back(std::move(u));
  }
  return out;
}

int chained_or(int status, const std::string& chained, const std::string& state, const std::string& input) {
  if (status != kExitOk || chained.empty() || ::access(chained.c_str(), X_OK) != 0) return status;
  auto r = hooks::run_with_input(chained, {state}, input);
  if (!r) {
    std::cerr << "warden: " << r.error().message << "\n";
    return kExitRefused;
  }
  return *r;
}

int refuse(const std::string& why) {
  std::cerr << "warden: refused: " << why << "\n";
  return kExitRefused;
}

int prepared(Repository& repo, const std::vector<TrackingUpdate>& updates) {
  auto anchor = load_anchor(repo, std::nullopt);
  if (!anchor) return refuse(fmt::format("cannot check remote-tracking refs: {}", anchor.error().message));
  Verifier verifier(repo);
  for (const auto& u : updates) {
    if (u.new_id.is_zero()) continue;  // fetch --prune: the pin stays
    std::string name = short_tracking_ref(u.ref);
    auto commit = repo.peel_to_commit(u.new_id);
    if (!commit) return refuse(fmt::format("{}: {}", name, commit.error().message));
    auto pin = read_pin(repo, u.ref);
    if (!pin) return refuse(pin.error().message);
    TrustedVerify how;
    if (*pin) {
      if (**pin != *commit) {
        auto d = repo.descendant_of(*commit, **pin);
        if (!d) return refuse(d.error().message);
        if (!*d)
          return refuse(fmt::format("rollback or rewrite of {}: pinned {}, offered {} (if this is intended, run "
                                    "'git warden pin reset {}')",
                                    name, (*pin)->short_hex(), commit->short_hex(), name));
      }
      how.known_good.push_back(**pin);
      how.previous_tip = **pin;
    }
    auto result = verify_trusted(repo, verifier, *anchor, *commit, how);
    if (!result) return refuse(fmt::format("{}: {}", name, result.error().message));
    const VerifyReport& report = result->report;
    if (!report.authenticated) {
      return refuse(fmt::format("{} would move to unauthenticated history: {}", name, refusal_reason(report)));
    }
    if (!report.verdicts.empty())
      std::cerr << fmt::format("warden: {}: {} new commit{} authenticated\n", name, report.verdicts.size(),
                               report.verdicts.size() == 1 ? "" : "s");
  }
  return kExitOk;
}

int committed(Repository& repo, const std::vector<TrackingUpdate>& updates) {
  int status = kExitOk;
  for (const auto& u : updates) {
    if (u.new_id.is_zero()) continue;
    auto commit = repo.peel_to_commit(u.new_id);
    if (!commit) continue;
    if (auto s = write_pin(repo, u.ref, *commit, "fetched"); !s) {
      std::cerr << "warden: cannot move the pin of " << short_tracking_ref(u.ref) << ": " << s.error().message << "\n";
      status = kExitRefused;
    }
  }
  return status;
}

}  // namespace

int run_hook_reference_transaction(const std::string& state, const std::string& chained) {
  auto input = hooks::read_stdin(kMaxInput);
  if (!input) return refuse(input.error().message);
  auto updates = tracking_updates(*input);
  if (!updates) return refuse(updates.error().message);
  // The fast path: nothing about remote-tracking refs, nothing to open.
  if (updates->empty() || (state != "prepared" && state != "committed")) return chained_or(kExitOk, chained, state, *input);

  auto repo = hooks::open_hook_repository();
  if (!repo) return refuse(repo.error().message);
  std::vector<TrackingUpdate> trusted;
  for (auto& u : *updates)
    if (hooks::is_trusted_tracking_ref(*repo, u.ref)) trusted.push_back(std::move(u));
  int status = kExitOk;
  if (!trusted.empty()) status = state == "prepared" ? prepared(*repo, trusted) : committed(*repo, trusted);
  return chained_or(status, chained, state, *input);
}

}  // namespace warden::cli
