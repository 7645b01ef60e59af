// Reading the sections that add rules (see policy_reader.hpp): merges,
// snapshots, reviews, builders, revoked keys, ref rules.
#include <fmt/format.h>

#include "policy/policy_reader.hpp"

namespace warden::policy_yaml {

void Reader::read_merges(const YAML::Node& n, Policy& policy) {
  if (!n) return;
  if (!n.IsMap()) {
    add(n, "'merges' must be a mapping");
    return;
  }
  only_keys(n, {"unsigned", "vouch"}, "'merges'");
  if (auto v = allow_deny(n["unsigned"], "'merges.unsigned'")) policy.unsigned_merges_allowed = *v;
  if (const YAML::Node& vouch = n["vouch"]) {
    if (vouch.IsScalar() && (vouch.Scalar() == "none" || vouch.Scalar() == "signed"))
      policy.signed_merges_vouch = vouch.Scalar() == "signed";
    else
      add(vouch, "'merges.vouch' must be 'none' or 'signed'");
  }
}

void Reader::read_snapshots(const YAML::Node& n, Policy& policy) {
  if (!n) return;
  if (!n.IsMap()) {
    add(n, "'snapshots' must be a mapping with 'who' and 'max-age'");
    return;
  }
  only_keys(n, {"who", "max-age"}, "'snapshots'");
  SnapshotRule rule;
  if (!n["who"]) {
    add(n, "'snapshots' without 'who' (the people whose keys sign snapshots)");
  } else {
    Members who = members(n["who"], "'snapshots.who'", policy, "'snapshots.who'");
    rule.who = who.names;
    rule.people = expand(who, policy);
  }
  if (!n["max-age"]) {
    add(n, "'snapshots' without 'max-age' (how old a snapshot may be, e.g. \"7d\")");
  } else {
    const YAML::Node& age = n["max-age"];
    auto seconds = age.IsScalar() ? parse_duration(age.Scalar()) : std::nullopt;
    if (!seconds || *seconds < 60 || *seconds > 366 * 86400)
      add(age, "'snapshots.max-age' must be a duration from 1m to 366d, such as \"7d\", \"12h\" or \"30m\"");
    else
      rule.max_age = *seconds, rule.max_age_text = age.Scalar();
  }
  policy.snapshots = std::move(rule);
}

void Reader::read_reviews(const YAML::Node& n, Policy& policy) {
  if (!n) return;
  if (!n.IsSequence()) {
    add(n, "'reviews' must be a list of {paths, who, count}");
    return;
  }
  if (too_many(n, kMaxGrants, "review rules")) return;
  for (const auto& r : n) {
    if (!r.IsMap()) {
      add(r, "each review rule must be a mapping with 'paths', 'who' and 'count'");
      continue;
    }
    only_keys(r, {"paths", "who", "count"}, "a review rule");
    ReviewRule rule;
    if (!r["paths"]) add(r, "review rule without 'paths'");
    else rule.paths = paths(r["paths"], "'paths'");
    if (r["paths"] && r["paths"].IsSequence() && r["paths"].size() == 0) add(r["paths"], "'paths' must not be empty");
    for (size_t i = 0; i < rule.paths.size(); ++i)
      if (rule.paths[i].text().starts_with(".warden")) 
        add(r["paths"][i], fmt::format("review rules never cover .warden/ ('{}'); use policy.threshold", rule.paths[i].text()));
    if (!r["who"]) add(r, "review rule without 'who'");
    else rule.who = members(r["who"], "'who'", policy, "a review rule");
    if (const YAML::Node c = r["count"])
      rule.count = threshold(c, r["who"] ? expand(rule.who, policy).size() : 0, "the review rule's 'who'", "count");
    policy.reviews.push_back(std::move(rule));
  }
}

void Reader::read_builders(const YAML::Node& n, Policy& policy) {
  if (!n) return;
  if (!n.IsMap()) {
    add(n, "'builders' must be a mapping with 'who' and 'threshold'");
    return;
  }
  only_keys(n, {"who", "threshold"}, "'builders'");
  BuilderRule rule;
  if (!n["who"]) {
    add(n, "'builders' without 'who' (the people whose build attestations count)");
  } else {
    Members who = members(n["who"], "'builders.who'", policy, "'builders.who'");
    rule.who = who.names;
    rule.people = expand(who, policy);
  }
  if (!n["threshold"])
    add(n, "'builders' without 'threshold' (how many distinct builders must agree, e.g. 2)");
  else
    rule.threshold = threshold(n["threshold"], rule.people.size(), "'builders.who'");
  policy.builders = std::move(rule);
}

void Reader::read_revoked(const YAML::Node& n, Policy& policy) {
  if (!n) return;
  if (!n.IsSequence()) {
    add(n, "'revoked' must be a list of {key, reason}");
    return;
  }
  if (too_many(n, kMaxRevocations, "revoked keys")) return;
  std::set<std::string> seen;
  for (const auto& r : n) {
    if (!r.IsMap()) {
      add(r, "each entry of 'revoked' must be a mapping with 'key' and 'reason'");
      continue;
    }
    only_keys(r, {"key", "reason"}, "an entry of 'revoked'");
    Revocation rev;
    rev.line = r.Mark().line + 1;
    if (!r["reason"]) add(r, "an entry of 'revoked' needs a 'reason'");
    else if (auto reason = scalar(r["reason"], "'reason'")) rev.reason = *reason;
    if (!r["key"]) {
      add(r, "an entry of 'revoked' needs a 'key'");
      continue;
    }
    auto text = scalar(r["key"], "a revoked key");
    if (!text) continue;
    if (text->starts_with("openpgp:")) {
      auto fpr = normalize_openpgp_fingerprint(text->substr(8));
      if (!fpr) {
        add(r["key"], "a revoked OpenPGP key is 'openpgp:' and a 40-digit v4 fingerprint");
        continue;
      }
      rev.fingerprint = *fpr;
    } else if (auto id = identity_revocation_key(*text)) {
      // An identity: every certificate that carries its name, from any CA
      // (the short-lived ones of Sigstore cannot be named one by one).
      if (!*id) {
        add(r["key"], fmt::format("revoked key: {}", id->error().message));
        continue;
      }
      rev.fingerprint = **id;
    } else {
      auto key = ssh_key(*text);
      if (!key) {
        add(r["key"], fmt::format("revoked key: {}", key.error().message));
        continue;
      }
      rev.fingerprint = (*key)->fingerprint();
    }
    if (!seen.insert(rev.fingerprint).second) add(r["key"], "key revoked twice");
    policy.revoked.push_back(std::move(rev));
  }
}

void Reader::read_refs(const YAML::Node& n, Policy& policy) {
  if (!n) return;
  if (!n.IsSequence()) {
    add(n, "'refs' must be a list of rules");
    return;
  }
  if (too_many(n, kMaxRefRules, "ref rules")) return;
  for (const auto& r : n) {
    if (!r.IsMap()) {
      add(r, "each ref rule must be a mapping with 'pattern'");
      continue;
    }
    only_keys(r, {"pattern", "fast-forward-only", "deletion", "immutable", "signed-by", "verify"}, "a ref rule");
    RefRule rule;
    rule.line = r.Mark().line + 1;
    if (!r["pattern"]) add(r, "ref rule without 'pattern'");
    else if (auto p = scalar(r["pattern"], "'pattern'")) {
      if (!p->starts_with("refs/") || p->find("..") != std::string::npos || p->find('\0') != std::string::npos ||
          p->find("//") != std::string::npos || p->ends_with("/"))
        add(r["pattern"], fmt::format("ref pattern '{}' must be a full ref name under refs/ (with '*' wildcards)", *p));
      rule.pattern = *p;
    }
    rule.fast_forward_only = boolean(r["fast-forward-only"], "'fast-forward-only'");
    rule.deletion_allowed = allow_deny(r["deletion"], "'deletion'");
    rule.immutable = boolean(r["immutable"], "'immutable'");
    rule.verify = boolean(r["verify"], "'verify'");
    if (r["signed-by"]) rule.signed_by = members(r["signed-by"], "'signed-by'", policy, "'signed-by'");
    policy.refs.push_back(std::move(rule));
  }
}

}  // namespace warden::policy_yaml
