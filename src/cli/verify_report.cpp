#include "cli/verify_report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace warden::cli {

void print_human(std::ostream& out, std::ostream& err, const VerifyReport& report, const VerifyRequest& request) {
  if (!report.refusal.empty()) err << "warden: refused: " << report.refusal << "\n";
  size_t refused = 0;
  for (const auto& v : report.verdicts) {
    if (v.ok) continue;
    ++refused;
    err << "warden: refused: " << refusal_line(v) << "\n";
  }
  if (report.authenticated) {
    out << fmt::format("warden: {} authenticated from anchor {}: {} commit{} checked, {} signature{} verified\n",
                       request.target.short_hex(), request.anchor.commit.short_hex(), report.verdicts.size(),
                       report.verdicts.size() == 1 ? "" : "s", report.signatures_verified,
                       report.signatures_verified == 1 ? "" : "s");
  } else if (report.refusal.empty()) {
    size_t unchecked = report.total - report.verdicts.size();
    err << fmt::format("warden: {} is NOT authenticated: {} of {} commits refused", request.target.short_hex(), refused,
                       report.total);
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
        {"ok", v.ok},
        {"signature", std::string(to_string(v.signature))},
        {"signer", v.signer},
        {"key", v.key_fingerprint.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.key_fingerprint)},
        {"rule", v.ok ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.rule)},
        {"reason", v.ok ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.reason)},
        {"path", v.path.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.path)},
        {"policy_commit", v.policy_commit ? nlohmann::ordered_json(v.policy_commit->hex()) : nlohmann::ordered_json(nullptr)},
    };
    out << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  }
  size_t refused = 0;
  for (const auto& v : report.verdicts) refused += v.ok ? 0 : 1;
  nlohmann::ordered_json summary = {
      {"type", "summary"},
      {"anchor", request.anchor.commit.hex()},
      {"anchor_key", request.anchor.fingerprint},
      {"target", request.target.hex()},
      {"authenticated", report.authenticated},
      {"total", report.total},
      {"checked", report.verdicts.size()},
      {"refused", refused},
      {"signatures_verified", report.signatures_verified},
      {"refusal", report.refusal.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(report.refusal)},
  };
  out << summary.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

}  // namespace warden::cli
