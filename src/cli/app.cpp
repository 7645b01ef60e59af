// Command-line parsing (CLI11) for git-warden and git-verify-range: the
// program, its version and its commands, which register themselves.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"

namespace warden::cli {
namespace {

// Runs `app`'s parser; returns an exit code if parsing ended the program.
std::optional<int> parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    // As the user types it: `git warden --help` is git's (it opens the
    // man page), `-h` is warden's own.
    std::string typed = app.get_name().starts_with("git-") ? "git " + app.get_name().substr(4) : app.get_name();
    std::cerr << fmt::format("{}: {}\n", app.get_name(), e.what());
    std::cerr << fmt::format("Run '{} -h' for usage.\n", typed);
    return kExitUsage;
  }
  return std::nullopt;
}

// `git warden help [COMMAND [SUBCOMMAND]]`: the built-in help, which needs
// no man page (git turns `git warden --help` into `man git-warden`).
Command add_help_command(CLI::App& app, std::shared_ptr<std::vector<std::string>> words) {
  CLI::App* sub = app.add_subcommand("help", "Print the built-in help of git-warden or of COMMAND (no man page needed)");
  sub->add_option("command", *words, "A command, and a subcommand of it (policy import)");
  return {sub, [&app, words] {
            const CLI::App* at = &app;
            std::string usage_prefix;  // "git-warden policy" for import's "Usage: git-warden policy import"
            for (const auto& w : *words) {
              usage_prefix += (usage_prefix.empty() ? "" : " ") + at->get_name();
              const CLI::App* next = nullptr;
              for (const CLI::App* c : at->get_subcommands([](const CLI::App*) { return true; }))
                if (c->get_name() == w) next = c;
              if (next == nullptr) {
                std::cerr << fmt::format("git-warden: help: '{}' is not a command{}; run 'git warden -h' for the "
                                         "list\n",
                                         w, at == &app ? "" : " of " + at->get_name());
                return kExitUsage;
              }
              at = next;
            }
            std::cout << at->help(usage_prefix);
            return kExitOk;
          }};
}

}  // namespace

int run_guarded(int (*entry)(int, char**), int argc, char** argv) {
  try {
    return entry(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "warden: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "warden: internal error\n";
  }
  return kExitUsage;
}

int warden_main(int argc, char** argv) {
  CLI::App app{"warden: authenticate git history against the signed in-tree policy", "git-warden"};
  app.set_version_flag("--version", fmt::format("git-warden version {}", WARDEN_VERSION), "Print the version");
  app.require_subcommand(1);
  // Each command registers its own options (cli/<x>_command.cpp), in the
  // order --help lists them. When the first word names a command, only
  // that command is registered: git runs `git-warden hook ...` on every
  // push and checkout, and building every command's options took a
  // thirtieth of a push hook's time. Help, usage errors and --version see
  // every command.
  struct Entry {
    std::string_view name;
    Command (*add)(CLI::App&);
  };
  static constexpr Entry kCommands[] = {
      {"verify", add_verify_command},   {"policy", add_policy_command},   {"init", add_init_command},
      {"trust", add_trust_command},     {"install", add_install_command}, {"hook", add_hook_command},
      {"pin", add_pin_command},         {"status", add_status_command},   {"approve", add_approve_command},
      {"attest", add_attest_command},   {"verify-build", add_verify_build_command},
      {"snapshot", add_snapshot_command}, {"clone", add_clone_command}, {"verify-lock", add_verify_lock_command},
  };
  const std::string_view first = argc > 1 ? std::string_view(argv[1]) : std::string_view();
  const bool one = std::any_of(std::begin(kCommands), std::end(kCommands), [&](const Entry& e) { return e.name == first; });
  std::vector<Command> commands;
  for (const Entry& e : kCommands)
    if (!one || e.name == first) commands.push_back(e.add(app));
  if (!one) commands.push_back(add_help_command(app, std::make_shared<std::vector<std::string>>()));
  if (auto code = parse(app, argc, argv)) return *code;
  for (const auto& c : commands)
    if (c.subcommand->parsed()) return c.run();
  std::cerr << app.help();
  return kExitUsage;
}

int verify_range_main(int argc, char** argv) {
  CLI::App app{"Authenticate the commits of A..B (the same as 'git warden verify A..B')", "git-verify-range"};
  app.set_version_flag("--version", fmt::format("git-verify-range (warden) version {}", WARDEN_VERSION),
                       "Print the version");
  VerifyOptions verify;
  add_verify_options(app, verify, true);
  if (auto code = parse(app, argc, argv)) return *code;
  if (verify.revision.find("..") == std::string::npos) {
    std::cerr << "git-verify-range: expected a range A..B\n";
    return kExitUsage;
  }
  return run_verify(verify);
}

}  // namespace warden::cli
