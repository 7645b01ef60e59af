#include "warden/path_pattern.hpp"

#include <fmt/format.h>

namespace warden {
namespace {

bool covers_prefix(std::string_view prefix, std::string_view path) {
  if (prefix.empty()) return true;
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

Result<PathPattern> PathPattern::parse(std::string_view text) {
  PathPattern p;
  p.text_ = text;
  if (text == "/") return p;
  if (text.empty()) return make_error("empty path pattern");
  if (text.find('\0') != std::string_view::npos) return make_error("path pattern contains a NUL byte");
  if (text.find('\\') != std::string_view::npos)
    return make_error(fmt::format("path pattern '{}' contains a backslash", text));
  if (text.front() == '/')
    return make_error(fmt::format("path pattern '{}' starts with '/' (write paths relative to the top)", text));
  std::string_view body = text;
  if (body.back() == '/') body.remove_suffix(1);
  size_t start = 0;
  while (true) {
    size_t end = body.find('/', start);
    std::string_view seg = body.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (seg.empty()) return make_error(fmt::format("path pattern '{}' contains '//'", text));
    if (seg == "." || seg == "..") return make_error(fmt::format("path pattern '{}' contains a '{}' segment", text, seg));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  p.prefix_ = body;
  return p;
}

bool PathPattern::covers(std::string_view path) const { return covers_prefix(prefix_, path); }

bool PathPattern::overlaps(const PathPattern& other) const {
  return covers_prefix(prefix_, other.prefix_) || covers_prefix(other.prefix_, prefix_);
}

bool is_policy_path(std::string_view path) { return covers_prefix(".warden", path); }

}  // namespace warden
