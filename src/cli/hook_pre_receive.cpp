// git warden hook pre-receive: the server's gate. Reads the ref updates,
// decides each (push_check.cpp), prints why to stderr (the pusher sees
// "remote:" lines), and refuses the whole push if any update is refused.
// Every error refuses: this hook fails closed.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "hooks/hook_runner.hpp"
#include "common/clock.hpp"
#include "server/push_audit.hpp"
#include "server/server_config.hpp"
#include "warden/anchor.hpp"

namespace warden::cli {
namespace {

constexpr size_t kMaxInput = 64 << 20;

int refuse_all(const std::string& why) {
  std::cerr << "warden: push refused: " << why << "\n";
  return kExitRefused;
}

// The hook warden was chained in front of runs last, with the same input:
// "" if it accepts, else why not.
std::string chained_refusal(Repository& repo, const std::string& input) {
  auto status = hooks::run_chained(repo, "pre-receive", {}, input);
  if (!status) return status.error().message;
  if (*status != 0) return fmt::format("the chained pre-receive hook refused (exit {})", *status);
  return "";
}

}  // namespace

int run_hook_pre_receive() {
  hooks::set_deadline(hooks::kDefaultHookTimeoutMs);
  auto repo = hooks::open_hook_repository();
  if (!repo) return refuse_all(repo.error().message);
  auto timeout = hooks::hook_timeout_ms(*repo);
  if (!timeout) return refuse_all(timeout.error().message);
  hooks::set_deadline(*timeout);
  if (auto s = repo->add_object_directories_from_environment(); !s) return refuse_all(s.error().message);

  auto input = hooks::read_stdin(kMaxInput);
  if (!input) return refuse_all(input.error().message);
  auto updates = parse_ref_updates(*input);
  if (!updates) return refuse_all(updates.error().message);
  const auto pusher = server::pusher_from_environment();
  const auto audit_log = repo->config_string("warden.auditLog");
  // Every decision is logged before the push is refused or goes on; a log
  // that cannot be written refuses the push (what is not recorded does not land).
  auto record = [&](const std::vector<RefDecision>& decisions) -> Status {
    if (!audit_log) return Status::success();
    return server::append_audit_log(*audit_log, pusher, *updates, decisions, now_seconds());
  };
  // Each decision shown (an accepted ref's message too, where `say_why`),
  // then logged. Once warden accepts every ref, the chained hook has the
  // last word, and the log records what it said: a push it refused did not
  // land.
  auto conclude = [&](std::vector<RefDecision>& decisions, bool say_why) -> int {
    size_t refused = 0;
    for (const auto& d : decisions) {
      std::cerr << fmt::format("warden: {}: {}{}\n", d.ref,
                               d.ok ? (say_why ? "ok: " + d.message : "ok") : "REFUSED: " + d.message,
                               d.ok ? "" : server::pushed_by(pusher));
      refused += d.ok ? 0 : 1;
    }
    std::string chained = refused == 0 ? chained_refusal(*repo, *input) : "";
    if (!chained.empty())
      for (auto& d : decisions) {
        d.ok = false;
        d.message = chained;
        d.rule = "chained-hook";
      }
    if (auto s = record(decisions); !s) return refuse_all(s.error().message);
    if (refused > 0)
      return refuse_all(fmt::format("{} of {} ref update{} refused; nothing was updated", refused, decisions.size(),
                                    decisions.size() == 1 ? "" : "s"));
    return chained.empty() ? kExitOk : refuse_all(chained);
  };
  if (repo->config_string("warden.mode") == std::optional<std::string>("sequoia")) {
    auto decisions = sequoia_pre_receive(*repo, *updates);
    if (!decisions) return refuse_all(decisions.error().message);
    return conclude(*decisions, false);
  }
  auto anchor = load_anchor(*repo, std::nullopt);
  if (!anchor) return refuse_all(fmt::format("cannot read warden's configuration: {}", anchor.error().message));
  auto options = server::server_options(*repo);
  if (!options) return refuse_all(fmt::format("cannot read warden's configuration: {}", options.error().message));

  PushChecker checker(*repo, *anchor, *options);
  auto decisions = checker.check(*updates);
  if (!decisions) return refuse_all(decisions.error().message);
  // What a deep walk numbered spares the next push (a merge of a branch
  // forked long ago) the same read; a failure to keep it costs only time.
  (void)repo->save_generations();
  return conclude(*decisions, true);
}

}  // namespace warden::cli
