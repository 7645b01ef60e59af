// Reading who may do what from a policy's node tree (see policy_reader.hpp).
#include <fmt/format.h>

#include "common/text_forms.hpp"
#include "policy/policy_reader.hpp"

namespace warden::policy_yaml {

std::shared_ptr<Policy> Reader::read(const YAML::Node& root) {
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

bool Reader::too_many(const YAML::Node& n, size_t limit, const char* what) {
  if (n.size() <= limit) return false;
  add(n, fmt::format("a policy may have at most {} {}", limit, what));
  return true;
}

bool Reader::over(size_t& count, size_t limit, const YAML::Node& n, const char* what) {
  if (++count == limit + 1) add(n, fmt::format("a policy may have at most {} {}", limit, what));
  return count > limit;
}

void Reader::only_keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const std::string& where) {
  for (const auto& kv : map) {
    std::string key = kv.first.Scalar();
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (!ok) add(kv.first, fmt::format("unknown key '{}' in {}", key, where));
  }
}

std::optional<std::string> Reader::scalar(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) {
    add(n, fmt::format("{} must be a string", what));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<bool> Reader::boolean(const YAML::Node& n, const std::string& what) {
  if (!n) return std::nullopt;
  if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
  add(n, fmt::format("{} must be true or false", what));
  return std::nullopt;
}

std::optional<bool> Reader::allow_deny(const YAML::Node& n, const std::string& what) {
  if (!n) return std::nullopt;
  if (n.IsScalar() && (n.Scalar() == "allow" || n.Scalar() == "deny")) return n.Scalar() == "allow";
  add(n, fmt::format("{} must be 'allow' or 'deny'", what));
  return std::nullopt;
}

std::vector<std::string> Reader::strings(const YAML::Node& n, const std::string& what, bool non_empty) {
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

void Reader::read_version(const YAML::Node& root) {
  const YAML::Node v = root["version"];
  if (!v) {
    add(root, "missing 'version' (write 'version: 1')");
    return;
  }
  if (!v.IsScalar() || v.Scalar() != "1") add(v, fmt::format("unsupported policy version '{}' (only 1)", v.IsScalar() ? v.Scalar() : "?"));
}

bool Reader::valid_name(const std::string& name) {
  return is_plain_name(name, 64);
}

Result<std::shared_ptr<const SshPublicKey>> Reader::ssh_key(const std::string& line) {
  std::string head = line.substr(0, line.find(' ', line.find(' ') + 1));  // "type base64"
  if (keys_) {
    if (auto it = keys_->find(head); it != keys_->end()) return it->second;
  }
  auto parsed = SshPublicKey::parse_line(line);
  if (parsed && keys_) keys_->emplace(head, *parsed);
  return parsed;
}

void Reader::read_key(const YAML::Node& n, const std::string& person_name, Person& person,
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
  } else if (text->starts_with("x509:")) {
    auto id = parse_x509_identity(std::string_view(*text).substr(5));
    if (!id) {
      add(n, fmt::format("key of '{}': {}", person_name, id.error().message));
      return;
    }
    canonical = id->text;
    person.x509.push_back(std::move(*id));
  } else if (text->starts_with("sigstore:")) {
    auto id = parse_sigstore_identity(std::string_view(*text).substr(9));
    if (!id) {
      add(n, fmt::format("key of '{}': {}", person_name, id.error().message));
      return;
    }
    canonical = id->text;
    person.sigstore.push_back(std::move(*id));
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

void Reader::read_people(const YAML::Node& n, Policy& policy) {
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

void Reader::read_groups(const YAML::Node& n, Policy& policy) {
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

Members Reader::members(const YAML::Node& n, const std::string& what, const Policy& policy, const std::string& where) {
  Members out;
  out.names = strings(n, what, true);
  for (const auto& w : out.names) {
    if (policy.people.count(w)) out.people.insert(w);
    else if (policy.groups.count(w)) out.groups.push_back(w);
    else add(n, fmt::format("unknown person or group '{}' in {}", w, where));
  }
  return out;
}

std::set<std::string> Reader::expand(const Members& who, const Policy& policy) {
  std::set<std::string> out = who.people;
  for (const auto& g : who.groups) out.insert(policy.groups.at(g).begin(), policy.groups.at(g).end());
  return out;
}

std::vector<PathPattern> Reader::paths(const YAML::Node& n, const std::string& what) {
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

void Reader::read_grants(const YAML::Node& n, Policy& policy) {
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

void Reader::read_unprotected(const YAML::Node& n, Policy& policy) {
  if (!n) return;
  policy.unprotected = paths(n, "'unprotected'");
  auto dir = PathPattern::parse(".warden");
  for (size_t i = 0; i < policy.unprotected.size(); ++i)
    if (policy.unprotected[i].overlaps(*dir))
      add(n[i], fmt::format("unprotected path '{}' overlaps .warden/", policy.unprotected[i].text()));
}

void Reader::read_policy_rule(const YAML::Node& root, Policy& policy) {
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

int Reader::threshold(const YAML::Node& t, size_t people, const char* group, const char* key) {
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

}  // namespace warden::policy_yaml
