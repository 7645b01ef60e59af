// in-toto Statement v1 as warden writes and reads it: what an attestation
// is about (its subjects, git object ids) and what it says (a predicate
// type under warden's prefix). See docs/attestations.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "warden/object_id.hpp"
#include "warden/result.hpp"

namespace warden::attest {

inline constexpr std::string_view kStatementType = "https://in-toto.io/Statement/v1";
inline constexpr std::string_view kPredicatePrefix = "urn:warden:attestation:";
inline constexpr std::string_view kApprovalType = "urn:warden:attestation:approval:v1";
inline constexpr std::string_view kTreeApprovalType = "urn:warden:attestation:tree-approval:v1";

// What an approval statement approves: one commit, or (tree approval) any
// single-parent commit with exactly this parent and this tree.
struct Approval {
  enum class Kind { commit, tree } kind = Kind::commit;
  ObjectId commit;              // the approved commit, or the parent
  std::optional<ObjectId> tree; // set for a tree approval
};

// The statement of an approval of `commit`, as the payload of its envelope.
std::string approval_statement(const ObjectId& commit);
// The statement of a tree approval of (parent, tree).
std::string tree_approval_statement(const ObjectId& parent, const ObjectId& tree);

// Reads a statement. nullopt: a well-formed statement of another type
// (a review, a build, a later version: not an approval, ignored). An
// Error: not a statement warden can read, or an approval whose subjects
// are not exactly what its type requires.
Result<std::optional<Approval>> parse_approval(std::string_view payload);

}  // namespace warden::attest
