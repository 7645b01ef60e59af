#include "attest/statement.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "attest/json_fields.hpp"

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

// A string field of at most kMaxStatementText bytes; "" if absent.
Result<std::string> text_field(const Json& j, const char* key, const char* what) {
  if (!j.contains(key)) return std::string();
  if (!j[key].is_string()) return make_error(fmt::format("{}'s '{}' is not a string", what, key));
  const auto& t = j[key].get_ref<const std::string&>();
  if (t.size() > kMaxStatementText) return make_error(fmt::format("{}'s '{}' is over {} bytes", what, key, kMaxStatementText));
  return t;
}

// The expected length in hex digits of a known algorithm's digest, or 0.
size_t known_length(std::string_view algorithm) {
  if (algorithm == "sha1") return 40;
  if (algorithm == "sha256") return 64;
  if (algorithm == "sha384") return 96;
  if (algorithm == "sha512") return 128;
  return 0;
}

Result<BuildOutput> checked_digest(std::string name, std::string algorithm, std::string hex) {
  if (algorithm.empty() || algorithm.size() > 32 || algorithm.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
    return make_error(fmt::format("'{}' is not a digest algorithm (lowercase letters, digits, '-')", algorithm));
  for (auto& ch : hex) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (hex.empty() || hex.size() % 2 != 0 || hex.size() > 1024 || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
    return make_error(fmt::format("the {} digest '{}' is not hexadecimal", algorithm, hex));
  if (size_t want = known_length(algorithm); want != 0 && hex.size() != want)
    return make_error(fmt::format("a {} digest has {} hex digits, not {}", algorithm, want, hex.size()));
  if (name.size() > kMaxStatementText) return make_error(fmt::format("an output name over {} bytes", kMaxStatementText));
  return BuildOutput{std::move(name), std::move(algorithm), std::move(hex)};
}

Result<Build> read_build(const Json& predicate) {
  WARDEN_TRY_STATUS(only_fields(predicate, {"outputs", "platform"}, "a build's predicate"));
  Build b;
  auto platform = text_field(predicate, "platform", "a build");
  if (!platform) return platform.error();
  b.platform = *platform;
  if (!predicate.contains("outputs") || !predicate["outputs"].is_array() || predicate["outputs"].empty())
    return make_error("a build's predicate has no list of outputs");
  if (predicate["outputs"].size() > kMaxBuildOutputs)
    return make_error(fmt::format("a build with more than {} outputs", kMaxBuildOutputs));
  for (const Json& o : predicate["outputs"]) {
    if (!o.is_object() || o.size() != 2 || !o.contains("name") || !o["name"].is_string() || !o.contains("digest") ||
        !o["digest"].is_object() || o["digest"].size() != 1 || !o["digest"].begin().value().is_string())
      return make_error("a build output must be exactly {\"name\": ..., \"digest\": {ALGO: HEX}}");
    auto out = checked_digest(o["name"].get<std::string>(), o["digest"].begin().key(),
                              o["digest"].begin().value().get<std::string>());
    if (!out) return out.error();
    if (out->name.empty()) return make_error("a build output without a name");
    b.outputs.push_back(std::move(*out));
  }
  return b;
}

Result<Review> read_review(const Json& predicate) {
  WARDEN_TRY_STATUS(only_fields(predicate, {"verdict", "comment"}, "a review's predicate"));
  if (!predicate.contains("verdict") || !predicate["verdict"].is_string()) return make_error("a review has no verdict");
  auto verdict = parse_verdict(predicate["verdict"].get_ref<const std::string&>());
  if (!verdict) return make_error("a review's verdict is neither 'approve' nor 'reject'");
  auto comment = text_field(predicate, "comment", "a review");
  if (!comment) return comment.error();
  return Review{ObjectId(), *verdict, *comment};
}

}  // namespace

std::string_view verdict_name(Verdict v) { return v == Verdict::approve ? "approve" : "reject"; }

std::optional<Verdict> parse_verdict(std::string_view text) {
  if (text == "approve") return Verdict::approve;
  if (text == "reject") return Verdict::reject;
  return std::nullopt;
}

namespace {

// "ALGO:HEX" as the digest of the output `name`.
Result<BuildOutput> named_digest(std::string name, std::string_view digest) {
  auto colon = digest.find(':');
  if (colon == std::string_view::npos) return make_error(fmt::format("'{}' is not ALGO:HEX (e.g. sha256:...)", digest));
  return checked_digest(std::move(name), std::string(digest.substr(0, colon)), std::string(digest.substr(colon + 1)));
}

}  // namespace

Result<BuildOutput> parse_build_output(std::string_view spec) {
  auto eq = spec.rfind('=');
  if (eq == std::string_view::npos || eq == 0)
    return make_error(fmt::format("'{}' is not NAME=ALGO:HEX", spec));
  return named_digest(std::string(spec.substr(0, eq)), spec.substr(eq + 1));
}

Result<BuildOutput> parse_digest(std::string_view digest) { return named_digest("", digest); }

std::string review_statement(const Review& review) {
  Json predicate = {{"verdict", verdict_name(review.verdict)}};
  if (!review.comment.empty()) predicate["comment"] = review.comment;
  Json j = {{"_type", kStatementType}, {"subject", Json::array({subject("commit", "gitCommit", review.commit)})},
            {"predicateType", kReviewType}, {"predicate", predicate}};
  return j.dump();
}

std::string build_statement(const Build& build) {
  Json outputs = Json::array();
  for (const auto& o : build.outputs) outputs.push_back({{"name", o.name}, {"digest", {{o.algorithm, o.hex}}}});
  Json predicate = {{"outputs", outputs}};
  if (!build.platform.empty()) predicate["platform"] = build.platform;
  Json j = {{"_type", kStatementType}, {"subject", Json::array({subject("commit", "gitCommit", build.commit)})},
            {"predicateType", kBuildType}, {"predicate", predicate}};
  return j.dump();
}

std::string approval_statement(const ObjectId& commit) {
  return statement(Json::array({subject("commit", "gitCommit", commit)}), kApprovalType);
}

std::string tree_approval_statement(const ObjectId& parent, const ObjectId& tree) {
  return statement(Json::array({subject("parent", "gitCommit", parent), subject("tree", "gitTree", tree)}),
                   kTreeApprovalType);
}

Result<std::optional<Statement>> parse_statement(std::string_view payload) {
  Json j = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return make_error("the statement is not a JSON object");
  if (!j.contains("_type") || j["_type"] != kStatementType)
    return make_error(fmt::format("the statement's _type is not {}", kStatementType));
  if (!j.contains("predicateType") || !j["predicateType"].is_string()) return make_error("the statement has no predicateType");
  const std::string& type = j["predicateType"].get_ref<const std::string&>();
  if (type != kApprovalType && type != kTreeApprovalType && type != kReviewType && type != kBuildType)
    return std::optional<Statement>();
  if (!j.contains("subject") || !j["subject"].is_array()) return make_error("the statement has no subject list");
  const Json& subjects = j["subject"];
  Statement out;
  if (type == kTreeApprovalType) {
    if (subjects.size() != 2)
      return make_error("a tree approval must have exactly two subjects, the parent and the tree");
    auto p = subject_id(subjects[0], "parent", "gitCommit");
    if (!p) return p.error();
    auto t = subject_id(subjects[1], "tree", "gitTree");
    if (!t) return t.error();
    out.approval = Approval{Approval::Kind::tree, *p, *t};
    return std::optional<Statement>(std::move(out));
  }
  const char* kind = type == kApprovalType ? "an approval" : type == kReviewType ? "a review" : "a build";
  if (subjects.size() != 1) return make_error(fmt::format("{} must have exactly one subject, the commit", kind));
  auto c = subject_id(subjects[0], "commit", "gitCommit");
  if (!c) return c.error();
  if (type == kApprovalType) {
    out.approval = Approval{Approval::Kind::commit, *c, std::nullopt};
    return std::optional<Statement>(std::move(out));
  }
  if (!j.contains("predicate") || !j["predicate"].is_object())
    return make_error(fmt::format("{} has no predicate object", kind));
  if (type == kReviewType) {
    auto r = read_review(j["predicate"]);
    if (!r) return r.error();
    r->commit = *c;
    out.review = std::move(*r);
  } else {
    auto b = read_build(j["predicate"]);
    if (!b) return b.error();
    b->commit = *c;
    out.build = std::move(*b);
  }
  return std::optional<Statement>(std::move(out));
}

}  // namespace warden::attest
