// Parsing and validation of .warden/policy.yml, version 1.
//
// Two passes over the text: yaml-cpp's event parser first, to refuse what
// a policy never needs and an attacker might use (anchors and aliases,
// duplicate keys, several documents, deep nesting); then the node tree,
// read into a typed Policy with every problem reported by line
// (yaml_structure_check.hpp, then policy_reader.hpp).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>

#include "common/printable.hpp"
#include "policy/policy_reader.hpp"
#include "policy/yaml_structure_check.hpp"
#include "warden/policy.hpp"

namespace warden {

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
    policy_yaml::StructureCheck check;
    int documents = 0;
    // Stop at the second document: for some malformed input yaml-cpp 0.7
    // finds documents forever without moving on (found by fuzz/policy).
    while (documents < 2 && parser.HandleNextDocument(check)) ++documents;
    for (const auto& [line, msg] : check.problems) fail(line, msg);
    if (documents > 1) fail(1, "a policy is one YAML document");
    if (documents == 0) fail(1, "policy is empty");
    if (!out.problems.empty()) return out;

    YAML::Node root = YAML::Load(owned);
    policy_yaml::Reader reader(keys);
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
