// The whole-run checks every rule set makes before its rules (DESIGN
// section 3): git must show the history that is verified.
#include "verify/history_checks.hpp"

#include <fmt/format.h>

namespace warden::verify {

Result<std::optional<RunRefusal>> history_altered(const GitReads& repo, const ObjectId& target) {
  auto refused = [](std::string reason) { return std::optional<RunRefusal>(RunRefusal{RunCheck::history_altered, std::move(reason)}); };
  if (repo.is_shallow())
    return refused(
        "this is a shallow clone: the commits past its boundary are missing, so the history cannot be verified "
        "from the anchor (run 'git fetch --unshallow')");
  auto alterations = repo.history_alterations();
  if (!alterations) return alterations.error();
  for (const auto& a : *alterations) {
    auto type = repo.object_type(a.object);
    if (!type && type.error().kind == ErrorKind::missing_object) continue;  // replaces nothing here
    if (!type) return type.error();  // a repository that cannot be read is no answer
    if (*type != "commit")
      return refused(fmt::format("{} replaces {} {}: git would show other content than warden verifies (remove it, or set "
                         "GIT_NO_REPLACE_OBJECTS=1 where git should ignore replace refs)",
                         a.source, *type, a.object.short_hex()));
    bool touches = a.object == target;
    if (!touches) {
      auto d = repo.descendant_of(target, a.object);
      if (!d) return d.error();
      touches = *d;
    }
    if (touches && a.source.starts_with("refs/"))
      return refused(fmt::format("{} replaces commit {} in the history being verified: git would show the replacement, "
                         "warden verifies the original (remove it with 'git replace -d', or set "
                         "GIT_NO_REPLACE_OBJECTS=1 where git should ignore replace refs)",
                         a.source, a.object.short_hex()));
    if (touches)
      return refused(fmt::format("{} grafts other parents onto commit {} in the history being verified: git would show "
                         "them, warden verifies the original (remove the graft)",
                         a.source, a.object.short_hex()));
  }
  return std::optional<RunRefusal>();
}

}  // namespace warden::verify
