#include "cli/verify_report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace warden::cli {

namespace {

// "1 commit refused (602c833418 "subject")", naming up to three.
std::string refused_commits(const std::vector<const Verdict*>& own) {
  std::string names;
  for (size_t i = 0; i < own.size() && i < 3; ++i)
    names += fmt::format("{}{} \"{}\"", i ? ", " : "", own[i]->commit.short_hex(), own[i]->summary);
  if (own.size() > 3) names += ", ...";
  return fmt::format("{} commit{} refused ({})", own.size(), own.size() == 1 ? "" : "s", names);
}

}  // namespace

void print_warnings(std::ostream& err, const VerifyReport& report) {
  for (const auto& w : report.warnings) err << "warden: warning: " << w << "\n";
  for (const auto& v : report.verdicts)
    for (const auto& w : v.warnings)
      err << fmt::format("warden: warning: {} \"{}\": {}\n", v.commit.short_hex(), v.summary, w);
}

void print_human(std::ostream& out, std::ostream& err, const VerifyReport& report, const VerifyRequest& request) {
  print_warnings(err, report);
  if (report.refusal) err << "warden: refused: " << report.refusal->reason << "\n";
  // Each commit refused on its own account; those refused only because
  // they descend from one are counted, not listed.
  std::vector<const Verdict*> own;
  size_t inherited = 0;
  for (const auto& v : report.verdicts) {
    if (v.ok()) continue;
    if (v.inherited) {
      ++inherited;
      continue;
    }
    own.push_back(&v);
    err << "warden: refused: " << refusal_line(v) << "\n";
  }
  for (const auto& v : report.verdicts) {
    if (!v.ok()) continue;
    if (!v.tree_approved_by.empty())
      out << fmt::format("warden: {} \"{}\": stands in for its signer by {}'s tree approval\n", v.commit.short_hex(),
                         v.summary, v.tree_approved_by);
    if (!v.approved_by.empty())
      out << fmt::format("warden: {} \"{}\": approved by {}\n", v.commit.short_hex(), v.summary,
                         fmt::join(v.approved_by, ", "));
    if (v.vouched_by)
      out << fmt::format("warden: {} \"{}\" ({}): vouched for by signed merge {} (merges.vouch)\n",
                         v.commit.short_hex(), v.summary, v.signer, v.vouched_by->short_hex());
  }
  if (report.authenticated) {
    std::string from = request.audit_policy
                           ? std::string("under the audit policy")
                           : fmt::format("from anchor {}", request.anchor.commit.short_hex());
    out << fmt::format("warden: {} authenticated {}: {} commit{} checked, {} signature{} verified\n",
                       request.target.short_hex(), from, report.verdicts.size(), report.verdicts.size() == 1 ? "" : "s",
                       report.signatures_verified, report.signatures_verified == 1 ? "" : "s");
  } else if (!report.refusal) {
    size_t unchecked = report.total - report.verdicts.size();
    err << fmt::format("warden: {} is NOT authenticated: {}", request.target.short_hex(), refused_commits(own));
    if (inherited > 0)
      err << fmt::format(", {} commit{} after {} not authenticated", inherited, inherited == 1 ? "" : "s",
                         own.size() == 1 ? "it" : "them");
    if (unchecked > 0) err << fmt::format(", {} not checked (use --keep-going to check them all)", unchecked);
    err << "\n";
  } else {
    err << fmt::format("warden: {} is NOT authenticated\n", request.target.short_hex());
  }
}

void print_json(std::ostream& out, const VerifyReport& report, const VerifyRequest& request) {
  for (const auto& v : report.verdicts) {
    nlohmann::ordered_json j = {
        {"type", "commit"},
        {"commit", v.commit.hex()},
        {"subject", v.summary},
        {"ok", v.ok()},
        {"signature", std::string(to_string(v.signature))},
        {"signer", v.signer},
        {"key", v.key_fingerprint.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.key_fingerprint)},
        {"rule", v.ok() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.rule_name())},
        {"reason", v.ok() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.reason())},
        {"path", v.path().empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.path())},
        {"policy_commit", v.policy_commit ? nlohmann::ordered_json(v.policy_commit->hex()) : nlohmann::ordered_json(nullptr)},
        // true: refused on its own account; false: only because it
        // descends from a refused commit; null when accepted.
        {"root_cause", v.ok() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(!v.inherited)},
        {"warnings", v.warnings},
        // People whose approvals counted toward a threshold; the approver
        // whose tree approval stood in for the signer (null if none).
        {"approved_by", v.approved_by},
        {"tree_approved_by",
         v.tree_approved_by.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.tree_approved_by)},
        // The signed merge that vouched for it (merges.vouch), or null.
        {"vouched_by", v.vouched_by ? nlohmann::ordered_json(v.vouched_by->hex()) : nlohmann::ordered_json(nullptr)},
    };
    // sequoia-git mode: the result against each parent's policy.
    if (!v.parent_results.empty()) {
      auto parents = nlohmann::ordered_json::array();
      for (const auto& p : v.parent_results)
        parents.push_back({{"parent", p.parent.hex()},
                           {"ok", p.ok},
                           {"reason", p.ok ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p.reason)}});
      j["parents"] = std::move(parents);
    }
    out << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  }
  size_t refused = 0, root_causes = 0;
  for (const auto& v : report.verdicts) {
    refused += v.ok() ? 0 : 1;
    root_causes += !v.ok() && !v.inherited ? 1 : 0;
  }
  nlohmann::ordered_json summary = {
      {"type", "summary"},
      // An audit (verify --policy) has no anchor: null.
      {"anchor", request.audit_policy ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(request.anchor.commit.hex())},
      {"anchor_key", request.audit_policy ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(request.anchor.fingerprint)},
      {"target", request.target.hex()},
      {"authenticated", report.authenticated},
      {"total", report.total},
      {"checked", report.verdicts.size()},
      {"refused", refused},
      {"root_causes", root_causes},
      {"signatures_verified", report.signatures_verified},
      {"refusal", report.refusal ? nlohmann::ordered_json(report.refusal->reason) : nlohmann::ordered_json(nullptr)},
      // Which whole-run check refused it (run_check_table()), or null.
      {"refusal_kind",
       report.refusal ? nlohmann::ordered_json(name_of(report.refusal->check)) : nlohmann::ordered_json(nullptr)},
      {"warnings", report.warnings},
  };
  out << summary.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

}  // namespace warden::cli
