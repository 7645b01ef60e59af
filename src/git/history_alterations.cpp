// What makes git show a history other than the objects say: replace refs
// (refs/replace/<id>, honoured unless GIT_NO_REPLACE_OBJECTS is set or
// core.useReplaceRefs is false; GIT_REPLACE_REF_BASE moves them), grafts
// (info/grafts, or GIT_GRAFT_FILE; always honoured) and a shallow clone.
// libgit2 honours none of them, so the engine must know.
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>

#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {

Result<std::vector<HistoryAlteration>> Repository::history_alterations() const {
  std::vector<HistoryAlteration> out;
  bool replace_refs = std::getenv("GIT_NO_REPLACE_OBJECTS") == nullptr;
  if (auto use = config_string("core.useReplaceRefs"); use && (*use == "false" || *use == "no" || *use == "off" || *use == "0"))
    replace_refs = false;
  if (replace_refs) {
    std::string base = "refs/replace/";
    if (const char* b = std::getenv("GIT_REPLACE_REF_BASE"); b && *b) {
      base = b;
      if (!base.ends_with("/")) base += "/";
    }
    auto refs = list_refs();
    if (!refs) return refs.error();
    for (const auto& r : *refs) {
      if (!r.name.starts_with(base)) continue;
      auto replaced = ObjectId::from_hex(std::string_view(r.name).substr(base.size()));
      if (!replaced) continue;  // git ignores a replace ref that does not name an object id
      out.push_back(HistoryAlteration{r.name, *replaced});
    }
  }
  std::string grafts = git_dir() + "info/grafts";
  if (const char* g = std::getenv("GIT_GRAFT_FILE"); g && *g) grafts = g;
  std::ifstream in(grafts);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    auto grafted = ObjectId::from_hex(std::string_view(line).substr(0, GIT_OID_HEXSZ));
    if (grafted) out.push_back(HistoryAlteration{fmt::format("{} (line {})", grafts, n), *grafted});
  }
  return out;
}

bool Repository::is_shallow() const { return git_repository_is_shallow(raw()) == 1; }

}  // namespace warden
