// in-toto Statement v1 as warden writes and reads it: what an attestation
// is about (its subjects, git object ids) and what it says (a predicate
// type under warden's prefix). See docs/attestations.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warden/object_id.hpp"
#include "warden/result.hpp"

namespace warden::attest {

inline constexpr std::string_view kStatementType = "https://in-toto.io/Statement/v1";
inline constexpr std::string_view kPredicatePrefix = "urn:warden:attestation:";
inline constexpr std::string_view kApprovalType = "urn:warden:attestation:approval:v1";
inline constexpr std::string_view kTreeApprovalType = "urn:warden:attestation:tree-approval:v1";
inline constexpr std::string_view kReviewType = "urn:warden:attestation:review:v1";
inline constexpr std::string_view kBuildType = "urn:warden:attestation:build:v1";
// Limits on what one statement may hold (it is read before it is trusted).
inline constexpr size_t kMaxBuildOutputs = 100000;
inline constexpr size_t kMaxBuildStatements = 200000;  // read on one commit
inline constexpr size_t kMaxStatementText = 4096;  // a comment, a platform, an output's name

// What an approval statement approves: one commit, or (tree approval) any
// single-parent commit with exactly this parent and this tree.
struct Approval {
  enum class Kind { commit, tree } kind = Kind::commit;
  ObjectId commit;              // the approved commit, or the parent
  std::optional<ObjectId> tree; // set for a tree approval
};

// A review of one commit: a verdict and an optional comment.
enum class Verdict { approve, reject };
struct Review {
  ObjectId commit;
  Verdict verdict = Verdict::approve;
  std::string comment;
};
std::string_view verdict_name(Verdict v);  // "approve", "reject"
std::optional<Verdict> parse_verdict(std::string_view text);

// One output of a build and its digest ("sha256" and lowercase hex).
struct BuildOutput {
  std::string name;  // a Nix store path, a file name...
  std::string algorithm;
  std::string hex;
  std::string digest() const { return algorithm + ":" + hex; }
  bool operator==(const BuildOutput&) const = default;
};
// A build of one commit: its outputs and the builder's platform.
struct Build {
  ObjectId commit;
  std::vector<BuildOutput> outputs;
  std::string platform;
};
// "NAME=ALGO:HEX" (the name may hold '='; the digest is after the last).
// Known algorithms (sha1, sha256, sha384, sha512) must have their length;
// others are lowercase letters, digits and '-' with an even-length hex.
Result<BuildOutput> parse_build_output(std::string_view spec);
// "ALGO:HEX", checked the same way (name left empty).
Result<BuildOutput> parse_digest(std::string_view digest);

// Any statement warden reads: exactly one of these is set.
struct Statement {
  std::optional<Approval> approval;
  std::optional<Review> review;
  std::optional<Build> build;
};

// The statement of an approval of `commit`, as the payload of its envelope.
std::string approval_statement(const ObjectId& commit);
// The statement of a tree approval of (parent, tree).
std::string tree_approval_statement(const ObjectId& parent, const ObjectId& tree);

std::string review_statement(const Review& review);
std::string build_statement(const Build& build);

// Reads a statement. nullopt: a well-formed statement of a type warden
// does not know (a later version: ignored). An Error: not a statement
// warden can read, or one whose subjects or predicate are not exactly
// what its type requires.
Result<std::optional<Statement>> parse_statement(std::string_view payload);

}  // namespace warden::attest
