// git warden verify-build REV [--output NAME[=ALGO:HEX]]... [--threshold K]
//   [--evidence FILE] [--export-evidence FILE] [--json]
// Authenticates REV from the anchor, then requires K distinct builders of
// the policy at REV to have signed the same digest for each output
// (DESIGN section 6). Offline: the repository and its notes, or an
// evidence file, and nothing else.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "attest/statement.hpp"
#include "cli/commands.hpp"
#include "cli/policy_files.hpp"
#include "verify/approvals.hpp"
#include "warden/anchor.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {

namespace {

using Json = nlohmann::json;

constexpr size_t kMaxEvidenceBytes = 256 << 20;

// The envelope lines of an evidence file for `commit`, or why it is none.
Result<std::vector<std::string>> read_evidence(const std::string& path, const ObjectId& commit) {
  auto text = read_file(path, kMaxEvidenceBytes);
  if (!text) return text.error();
  return parse_build_evidence(*text, commit, path);
}

Status write_evidence(const std::string& path, const BuildReport& report) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << build_evidence_json(report);
  if (!out) return make_error(fmt::format("cannot write {}", path));
  return Status::success();
}

std::string people(const std::set<std::string>& who) { return verify::names(who); }

void print_human(std::ostream& out, const BuildReport& r, const std::string& subject) {
  out << fmt::format("warden: builds of {} \"{}\": {} of {} must agree\n", r.commit.short_hex(), subject, r.threshold,
                     fmt::join(r.builders, ", "));
  for (const auto& o : r.outputs) {
    std::string line;
    if (o.met) {
      line = fmt::format("  ok      {}: {} by {}", o.name, o.agreed, people(o.digests.at(o.agreed)));
    } else if (o.digests.empty() && o.contradicting.empty()) {
      line = fmt::format("  MISSING {}: no builder of the policy attested it", o.name);
    } else if (!o.asked.empty() && !o.digests.count(o.asked)) {
      line = fmt::format("  FAIL    {}: nobody attested {}", o.name, o.asked);
    } else {
      line = fmt::format("  FAIL    {}: fewer than {} builders agree", o.name, r.threshold);
    }
    out << line << "\n";
    if (o.digests.size() > 1 || (!o.met && !o.digests.empty())) {
      for (const auto& [digest, who] : o.digests)
        if (!(o.met && digest == o.agreed)) out << fmt::format("          {} by {}\n", digest, people(who));
      if (o.digests.size() > 1) out << "          the builders disagree: the build is not reproducible\n";
    }
    if (!o.contradicting.empty())
      out << fmt::format("          {} signed several digests for it and count for none\n", people(o.contradicting));
  }
}

Json to_json(const BuildReport& r) {
  Json outputs = Json::array();
  for (const auto& o : r.outputs) {
    Json digests = Json::object();
    for (const auto& [digest, who] : o.digests) digests[digest] = who;
    outputs.push_back({{"name", o.name}, {"asked", o.asked.empty() ? Json() : Json(o.asked)}, {"met", o.met},
                       {"agreed", o.agreed.empty() ? Json() : Json(o.agreed)}, {"digests", digests},
                       {"contradicting", o.contradicting}, {"reproducible", o.digests.size() <= 1}});
  }
  return {{"commit", r.commit.hex()}, {"threshold", r.threshold}, {"builders", r.builders}, {"met", r.met()},
          {"outputs", outputs}, {"ignored", r.ignored}};
}

}  // namespace

