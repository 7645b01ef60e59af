// git warden trust --anchor COMMIT:FINGERPRINT
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "warden/anchor_store.hpp"

namespace warden::cli {

int trust_anchor(Repository& repo, const Anchor& anchor) {
  auto store = [&]() {
    if (auto s = store_anchor(repo, anchor); !s) {
      std::cerr << "warden: error: " << s.error().message << "\n";
      return false;
    }
    return true;
  };
  if (!repo.object_type(anchor.commit)) {
    if (!store()) return kExitUsage;
    std::cout << fmt::format("warden: trusting anchor {} signed by {}; the commit is not in this repository yet, so its "
                             "signature and policy are checked when it arrives\n",
                             anchor.commit.hex(), anchor.fingerprint);
    return kExitOk;
  }
  // The anchor must be signed by its key and carry a valid policy.
  VerifyRequest request;
  request.anchor = anchor;
  request.target = anchor.commit;
  Verifier verifier(repo);
  auto report = verifier.verify(request);
  if (!report) return std::cerr << "warden: error: " << report.error().message << "\n", kExitUsage;
  if (!report->authenticated) {
    std::cerr << "warden: refused: " << refusal_reason(*report) << "\n";
    return kExitRefused;
  }
  if (!store()) return kExitUsage;
  std::cout << fmt::format("warden: trusting anchor {} signed by {} (stored in git config {})\n", anchor.commit.hex(),
                           anchor.fingerprint, kAnchorConfigKey);
  return kExitOk;
}

int run_trust(const std::string& anchor_text) {
  auto repo = Repository::open(".");
  if (!repo) return std::cerr << "warden: error: " << repo.error().message << "\n", kExitUsage;
  auto anchor = parse_anchor(*repo, anchor_text);
  if (!anchor) return std::cerr << "warden: error: " << anchor.error().message << "\n", kExitUsage;
  return trust_anchor(*repo, *anchor);
}

Command add_trust_command(CLI::App& app) {
  auto anchor = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("trust", "Check the anchor commit's signature and store it in git config");
  cmd->add_option("--anchor", *anchor, "COMMIT:FINGERPRINT")->required();
  return {cmd, [anchor] { return run_trust(*anchor); }};
}

}  // namespace warden::cli
