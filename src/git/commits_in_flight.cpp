// Commits a running fetch has written but not yet referenced: git fetch
// writes every object (loose, or one pack it marks with a .keep file until
// its refs move) before it updates any ref, and it updates the ref of the
// branch being merged before all others. Its reference-transaction hook
// finds the approvals and snapshots fetched with that branch here.
#include <fmt/format.h>

#include <filesystem>

#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {
namespace {

namespace fs = std::filesystem;

struct Scan {
  git_odb* odb = nullptr;  // whose objects are being listed
  std::vector<ObjectId> commits;
  size_t seen = 0;
  size_t max_objects = 0;
};

int collect_commit(const git_oid* id, void* payload) {
  auto& scan = *static_cast<Scan*>(payload);
  if (++scan.seen > scan.max_objects) return 1;  // stop: more than anyone fetches at once
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&size, &type, scan.odb, id) == 0 && type == GIT_OBJECT_COMMIT) {
    ObjectId out;
    out.raw = *id;
    scan.commits.push_back(out);
  }
  return 0;
}

void list_commits(git_odb_backend* raw_backend, Scan& scan) {
  git_odb* raw_odb = nullptr;
  if (git_odb_new(&raw_odb) != 0) {
    raw_backend->free(raw_backend);
    return;
  }
  git::OdbHandle odb(raw_odb);
  if (git_odb_add_backend(raw_odb, raw_backend, 1) != 0) {
    raw_backend->free(raw_backend);
    return;
  }
  scan.odb = raw_odb;
  git_odb_foreach(raw_odb, collect_commit, &scan);
  scan.odb = nullptr;
}

bool hex_name(std::string_view name, size_t length) {
  return name.size() == length && name.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::vector<ObjectId> Repository::commits_in_flight(size_t max_objects) const {
  Scan scan;
  scan.max_objects = max_objects;
  fs::path objects = fs::path(git_repository_commondir(raw())) / "objects";
  git_odb_backend* loose = nullptr;
  if (git_odb_backend_loose(&loose, objects.c_str(), -1, 0, 0, 0) == 0) list_commits(loose, scan);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(objects / "pack", ec)) {
    fs::path keep = entry.path();
    if (keep.extension() != ".keep") continue;
    fs::path index = keep.replace_extension(".idx");
    git_odb_backend* pack = nullptr;
    if (fs::exists(index, ec) && git_odb_backend_one_pack(&pack, index.c_str()) == 0) list_commits(pack, scan);
  }
  return scan.commits;
}

bool Repository::is_notes_commit(const ObjectId& id) const {
  // A notes commit's tree holds only notes: entries named by object ids,
  // whole or split into a two-digit fan-out directory.
  git_commit* raw_commit = nullptr;
  if (git_commit_lookup(&raw_commit, raw(), &id.raw) != 0) return false;
  git::CommitHandle commit(raw_commit);
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, raw_commit) != 0) return false;
  git::TreeHandle tree(raw_tree);
  size_t n = git_tree_entrycount(raw_tree);
  bool notes = n > 0;
  for (size_t i = 0; i < n && notes; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(raw_tree, i);
    std::string_view name = git_tree_entry_name(e);
    notes = git_tree_entry_type(e) == GIT_OBJECT_TREE ? hex_name(name, 2) : hex_name(name, GIT_OID_HEXSZ);
  }
  return notes;
}

}  // namespace warden
