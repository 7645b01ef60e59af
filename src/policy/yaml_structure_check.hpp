// Pass 1 of parse_policy (policy_parser.cpp): structural checks on
// yaml-cpp's event stream, before any node tree is built, to refuse what
// a policy never needs and an attacker might use: anchors and aliases,
// duplicate keys, deep nesting. Private to the policy layer.
#pragma once

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace warden::policy_yaml {

inline constexpr size_t kMaxDepth = 32;

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

}  // namespace warden::policy_yaml
