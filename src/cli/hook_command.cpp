// git warden hook NAME [--chained HOOK] [ARGS...]: what the installed shims
// call; each hook is in its own file (hook_<name>.cpp).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"

namespace warden::cli {

Command add_hook_command(CLI::App& app) {
  struct Options {
    std::string name, chained;
    std::vector<std::string> args;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("hook", "Run a hook (called by the installed shims)");
  cmd->add_option("name", opts->name,
                  "pre-receive, post-receive, reference-transaction, post-merge, post-checkout, pre-rebase or post-rewrite")
      ->required();
  cmd->add_option("--chained", opts->chained, "The hook to run after warden's (installed with --chain)");
  cmd->add_option("args", opts->args, "The hook's own arguments");
  return {cmd, [opts] {
            const std::string& name = opts->name;
            if (name == "pre-receive") return run_hook_pre_receive();
            if (name == "post-receive") return run_hook_post_receive();
            if (name == "reference-transaction")
              return run_hook_reference_transaction(opts->args.empty() ? "" : opts->args[0], opts->chained);
            if (name == "post-merge") return run_hook_post_merge(opts->chained, opts->args);
            if (name == "post-checkout") return run_hook_post_checkout(opts->chained, opts->args);
            if (name == "pre-rebase") return run_hook_pre_rebase(opts->chained, opts->args);
            if (name == "post-rewrite") return run_hook_post_rewrite(opts->chained, opts->args);
            std::cerr << fmt::format("git-warden: unknown hook '{}'\n", name);
            return kExitUsage;
          }};
}

}  // namespace warden::cli
