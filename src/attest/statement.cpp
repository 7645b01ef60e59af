#include "attest/statement.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace warden::attest {

namespace {

using Json = nlohmann::json;

Json subject(const char* name, const char* algorithm, const ObjectId& id) {
  return {{"name", name}, {"digest", {{algorithm, id.hex()}}}};
}

std::string statement(Json subjects, std::string_view type) {
  Json j = {{"_type", kStatementType}, {"subject", std::move(subjects)}, {"predicateType", type},
            {"predicate", Json::object()}};
  return j.dump();
}

// The id a subject names: exactly {"name": name, "digest": {algorithm: hex}}.
Result<ObjectId> subject_id(const Json& s, const char* name, const char* algorithm) {
  if (!s.is_object() || s.size() != 2 || !s.contains("name") || !s.contains("digest"))
    return make_error("a subject must have exactly 'name' and 'digest'");
  if (s["name"] != name) return make_error(fmt::format("a subject is not named '{}'", name));
  const Json& d = s["digest"];
  if (!d.is_object() || d.size() != 1 || !d.contains(algorithm) || !d[algorithm].is_string())
    return make_error(fmt::format("the '{}' subject's digest must be exactly one '{}'", name, algorithm));
  auto id = ObjectId::from_hex(d[algorithm].get<std::string>());
  if (!id) return make_error(fmt::format("the '{}' subject's {} is not an object id", name, algorithm));
  return *id;
}

}  // namespace

std::string approval_statement(const ObjectId& commit) {
  return statement(Json::array({subject("commit", "gitCommit", commit)}), kApprovalType);
}

std::string tree_approval_statement(const ObjectId& parent, const ObjectId& tree) {
  return statement(Json::array({subject("parent", "gitCommit", parent), subject("tree", "gitTree", tree)}),
                   kTreeApprovalType);
}

Result<std::optional<Approval>> parse_approval(std::string_view payload) {
  Json j = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return make_error("the statement is not a JSON object");
  if (!j.contains("_type") || j["_type"] != kStatementType)
    return make_error(fmt::format("the statement's _type is not {}", kStatementType));
  if (!j.contains("predicateType") || !j["predicateType"].is_string()) return make_error("the statement has no predicateType");
  const std::string& type = j["predicateType"].get_ref<const std::string&>();
  if (type != kApprovalType && type != kTreeApprovalType) return std::optional<Approval>();
  if (!j.contains("subject") || !j["subject"].is_array()) return make_error("the statement has no subject list");
  const Json& subjects = j["subject"];
  Approval a;
  if (type == kApprovalType) {
    if (subjects.size() != 1) return make_error("an approval must have exactly one subject, the commit");
    auto c = subject_id(subjects[0], "commit", "gitCommit");
    if (!c) return c.error();
    a.commit = *c;
    return std::optional<Approval>(a);
  }
  if (subjects.size() != 2) return make_error("a tree approval must have exactly two subjects, the parent and the tree");
  auto p = subject_id(subjects[0], "parent", "gitCommit");
  if (!p) return p.error();
  auto t = subject_id(subjects[1], "tree", "gitTree");
  if (!t) return t.error();
  a.kind = Approval::Kind::tree;
  a.commit = *p;
  a.tree = *t;
  return std::optional<Approval>(a);
}

}  // namespace warden::attest
