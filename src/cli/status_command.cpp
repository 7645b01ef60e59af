// git warden status: the anchor, the pins, how old the pinned commits are,
// and whether the remote-tracking refs still match their pins.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "warden/anchor.hpp"
#include "warden/pins.hpp"
#include "warden/snapshot.hpp"
#include "common/clock.hpp"

namespace warden::cli {
namespace {

std::string age(int64_t then) {
  int64_t s = static_cast<int64_t>(std::time(nullptr)) - then;
  if (s < 0) return "in the future";
  if (s == 1) return "1 second ago";
  if (s < 120) return fmt::format("{} seconds ago", s);
  if (s < 7200) return fmt::format("{} minutes ago", s / 60);
  if (s < 172800) return fmt::format("{} hours ago", s / 3600);
  return fmt::format("{} days ago", s / 86400);
}

}  // namespace

int run_status() {
  auto repo = Repository::open(".");
  if (!repo) return std::cerr << "warden: error: " << repo.error().message << "\n", kExitUsage;
  auto anchor = load_anchor(*repo, std::nullopt);
  if (!anchor) {
    std::cout << "anchor: none (git warden trust --anchor COMMIT:FINGERPRINT)\n";
  } else {
    std::cout << fmt::format("anchor: {} signed by {}\n", anchor->commit.hex(), anchor->fingerprint);
  }
  auto pins = list_pins(*repo);
  if (!pins) return std::cerr << "warden: error: " << pins.error().message << "\n", kExitUsage;
  if (pins->empty()) std::cout << "pins: none (git warden install --client)\n";
  else std::cout << "pins:\n";
  int mismatched = 0;
  for (const auto& p : *pins) {
    auto c = repo->read_commit(p.commit);
    std::string when = c ? "committed " + age(c->committer_time) : "commit missing";
    auto tip = repo->ref_target(p.tracking_ref);
    std::string tracking;
    if (!tip || !*tip) {
      tracking = "tracking ref gone (pruned); the pin stays";
    } else if (**tip == p.commit) {
      tracking = "tracking ref matches";
    } else {
      tracking = fmt::format("tracking ref at {}, NOT the pinned commit", (*tip)->short_hex());
      ++mismatched;
    }
    std::cout << fmt::format("  {:<24} {} \"{}\"  {}; {}\n", short_tracking_ref(p.tracking_ref), p.commit.short_hex(),
                             c ? c->summary : "?", when, tracking);
  }
  for (const auto& remote : repo->remote_names()) {
    auto accepted = repo->ref_target(accepted_snapshot_ref(remote));
    if (!accepted || !*accepted) continue;
    auto snap = read_snapshot(*repo, **accepted);
    if (!snap) {
      std::cout << fmt::format("snapshot of {}: unreadable ({})\n", remote, snap.error().message);
      continue;
    }
    std::cout << fmt::format("snapshot of {}: counter {}, {}, {} ref{}\n", remote, snap->counter,
                             snapshot_when(snap->time, now_seconds()), snap->refs.size(),
                             snap->refs.size() == 1 ? "" : "s");
  }
  return mismatched == 0 ? kExitOk : kExitRefused;
}

Command add_status_command(CLI::App& app) {
  return {app.add_subcommand("status", "Show the anchor and the pins"), [] { return run_status(); }};
}

}  // namespace warden::cli
