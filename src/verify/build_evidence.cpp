// Build evidence files: the envelopes behind every output that met the
// threshold, so that verify-build can be run again without the notes.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "warden/build_report.hpp"

namespace warden {

using Json = nlohmann::json;

Result<std::vector<std::string>> parse_build_evidence(std::string_view text, const ObjectId& commit,
                                                      const std::string& source) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || j.size() != 3 || !j.contains("type") || j["type"] != kBuildEvidenceType ||
      !j.contains("commit") || !j["commit"].is_string() || !j.contains("statements") || !j["statements"].is_array())
    return make_error(fmt::format("{} is not a warden build evidence file ({{type: {}, commit, statements}})", source,
                                  kBuildEvidenceType));
  if (j["commit"] != commit.hex())
    return make_error(fmt::format("{} is evidence for commit {}, not {}", source, j["commit"].get<std::string>(),
                                  commit.hex()));
  std::vector<std::string> lines;
  for (const Json& s : j["statements"]) {
    if (!s.is_object()) return make_error(fmt::format("{}: a statement is not a DSSE envelope object", source));
    lines.push_back(s.dump());
  }
  if (lines.empty()) return make_error(fmt::format("{} holds no statements", source));
  return lines;
}

std::string build_evidence_json(const BuildReport& report) {
  Json statements = Json::array();
  for (const auto& line : report.evidence) statements.push_back(Json::parse(line));
  Json j = {{"type", kBuildEvidenceType}, {"commit", report.commit.hex()}, {"statements", statements}};
  return j.dump(1) + "\n";
}

}  // namespace warden
