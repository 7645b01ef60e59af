// Parsing and validation of .warden/policy.yml, version 1.
//
// Two passes over the text: yaml-cpp's event parser first, to refuse what
// a policy never needs and an attacker might use (anchors and aliases,
// duplicate keys, several documents, deep nesting); then the node tree,
// read into a typed Policy with every problem reported by line.
#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <regex>
#include <sstream>

#include "common/printable.hpp"
#include "warden/policy.hpp"

namespace warden {
namespace {

constexpr size_t kMaxDepth = 32;

// Pass 1: structural checks on the event stream.
class StructureCheck : public YAML::EventHandler {
 public:
  std::vector<std::pair<int, std::string>> problems;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { item(m, a, "~"); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { add(m, "YAML aliases are not allowed in a policy"); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a, const std::string& v) override {
    item(m, a, v);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
    open(m, a, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
    open(m, a, true);
  }
  void OnMapEnd() override { close(); }
  void OnAnchor(const YAML::Mark& m, const std::string&) override { add(m, "YAML anchors are not allowed in a policy"); }

 private:
  struct Frame {
    bool is_map;
    bool expect_key = true;
    std::set<std::string> keys;
  };

  size_t nodes = 0;

  void add(const YAML::Mark& m, std::string msg) {
    std::pair<int, std::string> p(m.line + 1, std::move(msg));
    if (problems.empty() || problems.back() != p) problems.push_back(std::move(p));
  }

  // Anchors are reported by OnAnchor.
  void item(const YAML::Mark& m, YAML::anchor_t, const std::optional<std::string>& scalar) {
    if (++nodes == kMaxPolicyNodes + 1)
      add(m, fmt::format("a policy holds at most {} YAML entries (scalars, lists and mappings)", kMaxPolicyNodes));
    if (stack_.empty() || !stack_.back().is_map) return;
    Frame& f = stack_.back();
    if (f.expect_key) {
      if (!scalar) add(m, "mapping keys must be plain strings");
      else if (!f.keys.insert(*scalar).second) add(m, fmt::format("duplicate key '{}'", *scalar));
    }
    f.expect_key = !f.expect_key;
  }
  void open(const YAML::Mark& m, YAML::anchor_t anchor, bool is_map) {
    item(m, anchor, std::nullopt);
    if (stack_.size() >= kMaxDepth) add(m, "nested too deeply");
    stack_.push_back(Frame{is_map, true, {}});
  }
  void close() {
    if (!stack_.empty()) stack_.pop_back();
  }
  std::vector<Frame> stack_;
};

// Pass 2: the typed reading.
class Reader {
 public:
  explicit Reader(KeyCache* keys) : keys_(keys) {}

  std::vector<std::pair<int, std::string>> problems;

  std::shared_ptr<Policy> read(const YAML::Node& root) {
    auto policy = std::make_shared<Policy>();
    if (!root.IsMap()) {
      add(root, "a policy is a mapping with 'version: 1' at the top");
      return nullptr;
    }
    only_keys(root, {"version", "people", "groups", "grants", "unprotected", "policy", "merges", "refs", "revoked",
                     "snapshots", "builders", "reviews"},
              "policy");
    read_version(root);
    read_people(root["people"], *policy);
    read_groups(root["groups"], *policy);
    read_grants(root["grants"], *policy);
    read_unprotected(root["unprotected"], *policy);
    read_policy_rule(root, *policy);
    read_merges(root["merges"], *policy);
    read_refs(root["refs"], *policy);
    read_revoked(root["revoked"], *policy);
    read_snapshots(root["snapshots"], *policy);
    read_builders(root["builders"], *policy);
    read_reviews(root["reviews"], *policy);
    policy->index_keys();
    return policy;
  }

 private:
  void add(const YAML::Node& n, std::string msg) { problems.emplace_back(n.Mark().line + 1, std::move(msg)); }

  // True (and reported) if the section `n` has more than `limit` entries.
  bool too_many(const YAML::Node& n, size_t limit, const char* what) {
    if (n.size() <= limit) return false;
    add(n, fmt::format("a policy may have at most {} {}", limit, what));
    return true;
  }
  // Counts `what` across the policy; true (and reported once) past `limit`.
  bool over(size_t& count, size_t limit, const YAML::Node& n, const char* what) {
    if (++count == limit + 1) add(n, fmt::format("a policy may have at most {} {}", limit, what));
    return count > limit;
  }
  size_t key_count_ = 0, pattern_count_ = 0;

  void only_keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const std::string& where) {
    for (const auto& kv : map) {
      std::string key = kv.first.Scalar();
      bool ok = false;
      for (const char* a : allowed) ok = ok || key == a;
      if (!ok) add(kv.first, fmt::format("unknown key '{}' in {}", key, where));
    }
  }

  std::optional<std::string> scalar(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      add(n, fmt::format("{} must be a string", what));
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<bool> boolean(const YAML::Node& n, const std::string& what) {
    if (!n) return std::nullopt;
    if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
    add(n, fmt::format("{} must be true or false", what));
    return std::nullopt;
  }

  std::optional<bool> allow_deny(const YAML::Node& n, const std::string& what) {
    if (!n) return std::nullopt;
    if (n.IsScalar() && (n.Scalar() == "allow" || n.Scalar() == "deny")) return n.Scalar() == "allow";
    add(n, fmt::format("{} must be 'allow' or 'deny'", what));
    return std::nullopt;
  }

  std::vector<std::string> strings(const YAML::Node& n, const std::string& what, bool non_empty) {
    std::vector<std::string> out;
    if (!n.IsSequence()) {
      add(n, fmt::format("{} must be a list", what));
      return out;
    }
    for (const auto& item : n)
      if (auto s = scalar(item, fmt::format("each entry of {}", what))) out.push_back(*s);
    if (non_empty && n.size() == 0) add(n, fmt::format("{} must not be empty", what));
    return out;
  }

  void read_version(const YAML::Node& root) {
    const YAML::Node v = root["version"];
    if (!v) {
      add(root, "missing 'version' (write 'version: 1')");
      return;
    }
    if (!v.IsScalar() || v.Scalar() != "1") add(v, fmt::format("unsupported policy version '{}' (only 1)", v.IsScalar() ? v.Scalar() : "?"));
  }

  static bool valid_name(const std::string& name) {
    static const std::regex re("[A-Za-z0-9][A-Za-z0-9._-]*");
    return name.size() <= 64 && std::regex_match(name, re);
  }

  // The key of an OpenSSH key line, parsed once per KeyCache.
  Result<std::shared_ptr<const SshPublicKey>> ssh_key(const std::string& line) {
    std::string head = line.substr(0, line.find(' ', line.find(' ') + 1));  // "type base64"
    if (keys_) {
      if (auto it = keys_->find(head); it != keys_->end()) return it->second;
    }
    auto parsed = SshPublicKey::parse_line(line);
    if (parsed && keys_) keys_->emplace(head, *parsed);
    return parsed;
  }

  void read_key(const YAML::Node& n, const std::string& person_name, Person& person,
                std::map<std::string, std::string>& owners) {
    if (over(key_count_, kMaxKeys, n, "keys")) return;
    auto text = scalar(n, "a key");
    if (!text) return;
    std::string canonical;
    if (text->starts_with("openpgp:")) {
      auto fpr = normalize_openpgp_fingerprint(text->substr(8));
      if (!fpr) {
        add(n, fmt::format("key of '{}': an OpenPGP key is 'openpgp:' and a 40-digit v4 fingerprint", person_name));
        return;
      }
      person.openpgp_fingerprints.push_back(*fpr);
      canonical = "openpgp:" + *fpr;
    } else {
      auto key = ssh_key(*text);
      if (!key) {
        add(n, fmt::format("key of '{}': {}", person_name, key.error().message));
        return;
      }
      person.ssh_keys.push_back(*key);
      canonical = (*key)->blob();
    }
    auto [it, inserted] = owners.emplace(canonical, person_name);
    if (!inserted) {
      if (it->second == person_name) add(n, fmt::format("key listed twice for '{}'", person_name));
      else add(n, fmt::format("key of '{}' is also listed for '{}' (a key belongs to one person)", person_name, it->second));
    }
  }

  void read_people(const YAML::Node& n, Policy& policy) {
    if (!n) {
      problems.emplace_back(1, "missing 'people'");
      return;
    }
    if (!n.IsMap()) {
      add(n, "'people' must be a mapping of names to {keys: [...]}");
      return;
    }
    if (too_many(n, kMaxPeople, "people")) return;
    std::map<std::string, std::string> owners;
    for (const auto& kv : n) {
      std::string name = kv.first.Scalar();
      if (!valid_name(name)) add(kv.first, fmt::format("invalid person name '{}'", name));
      Person person;
      person.name = name;
      const YAML::Node& body = kv.second;
      if (!body.IsMap()) {
        add(kv.first, fmt::format("person '{}' must be a mapping with 'keys'", name));
      } else {
        only_keys(body, {"keys"}, fmt::format("person '{}'", name));
        if (!body["keys"]) add(kv.first, fmt::format("person '{}' has no 'keys'", name));
        else
          for (const auto& item : body["keys"].IsSequence() ? body["keys"] : YAML::Node(YAML::NodeType::Sequence))
            read_key(item, name, person, owners);
        if (body["keys"] && (!body["keys"].IsSequence() || body["keys"].size() == 0))
          add(body["keys"], fmt::format("'keys' of '{}' must be a non-empty list", name));
      }
      policy.people.emplace(name, std::move(person));
    }
  }

  void read_groups(const YAML::Node& n, Policy& policy) {
    if (!n) return;
    if (!n.IsMap()) {
      add(n, "'groups' must be a mapping of group names to lists of people");
      return;
    }
    if (too_many(n, kMaxGroups, "groups")) return;
    for (const auto& kv : n) {
      std::string name = kv.first.Scalar();
      if (!valid_name(name)) add(kv.first, fmt::format("invalid group name '{}'", name));
      if (policy.people.count(name)) add(kv.first, fmt::format("'{}' is both a person and a group", name));
      std::set<std::string> members;
      if (kv.second.IsSequence()) {
        for (const auto& m : kv.second) {
          auto s = scalar(m, "a group member");
          if (!s) continue;
          if (!policy.people.count(*s)) add(m, fmt::format("unknown person '{}' in group '{}'", *s, name));
          members.insert(*s);
        }
      } else {
        add(kv.second, fmt::format("group '{}' must be a list of people", name));
      }
      policy.groups.emplace(name, std::move(members));
    }
  }

  // Sorts the names into people and groups (not expanded); reports unknown names.
  Members members(const YAML::Node& n, const std::string& what, const Policy& policy, const std::string& where) {
    Members out;
    out.names = strings(n, what, true);
    for (const auto& w : out.names) {
      if (policy.people.count(w)) out.people.insert(w);
      else if (policy.groups.count(w)) out.groups.push_back(w);
      else add(n, fmt::format("unknown person or group '{}' in {}", w, where));
    }
    return out;
  }

  // Expands people and groups into people, once per policy (policy.who).
  std::set<std::string> expand(const Members& who, const Policy& policy) {
    std::set<std::string> out = who.people;
    for (const auto& g : who.groups) out.insert(policy.groups.at(g).begin(), policy.groups.at(g).end());
    return out;
  }

  std::vector<PathPattern> paths(const YAML::Node& n, const std::string& what) {
    std::vector<PathPattern> out;
    if (!n.IsSequence()) {
      add(n, fmt::format("{} must be a list of paths", what));
      return out;
    }
    for (const auto& item : n) {
      if (over(pattern_count_, kMaxPatterns, item, "path patterns")) break;
      auto s = scalar(item, "a path");
      if (!s) continue;
      auto p = PathPattern::parse(*s);
      if (!p) add(item, p.error().message);
      else out.push_back(std::move(*p));
    }
    return out;
  }

  void read_grants(const YAML::Node& n, Policy& policy) {
    if (!n) return;
    if (!n.IsSequence()) {
      add(n, "'grants' must be a list of {paths, who}");
      return;
    }
    if (too_many(n, kMaxGrants, "grants")) return;
    for (const auto& g : n) {
      if (!g.IsMap()) {
        add(g, "each grant must be a mapping with 'paths' and 'who'");
        continue;
      }
      only_keys(g, {"paths", "who", "threshold"}, "a grant");
      Grant grant;
      if (!g["paths"]) add(g, "grant without 'paths'");
      else grant.paths = paths(g["paths"], "'paths'");
      if (g["paths"] && g["paths"].IsSequence() && g["paths"].size() == 0) add(g["paths"], "'paths' must not be empty");
      for (size_t i = 0; i < grant.paths.size(); ++i)
        if (is_policy_path(grant.paths[i].text()) || grant.paths[i].text().starts_with(".warden/"))
          add(g["paths"][i], fmt::format("grants never cover .warden/ ('{}'); use the 'policy' section", grant.paths[i].text()));
      if (!g["who"]) add(g, "grant without 'who'");
      else grant.who = members(g["who"], "'who'", policy, "a grant");
      if (const YAML::Node t = g["threshold"])
        grant.threshold = threshold(t, g["who"] ? expand(grant.who, policy).size() : 0, "the grant's 'who'");
      policy.grant_thresholds = policy.grant_thresholds || grant.threshold > 1;
      policy.grants.push_back(std::move(grant));
    }
  }

  void read_unprotected(const YAML::Node& n, Policy& policy) {
    if (!n) return;
    policy.unprotected = paths(n, "'unprotected'");
    auto dir = PathPattern::parse(".warden");
    for (size_t i = 0; i < policy.unprotected.size(); ++i)
      if (policy.unprotected[i].overlaps(*dir))
        add(n[i], fmt::format("unprotected path '{}' overlaps .warden/", policy.unprotected[i].text()));
  }

  void read_policy_rule(const YAML::Node& root, Policy& policy) {
    const YAML::Node n = root["policy"];
    if (!n) {
      add(root, "missing 'policy' (who may change .warden/)");
      return;
    }
    if (!n.IsMap()) {
      add(n, "'policy' must be a mapping with 'who' and 'threshold'");
      return;
    }
    only_keys(n, {"who", "threshold"}, "'policy'");
    if (!n["who"]) add(n, "'policy' without 'who'");
    else {
      Members who = members(n["who"], "'policy.who'", policy, "'policy.who'");
      policy.policy.who = who.names;
      policy.policy.people = expand(who, policy);
    }
    if (const YAML::Node t = n["threshold"]) policy.policy.threshold = threshold(t, policy.policy.people.size(), "'policy.who'");
  }

  // A threshold of distinct people, at most `people` (the group it counts
  // in, named `group` in messages; 0: not known, not checked). 1 when invalid.
  int threshold(const YAML::Node& t, size_t people, const char* group, const char* key = "threshold") {
    int value = 0;
    bool ok = t.IsScalar() && !t.Scalar().empty() && t.Scalar().size() < 4 &&
              t.Scalar().find_first_not_of("0123456789") == std::string::npos;
    if (ok) value = std::stoi(t.Scalar());
    if (!ok || value < 1) {
      add(t, fmt::format("'{}' must be a whole number of at least 1", key));
      return 1;
    }
    if (people != 0 && static_cast<size_t>(value) > people) {
      add(t, fmt::format("'{}' {} is more than the {} of {}", key, value,
                         people == 1 ? std::string("1 person") : fmt::format("{} people", people), group));
      return 1;
    }
    return value;
  }

  void read_merges(const YAML::Node& n, Policy& policy) {
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

  // snapshots: {who: [people or groups], max-age: "7d"}
  void read_snapshots(const YAML::Node& n, Policy& policy) {
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

  // reviews: [{paths: [...], who: [people or groups], count: k}]
  void read_reviews(const YAML::Node& n, Policy& policy) {
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

  // builders: {who: [people or groups], threshold: k}
  void read_builders(const YAML::Node& n, Policy& policy) {
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

  // revoked: [{key: "ssh-ed25519 AAAA..." | "openpgp:FPR", reason: "..."}]
  void read_revoked(const YAML::Node& n, Policy& policy) {
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

  void read_refs(const YAML::Node& n, Policy& policy) {
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

  KeyCache* keys_;
};

}  // namespace

PolicyParse parse_policy(std::string_view text, const std::string& source, KeyCache* keys) {
  PolicyParse out;
  // One line each, whatever the policy quotes back (a key or name with a
  // line break or another control character in it).
  auto fail = [&](int line, const std::string& msg) {
    out.problems.push_back(fmt::format("{}:{}: {}", source, line, printable(msg)));
  };
  if (text.size() > kMaxPolicyBytes) {
    fail(1, fmt::format("policy is larger than {} bytes", kMaxPolicyBytes));
    return out;
  }
  if (text.find('\0') != std::string_view::npos) {
    fail(1, "policy contains a NUL byte");
    return out;
  }
  std::string owned(text);
  try {
    std::istringstream in(owned);
    YAML::Parser parser(in);
    StructureCheck check;
    int documents = 0;
    // Stop at the second document: for some malformed input yaml-cpp 0.7
    // finds documents forever without moving on (found by fuzz/policy).
    while (documents < 2 && parser.HandleNextDocument(check)) ++documents;
    for (const auto& [line, msg] : check.problems) fail(line, msg);
    if (documents > 1) fail(1, "a policy is one YAML document");
    if (documents == 0) fail(1, "policy is empty");
    if (!out.problems.empty()) return out;

    YAML::Node root = YAML::Load(owned);
    Reader reader(keys);
    auto policy = reader.read(root);
    std::stable_sort(reader.problems.begin(), reader.problems.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [line, msg] : reader.problems) fail(line, msg);
    if (out.problems.empty()) out.policy = std::move(policy);
  } catch (const YAML::Exception& e) {
    fail(std::max(1, e.mark.line + 1), fmt::format("invalid YAML: {}", e.msg));
  } catch (const std::exception& e) {
    fail(1, fmt::format("cannot read policy: {}", e.what()));
  }
  return out;
}

}  // namespace warden
