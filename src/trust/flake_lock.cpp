#include "warden/flake_lock.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <nlohmann/json.hpp>
#include <set>

namespace warden {

std::string LockedInput::source() const {
  if (type == "git") return "git+" + url;
  if (type == "github" || type == "gitlab") return fmt::format("{}:{}/{}", type, owner, repo);
  return type;
}

namespace {

// The input read from node `name`'s `locked` object, reached as `input`.
Result<LockedInput> locked_input(const std::string& input, const std::string& name, const nlohmann::json& locked) {
  if (!locked.is_object()) return make_error(fmt::format("node {}: \"locked\" is not an object", name));
  auto field = [&](const char* key) -> std::string {
    auto f = locked.find(key);
    return f != locked.end() && f->is_string() ? f->get<std::string>() : std::string();
  };
  LockedInput in{input, name, field("type"), field("url"), field("owner"), field("repo"), field("rev"), ""};
  if (in.type.empty()) return make_error(fmt::format("node {}: locked input without a type", name));
  if (!in.git()) return in;
  if (in.rev.size() != 40 || in.rev.find_first_not_of("0123456789abcdef") != std::string::npos)
    return make_error(fmt::format("node {}: locked {} input without a 40-digit rev", name, in.type));
  if (in.type == "git" && in.url.empty()) return make_error(fmt::format("node {}: locked git input without a url", name));
  if (in.type != "git") {
    if (in.owner.empty() || in.repo.empty())
      return make_error(fmt::format("node {}: locked {} input without owner and repo", name, in.type));
    // Nix fetches github/gitlab inputs as an archive from `host`'s API and
    // checks it against narHash, which the lock's writer chose: only the
    // forge itself answers for what the archive of `rev` holds.
    std::string own = in.type == "github" ? "github.com" : "gitlab.com";
    if (auto host = locked.find("host"); host != locked.end() && !(host->is_string() && host->get<std::string>() == own))
      in.unsupported = fmt::format("it is fetched from host {}, not {}: nothing binds what that host serves to rev {}",
                                   host->is_string() ? host->get<std::string>() : host->dump(), own,
                                   in.rev.substr(0, 10));
  }
  return in;
}

}  // namespace

Result<std::vector<LockedInput>> parse_flake_lock(std::string_view text) {
  if (text.size() > kMaxFlakeLockBytes) return make_error("larger than 4 MiB");
  nlohmann::json lock = nlohmann::json::parse(text, nullptr, false);
  if (lock.is_discarded() || !lock.is_object()) return make_error("not JSON (a flake.lock is a JSON object)");
  auto nodes = lock.find("nodes");
  if (nodes == lock.end() || !nodes->is_object()) return make_error("no \"nodes\" object");
  if (auto v = lock.find("version"); v == lock.end() || !v->is_number_integer() || v->get<int64_t>() < 5 ||
                                     v->get<int64_t>() > 7)
    return make_error("unsupported lock file version (warden reads versions 5 to 7)");
  std::string root = "root";
  if (auto r = lock.find("root"); r != lock.end()) {
    if (!r->is_string()) return make_error("\"root\" is not a node name");
    root = r->get<std::string>();
  }
  // Breadth first from the root, inputs in name order: each node gets the
  // shortest, then first, path that reaches it; a `follows` (a list) names
  // a node reached elsewhere. Nodes no path reaches are not used by Nix.
  std::vector<LockedInput> out;
  std::set<std::string> seen{root};
  std::deque<std::pair<std::string, std::string>> queue{{root, ""}};
  while (!queue.empty()) {
    auto [name, path] = queue.front();
    queue.pop_front();
    auto node = nodes->find(name);
    if (node == nodes->end()) return make_error(fmt::format("input {} names node {}, which the lock lacks", path, name));
    if (!node->is_object()) return make_error(fmt::format("node {} is not an object", name));
    if (name != root) {
      auto locked = node->find("locked");
      if (locked == node->end()) return make_error(fmt::format("node {} (input {}) is not locked", name, path));
      auto in = locked_input(path, name, *locked);
      if (!in) return in.error();
      out.push_back(std::move(*in));
    }
    auto inputs = node->find("inputs");
    if (inputs == node->end()) continue;
    if (!inputs->is_object()) return make_error(fmt::format("node {}: \"inputs\" is not an object", name));
    for (const auto& [input, ref] : inputs->items()) {
      if (ref.is_array()) continue;  // follows another input
      if (!ref.is_string()) return make_error(fmt::format("node {}: input {} names no node", name, input));
      if (!seen.insert(ref.get<std::string>()).second) continue;
      queue.emplace_back(ref.get<std::string>(), path.empty() ? input : path + "/" + input);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.input < b.input; });
  return out;
}

}  // namespace warden