int run_verify_build(const VerifyBuildOptions& opts) {
  auto repo = Repository::open(".");
  if (!repo) return setup_error(repo.error().message);
  auto anchor = load_anchor(*repo, opts.anchor);
  if (!anchor) return setup_error(anchor.error().message);
  auto target = repo->resolve_commit(opts.revision);
  if (!target) return setup_error(target.error().message);
  auto data = repo->read_commit(*target);
  if (!data) return setup_error(data.error().message);

  BuildQuery query;
  query.threshold = opts.threshold;
  for (const auto& spec : opts.outputs) {
    if (spec.find('=') == std::string::npos) {
      query.outputs.emplace_back(spec, "");
      continue;
    }
    auto o = attest::parse_build_output(spec);
    if (!o) return setup_error(o.error().message);
    query.outputs.emplace_back(o->name, o->digest());
  }

  // First the commit itself: builds of an unauthenticated commit mean nothing.
  Verifier verifier(*repo);
  auto verified = verify_trusted(*repo, verifier, *anchor, *target, TrustedVerify{});
  if (!verified) return setup_error(verified.error().message);
  if (!verified->report.authenticated) {
    std::cerr << fmt::format("warden: refused: {} does not authenticate: {}\n", target->short_hex(),
                             refusal_reason(verified->report));
    return kExitRefused;
  }

  // What the run's revocation sources (the clone's pins) and the commit
  // itself revoke (DESIGN section 6).
  query.revocations_from = verified->request.revocations_from;
  query.revocations_from.push_back(*target);
  if (opts.evidence) {
    auto lines = read_evidence(*opts.evidence, *target);
    if (!lines) {
      std::cerr << "warden: refused: " << lines.error().message << "\n";
      return kExitRefused;
    }
    query.evidence = std::move(*lines);
  } else {
    auto notes = client_approval_notes(*repo);
    if (!notes) return setup_error(notes.error().message);
    query.notes = std::move(*notes);
  }
  auto report = verifier.builds_of(*target, query);
  if (!report) return setup_error(report.error().message);

  if (opts.json) std::cout << to_json(*report).dump() << "\n";
  else print_human(std::cout, *report, data->summary);
  // An evidence file is exactly the statements that met the threshold:
  // anything in it that counts for nothing was put there or edited.
  if (opts.evidence && !report->ignored.empty()) {
    std::cerr << fmt::format("warden: refused: {} holds a statement that counts for nothing: {}\n", *opts.evidence,
                             report->ignored.front());
    return kExitRefused;
  }
  if (!opts.json)
    for (const auto& why : report->ignored) std::cerr << "warden: ignored: " << why << "\n";
  if (!report->met()) {
    if (report->outputs.empty()) std::cerr << "warden: refused: no builder of the policy attested any output\n";
    else std::cerr << fmt::format("warden: refused: fewer than {} builders agree on every output\n", report->threshold);
    return kExitRefused;
  }
  if (opts.export_evidence) {
    if (auto s = write_evidence(*opts.export_evidence, *report); !s) return setup_error(s.error().message);
    if (!opts.json) std::cerr << fmt::format("warden: evidence written to {}\n", *opts.export_evidence);
  }
  return kExitOk;
}

Command add_verify_build_command(CLI::App& app) {
  auto opts = std::make_shared<VerifyBuildOptions>();
  auto* cmd = app.add_subcommand(
      "verify-build", "Authenticate REV, then require K builders of its policy to agree on each output's digest");
  cmd->add_option("rev", opts->revision, "The commit built (default HEAD)");
  cmd->add_option("--anchor", opts->anchor, "COMMIT:FINGERPRINT (default: the trusted anchor)");
  cmd->add_option("--output", opts->outputs,
                  "An output to check: NAME=ALGO:HEX (that digest), or NAME (the agreed one); "
                  "default: every attested output (repeatable)");
  cmd->add_option("--threshold", opts->threshold, "How many distinct builders must agree (default: builders.threshold)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--evidence", opts->evidence, "Read the attestations from this evidence file instead of the notes");
  cmd->add_option("--export-evidence", opts->export_evidence,
                  "Write the attestations that met the threshold to this file");
  cmd->add_flag("--json", opts->json, "One JSON object on stdout");
  return {cmd, [opts] { return run_verify_build(*opts); }};
}

}  // namespace warden::cli
