// Parsing of the ref updates git feeds a pre-receive hook.
#include <fmt/format.h>

#include "warden/push_check.hpp"

namespace warden {
namespace {

constexpr size_t kMaxUpdates = 100000;

bool parse_id(std::string_view hex, ObjectId& out) {
  auto id = ObjectId::from_hex(hex);
  if (id) out = *id;
  return id.has_value();
}

}  // namespace

Result<std::vector<RefUpdate>> parse_ref_updates(std::string_view input) {
  std::vector<RefUpdate> out;
  size_t line_no = 0;
  while (!input.empty()) {
    ++line_no;
    size_t eol = input.find('\n');
    if (eol == std::string_view::npos) return make_error(fmt::format("hook input line {} does not end with a newline", line_no));
    std::string_view line = input.substr(0, eol);
    input.remove_prefix(eol + 1);
    if (out.size() >= kMaxUpdates) return make_error(fmt::format("more than {} ref updates in one push", kMaxUpdates));
    size_t s1 = line.find(' ');
    size_t s2 = s1 == std::string_view::npos ? s1 : line.find(' ', s1 + 1);
    RefUpdate u;
    if (s2 == std::string_view::npos || !parse_id(line.substr(0, s1), u.old_id) ||
        !parse_id(line.substr(s1 + 1, s2 - s1 - 1), u.new_id))
      return make_error(fmt::format("hook input line {} is not '<old-id> <new-id> <ref>'", line_no));
    u.ref = std::string(line.substr(s2 + 1));
    if (!is_valid_ref_name(u.ref)) return make_error(fmt::format("hook input line {}: invalid ref name", line_no));
    if (u.old_id.is_zero() && u.new_id.is_zero())
      return make_error(fmt::format("hook input line {}: both ids are zero", line_no));
    out.push_back(std::move(u));
  }
  if (out.empty()) return make_error("no ref updates on the hook's input");
  return out;
}

}  // namespace warden
