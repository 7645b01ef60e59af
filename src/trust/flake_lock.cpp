#include "warden/flake_lock.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace warden {

std::string LockedGitInput::source() const {
  if (type == "git") return "git+" + url;
  return fmt::format("{}:{}/{}", type, owner, repo);
}

Result<std::vector<LockedGitInput>> parse_flake_lock(std::string_view text) {
  if (text.size() > kMaxFlakeLockBytes) return make_error("larger than 4 MiB");
  nlohmann::json lock = nlohmann::json::parse(text, nullptr, false);
  if (lock.is_discarded() || !lock.is_object()) return make_error("not JSON (a flake.lock is a JSON object)");
  auto nodes = lock.find("nodes");
  if (nodes == lock.end() || !nodes->is_object()) return make_error("no \"nodes\" object");
  if (auto v = lock.find("version"); v == lock.end() || !v->is_number_integer() || v->get<int64_t>() < 5 ||
                                     v->get<int64_t>() > 7)
    return make_error("unsupported lock file version (warden reads versions 5 to 7)");
  std::vector<LockedGitInput> out;
  for (const auto& [name, node] : nodes->items()) {
    if (!node.is_object()) return make_error(fmt::format("node {} is not an object", name));
    auto locked = node.find("locked");
    if (locked == node.end()) continue;  // the root, or an input that follows another
    if (!locked->is_object()) return make_error(fmt::format("node {}: \"locked\" is not an object", name));
    auto field = [&](const char* key) -> std::string {
      auto f = locked->find(key);
      return f != locked->end() && f->is_string() ? f->get<std::string>() : std::string();
    };
    LockedGitInput in{name, field("type"), field("url"), field("owner"), field("repo"), field("rev")};
    if (in.type != "git" && in.type != "github" && in.type != "gitlab") continue;
    if (in.rev.size() != 40 || in.rev.find_first_not_of("0123456789abcdef") != std::string::npos)
      return make_error(fmt::format("node {}: locked {} input without a 40-digit rev", name, in.type));
    if (in.type == "git" && in.url.empty()) return make_error(fmt::format("node {}: locked git input without a url", name));
    if (in.type != "git" && (in.owner.empty() || in.repo.empty()))
      return make_error(fmt::format("node {}: locked {} input without owner and repo", name, in.type));
    out.push_back(std::move(in));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace warden
