// git warden attest review REV [--verdict approve|reject] [--comment TEXT]
// git warden attest build REV --output NAME=ALGO:HEX ... [--from FILE] [--platform P]
// Signs a review or a build statement of REV as git would sign a commit and
// adds it to the note on REV under refs/notes/warden (DESIGN section 6).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "attest/statement.hpp"
#include "cli/commands.hpp"
#include "cli/statement_writer.hpp"
#include "warden/verifier.hpp"

namespace warden::cli {

namespace {

// "x86_64-linux", as Nix names systems.
std::string this_platform() {
  utsname u{};
  if (uname(&u) != 0) return "";
  std::string system = u.sysname;
  std::transform(system.begin(), system.end(), system.begin(), [](unsigned char c) { return std::tolower(c); });
  return fmt::format("{}-{}", u.machine, system);
}

// One line of a --from file: NAME=ALGO:HEX, or "HEX  NAME" / "HEX *NAME"
// as sha256sum and sha512sum print it (the algorithm from the length).
Result<attest::BuildOutput> output_line(const std::string& line) {
  auto space = line.find(' ');
  if (space != std::string::npos && space + 2 <= line.size() && (line[space + 1] == ' ' || line[space + 1] == '*')) {
    std::string hex = line.substr(0, space);
    const char* algorithm = hex.size() == 64 ? "sha256" : hex.size() == 128 ? "sha512" : hex.size() == 40 ? "sha1" : "";
    if (*algorithm != '\0' && hex.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos)
      return attest::parse_build_output(line.substr(space + 2) + "=" + algorithm + ":" + hex);
  }
  return attest::parse_build_output(line);
}

Result<std::vector<attest::BuildOutput>> outputs_from(const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return make_error(fmt::format("cannot read {}", path));
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::vector<attest::BuildOutput> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto o = output_line(line);
    if (!o) return make_error(fmt::format("{}:{}: {}", path, n, o.error().message));
    out.push_back(std::move(*o));
    if (out.size() > attest::kMaxBuildOutputs)
      return make_error(fmt::format("{}: more than {} outputs in one attestation", path, attest::kMaxBuildOutputs));
  }
  return out;
}

// The outputs of --output and --from; an output named twice must have
// one digest.
Result<std::vector<attest::BuildOutput>> build_outputs(const AttestOptions& opts) {
  std::vector<attest::BuildOutput> all;
  for (const auto& spec : opts.outputs) {
    auto o = attest::parse_build_output(spec);
    if (!o) return o.error();
    all.push_back(std::move(*o));
  }
  if (opts.from) {
    auto more = outputs_from(*opts.from);
    if (!more) return more.error();
    all.insert(all.end(), more->begin(), more->end());
  }
  if (all.empty()) return make_error("a build attestation needs outputs: --output NAME=ALGO:HEX or --from FILE");
  std::map<std::string, const attest::BuildOutput*> seen;
  std::vector<attest::BuildOutput> out;
  for (const auto& o : all) {
    auto [it, fresh] = seen.emplace(o.name, &o);
    if (fresh) out.push_back(o);
    else if (!(*it->second == o))
      return make_error(fmt::format("output '{}' is given twice, as {} and {}", o.name, it->second->digest(), o.digest()));
  }
  return out;
}

}  // namespace

int run_attest(const AttestOptions& opts) {
  auto target = open_statement_target(opts.revision);
  if (!target) return fail(target.error().message);
  Repository& repo = target->repo;
  const ObjectId& rev = target->commit;
  const CommitData& data = target->data;

  std::string statement, what;
  if (opts.kind == "review") {
    if (!opts.outputs.empty() || opts.from || opts.platform)
      return fail("--output, --from and --platform go with 'attest build'");
    auto verdict = attest::parse_verdict(opts.verdict);
    if (!verdict) return fail("--verdict is approve or reject");
    std::string comment = opts.comment.value_or("");
    if (comment.size() > attest::kMaxStatementText)
      return fail(fmt::format("--comment is over {} bytes", attest::kMaxStatementText));
    statement = attest::review_statement({rev, *verdict, comment});
    what = fmt::format("a review ({}) of {} \"{}\"", opts.verdict, rev.short_hex(), data.summary);
  } else {
    if (opts.comment || opts.verdict != "approve") return fail("--verdict and --comment go with 'attest review'");
    auto outputs = build_outputs(opts);
    if (!outputs) return fail(outputs.error().message);
    std::string platform = opts.platform.value_or(this_platform());
    if (platform.size() > attest::kMaxStatementText)
      return fail(fmt::format("--platform is over {} bytes", attest::kMaxStatementText));
    statement = attest::build_statement({rev, *outputs, platform});
    what = fmt::format("a build of {} \"{}\" ({} output{}, {})", rev.short_hex(), data.summary, outputs->size(),
                       outputs->size() == 1 ? "" : "s", platform);
  }
  if (auto s = publish_statement(repo, rev, statement, opts.key); !s) return fail(s.error().message);
  std::cout << fmt::format("warden: attested {}\n", what);
  std::cout << fmt::format("warden: the attestation is in {} (share it: git push <remote> {})\n", kApprovalNotesRef,
                           kApprovalNotesRef);
  return kExitOk;
}

Command add_attest_command(CLI::App& app) {
  auto opts = std::make_shared<AttestOptions>();
  auto* cmd = app.add_subcommand("attest", "Sign a review or a build of REV into refs/notes/warden, as git signs");
  cmd->add_option("kind", opts->kind, "review or build")->required()->check(CLI::IsMember({"review", "build"}));
  cmd->add_option("rev", opts->revision, "The commit reviewed or built")->required();
  cmd->add_option("--key", opts->key, "Signing key (default: user.signingkey)");
  cmd->add_option("--verdict", opts->verdict, "review: approve or reject (default approve)")
      ->check(CLI::IsMember({"approve", "reject"}));
  cmd->add_option("--comment", opts->comment, "review: a comment");
  cmd->add_option("--output", opts->outputs, "build: an output and its digest, NAME=ALGO:HEX (repeatable)");
  cmd->add_option("--from", opts->from,
                  "build: a file of outputs, one per line: NAME=ALGO:HEX, or 'HEX  NAME' as sha256sum "
                  "prints it ('-': stdin)");
  cmd->add_option("--platform", opts->platform, "build: the builder's platform (default this machine's, "
                                                 "e.g. x86_64-linux)");
  return {cmd, [opts] { return run_attest(*opts); }};
}

}  // namespace warden::cli
