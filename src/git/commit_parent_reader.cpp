// See commit_parent_reader.hpp.
#include "git/commit_parent_reader.hpp"

#include <git2/sys/odb_backend.h>

#include <fmt/format.h>

#include <memory>
#include <string_view>

#include "git/commit_parents.hpp"
#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden::git {

namespace {

// The parents in `data`, after checking it is a commit.
Result<std::vector<ObjectId>> parents_in(const ObjectId& id, git_object_t type, std::string_view data) {
  if (type != GIT_OBJECT_COMMIT)
    return make_error(fmt::format("{} is a {}, not a commit", id.hex(), git_object_type2string(type)));
  return commit_parents(data, id);
}

}  // namespace

Result<std::vector<ObjectId>> CommitParentReader::parents(const ObjectId& id) {
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo_) != 0) return make_error(git_error_text("cannot open object database"));
  OdbHandle odb(raw_odb);
  // Each backend in the odb's order, as git_odb_read tries them (highest
  // priority first: the Repository's in-memory store, packs, loose
  // objects; an alternate before the repository's own at equal priority).
  // Not under the odb's lock: a handle is used by one thread at a time.
  for (size_t i = 0, n = git_odb_num_backends(raw_odb); i < n; ++i) {
    git_odb_backend* backend = nullptr;
    if (git_odb_get_backend(&backend, raw_odb, i) != 0 || backend == nullptr || backend->read == nullptr) continue;
    void* data = nullptr;
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    int rc = backend->read(&data, &size, &type, backend, &id.raw);
    if (rc == GIT_ENOTFOUND || rc == GIT_PASSTHROUGH) continue;
    if (rc != 0) return object_error(rc, "commit", id);
    auto free_data = [backend](void* d) { git_odb_backend_data_free(backend, d); };
    std::unique_ptr<void, decltype(free_data)> owned(data, free_data);
    std::string_view text(static_cast<const char*>(data), size);
    WARDEN_TRY_STATUS(hashes_.add(id, type, text));
    return parents_in(id, type, text);
  }
  git_odb_object* raw_obj = nullptr;
  if (int rc = git_odb_read(&raw_obj, raw_odb, &id.raw); rc != 0) {
    Error e = object_error(rc, "commit", id);
    if (rc == GIT_EMISMATCH) hashes_.fail(e);  // every later question fails too
    return e;
  }
  OdbObjectHandle obj(raw_obj);
  return parents_in(id, git_odb_object_type(raw_obj),
                    std::string_view(static_cast<const char*>(git_odb_object_data(raw_obj)), git_odb_object_size(raw_obj)));
}

}  // namespace warden::git
