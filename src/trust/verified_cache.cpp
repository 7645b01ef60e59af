#include "warden/verified_cache.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/text_forms.hpp"
#include "common/lines.hpp"
#include "signatures/sha2.hpp"

namespace warden {
namespace {

constexpr const char* kHeader = "warden verified-commits v1";

std::string sha256_hex(std::string_view data) {
  return hex_of(sha256(data));
}

// "" if `path` is safe to trust: ours, and not writable by group or others.
std::string unsafe(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return "";
  if (st.st_uid != geteuid()) return fmt::format("{} belongs to another user", path);
  if (st.st_mode & (S_IWGRP | S_IWOTH)) return fmt::format("{} is writable by others", path);
  return "";
}

}  // namespace

Result<std::vector<ObjectId>> VerifiedCache::parse_cache_file(std::string_view text, std::string_view anchor_line) {
  size_t sum_at = text.rfind("sha256 ");
  if (sum_at == std::string_view::npos || text.back() != '\n') return make_error("damaged (no checksum)");
  std::string_view body = text.substr(0, sum_at);
  if (text.substr(sum_at + 7, 64) != sha256_hex(body) || sum_at + 7 + 64 + 1 != text.size())
    return make_error("damaged (checksum mismatch)");
  std::vector<ObjectId> tips;
  size_t n = 0;
  while (!body.empty()) {
    std::string_view line = take_line(body);
    if (n == 0 && line != kHeader) return make_error("damaged (unknown format)");
    if (n == 1 && line != anchor_line) return make_error("made for another anchor");
    if (n++ < 2) continue;
    auto id = ObjectId::from_hex(line);
    if (!id) return make_error("damaged (bad commit id)");
    if (tips.size() == kMaxTips) return make_error("damaged (too many tips)");
    tips.push_back(*id);
  }
  if (n < 2) return make_error(n == 0 ? "damaged (unknown format)" : "made for another anchor");
  return tips;
}

VerifiedCache VerifiedCache::load(const Repository& repo, const Anchor& anchor) {
  VerifiedCache c;
  c.anchor_line_ = fmt::format("anchor {}:{}", anchor.commit.hex(), anchor.fingerprint);
  std::string dir = repo.git_dir() + "warden/verified";
  c.path_ = dir + "/" + sha256_hex(c.anchor_line_).substr(0, 32);
  auto ignore = [&](std::string why) {
    c.tips_.clear();
    c.warning_ = fmt::format("verified-commit cache ignored: {}", why);
    return c;
  };
  std::ifstream in(c.path_, std::ios::binary);
  if (!in) return c;
  for (const auto& p : {dir, c.path_})
    if (auto why = unsafe(p); !why.empty()) return ignore(why);
  std::stringstream ss;
  ss << in.rdbuf();
  auto tips = parse_cache_file(ss.str(), c.anchor_line_);
  if (!tips) return ignore(tips.error().message);
  c.tips_ = std::move(*tips);
  c.loaded_ = true;
  return c;
}

void VerifiedCache::add(const ObjectId& tip) {
  tips_.erase(std::remove(tips_.begin(), tips_.end(), tip), tips_.end());
  tips_.push_back(tip);
  if (tips_.size() > kMaxTips) tips_.erase(tips_.begin(), tips_.end() - kMaxTips);
}

Status VerifiedCache::save() const {
  std::string dir = path_.substr(0, path_.rfind('/'));
  std::string parent = dir.substr(0, dir.rfind('/'));
  for (const auto& d : {parent, dir})
    if (mkdir(d.c_str(), 0700) != 0 && errno != EEXIST)
      return make_error(fmt::format("cannot create {}: {}", d, std::strerror(errno)));
  chmod(dir.c_str(), 0700);
  std::string body = std::string(kHeader) + "\n" + anchor_line_ + "\n";
  for (const auto& t : tips_) body += t.hex() + "\n";
  return write_file_atomically(path_, body + "sha256 " + sha256_hex(body) + "\n", 0600);
}

}  // namespace warden
