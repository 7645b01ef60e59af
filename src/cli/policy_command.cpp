// git warden policy check [FILE]
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "warden/policy.hpp"
#include "warden/repository.hpp"

namespace warden::cli {
namespace {

std::string plural(size_t n, const char* word) {
  if (std::string_view(word) == "person") return fmt::format("{} {}", n, n == 1 ? "person" : "people");
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string summary(const Policy& p) {
  return fmt::format("{}, {}, {}, {}, policy changes need {} of {}, unsigned merges {}, {}",
                     plural(p.people.size(), "person"), plural(p.groups.size(), "group"),
                     plural(p.grants.size(), "grant"), plural(p.unprotected.size(), "unprotected path"),
                     p.policy.threshold, plural(p.policy.people.size(), "person"),
                     p.unsigned_merges_allowed ? "allowed" : "denied", plural(p.refs.size(), "ref rule"));
}

}  // namespace

int run_policy_check(const std::optional<std::string>& file) {
  std::string path;
  if (file) {
    path = *file;
  } else {
    auto repo = Repository::open(".");
    if (!repo) return std::cerr << "warden: error: " << repo.error().message << "\n", kExitUsage;
    auto wd = repo->workdir();
    if (!wd) return std::cerr << "warden: error: bare repository: name the policy file to check\n", kExitUsage;
    path = *wd + kPolicyPath;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << fmt::format("warden: error: cannot read {}\n", path);
    return kExitUsage;
  }
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxPolicyBytes + 1) break;
  }
  auto parsed = parse_policy(text, path);
  if (!parsed.problems.empty()) {
    for (const auto& p : parsed.problems) std::cerr << p << "\n";
    std::cerr << fmt::format("warden: {}: invalid policy ({})\n", path, plural(parsed.problems.size(), "problem"));
    return kExitRefused;
  }
  std::cout << fmt::format("{}: valid policy: {}\n", path, summary(*parsed.policy));
  return kExitOk;
}

}  // namespace warden::cli
