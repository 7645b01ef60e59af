// Reproducible builds (DESIGN section 6): do k distinct builders of the
// policy at a commit agree, output by output, on what the commit builds
// to? Judged offline from signed build attestations: the notes on the
// commit, or an evidence file exported from them.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "warden/object_id.hpp"
#include "warden/result.hpp"

namespace warden {

// What verify-build is asked: outputs (name, and the digest the caller
// expects, or "" to learn the agreed one; none: every attested output) and
// a threshold (0: the policy's builders.threshold).
struct BuildQuery {
  std::vector<std::pair<std::string, std::string>> outputs;  // name -> "sha256:hex" or ""
  int threshold = 0;
  // Where the attestations are: these envelope lines (an evidence file)
  // instead of the notes; an evidence file must hold nothing that fails.
  std::optional<std::vector<std::string>> evidence;
  std::vector<ObjectId> notes;  // notes commits, when `evidence` is not set
  // Authenticated commits (a client's pins, the target) whose policies'
  // revocations apply: a revoked builder's statement never counts.
  std::vector<ObjectId> revocations_from;
};

struct OutputVerdict {
  std::string name;
  std::string asked;                                      // the digest asked for, or ""
  std::map<std::string, std::set<std::string>> digests;   // digest -> builders who attested it
  std::set<std::string> contradicting;                    // builders who attested several digests (not counted)
  std::string agreed;                                     // the digest that met the threshold, or ""
  bool met = false;
};

struct BuildReport {
  ObjectId commit;
  int threshold = 0;
  std::vector<std::string> builders;  // builders.who, as written
  std::vector<OutputVerdict> outputs;
  std::vector<std::string> ignored;   // statements that count for nothing, and why
  // The envelope lines of the statements behind every met output: what an
  // evidence file holds.
  std::vector<std::string> evidence;
  bool met() const {
    if (outputs.empty()) return false;
    for (const auto& o : outputs)
      if (!o.met) return false;
    return true;
  }
};

inline constexpr const char* kBuildEvidenceType = "urn:warden:evidence:build:v1";

// The envelope lines of an evidence file's text ({type, commit,
// statements}) for `commit`, or why it is none; `source` names the file in
// messages. The statements are not checked here: verify-build judges them.
Result<std::vector<std::string>> parse_build_evidence(std::string_view text, const ObjectId& commit,
                                                      const std::string& source);
// The text of the evidence file for `report` (its `evidence` lines).
std::string build_evidence_json(const BuildReport& report);

}  // namespace warden
