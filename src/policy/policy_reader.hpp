// The typed reading of a policy's YAML node tree (pass 2 of
// parse_policy, policy_parser.cpp): every key of the schema into a Policy,
// every problem reported with its line. Private to the policy layer.
// policy_reader.cpp reads who may do what (people, keys, groups, grants,
// unprotected paths, the policy rule); policy_sections.cpp the sections
// that add rules to those (merges, refs, revoked, snapshots, builders,
// reviews).
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "warden/policy.hpp"

namespace warden::policy_yaml {

class Reader {
 public:
  explicit Reader(KeyCache* keys) : keys_(keys) {}

  std::vector<std::pair<int, std::string>> problems;

  std::shared_ptr<Policy> read(const YAML::Node& root);

 private:
  void add(const YAML::Node& n, std::string msg) { problems.emplace_back(n.Mark().line + 1, std::move(msg)); }

  // True (and reported) if the section `n` has more than `limit` entries.
  bool too_many(const YAML::Node& n, size_t limit, const char* what);
  // Counts `what` across the policy; true (and reported once) past `limit`.
  bool over(size_t& count, size_t limit, const YAML::Node& n, const char* what);
  size_t key_count_ = 0, pattern_count_ = 0;

  void only_keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const std::string& where);

  std::optional<std::string> scalar(const YAML::Node& n, const std::string& what);

  std::optional<bool> boolean(const YAML::Node& n, const std::string& what);

  std::optional<bool> allow_deny(const YAML::Node& n, const std::string& what);

  std::vector<std::string> strings(const YAML::Node& n, const std::string& what, bool non_empty);

  void read_version(const YAML::Node& root);

  static bool valid_name(const std::string& name);

  // The key of an OpenSSH key line, parsed once per KeyCache.
  Result<std::shared_ptr<const SshPublicKey>> ssh_key(const std::string& line);

  void read_key(const YAML::Node& n, const std::string& person_name, Person& person,
                std::map<std::string, std::string>& owners);

  void read_people(const YAML::Node& n, Policy& policy);

  void read_groups(const YAML::Node& n, Policy& policy);

  // Sorts the names into people and groups (not expanded); reports unknown names.
  Members members(const YAML::Node& n, const std::string& what, const Policy& policy, const std::string& where);

  // Expands people and groups into people, once per policy (policy.who).
  std::set<std::string> expand(const Members& who, const Policy& policy);

  std::vector<PathPattern> paths(const YAML::Node& n, const std::string& what);

  void read_grants(const YAML::Node& n, Policy& policy);

  void read_unprotected(const YAML::Node& n, Policy& policy);

  void read_policy_rule(const YAML::Node& root, Policy& policy);

  // A threshold of distinct people, at most `people` (the group it counts
  // in, named `group` in messages; 0: not known, not checked). 1 when invalid.
  int threshold(const YAML::Node& t, size_t people, const char* group, const char* key = "threshold");

  void read_merges(const YAML::Node& n, Policy& policy);

  // snapshots: {who: [people or groups], max-age: "7d"}
  void read_snapshots(const YAML::Node& n, Policy& policy);

  // reviews: [{paths: [...], who: [people or groups], count: k}]
  void read_reviews(const YAML::Node& n, Policy& policy);

  // builders: {who: [people or groups], threshold: k}
  void read_builders(const YAML::Node& n, Policy& policy);

  // revoked: [{key: "ssh-ed25519 AAAA..." | "openpgp:FPR", reason: "..."}]
  void read_revoked(const YAML::Node& n, Policy& policy);

  void read_refs(const YAML::Node& n, Policy& policy);

  KeyCache* keys_;
};

}  // namespace warden::policy_yaml
