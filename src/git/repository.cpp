// Opening a repository and the simple object reads the engine needs.
#include "warden/repository.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <git2/sys/repository.h>

#include "git/command_line_config.hpp"
#include "git/config_files.hpp"
#include "git/commit_graph.hpp"
#include "git/handles.hpp"
#include "git/signed_commit.hpp"

namespace warden {

std::string git_error_text(const std::string& what) {
  const git_error* e = git_error_last();
  if (e == nullptr || e->message == nullptr) return what;
  return fmt::format("{}: {}", what, e->message);
}

Error object_error(int rc, const std::string& kind, const ObjectId& id) {
  if (rc == GIT_ENOTFOUND)
    return make_error(git_error_text(fmt::format("missing {} {}", kind, id.hex())), ErrorKind::missing_object);
  return make_error(git_error_text(fmt::format("cannot read {} {}", kind, id.hex())));
}

struct Repository::Impl {
  git::LibraryGuard library;
  git::RepositoryHandle repo;
  std::vector<git::ConfigEntry> command_line;  // git -c settings, which override the files
  git_odb_backend* written = nullptr;            // the in-memory object store (owned by the odb)
  std::vector<std::string> object_directories;   // added with add_object_directories
};

Repository::Repository(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

git_repository* Repository::raw() const { return impl_->repo.get(); }

namespace {

// Routes every object libgit2 writes (merged blobs, merge trees) into
// memory, so that verification never changes the repository on disk.
Result<git_odb_backend*> add_memory_backend(git_odb* odb) {
  git_odb_backend* mempack = nullptr;
  if (git_mempack_new(&mempack) != 0) return make_error(git_error_text("cannot create in-memory object store"));
  if (git_odb_add_backend(odb, mempack, 1000) != 0) {
    mempack->free(mempack);
    return make_error(git_error_text("cannot add in-memory object store"));
  }
  return mempack;
}

Result<git_odb_backend*> add_memory_backend(git_repository* repo) {
  git_odb* odb_raw = nullptr;
  if (git_repository_odb(&odb_raw, repo) != 0) return make_error(git_error_text("cannot open object database"));
  git::OdbHandle odb(odb_raw);
  return add_memory_backend(odb.get());
}

}  // namespace

Result<Repository> Repository::open(const std::string& path) { return open_with(path, 0); }

Result<Repository> Repository::open_exact(const std::string& path) {
  return open_with(path, GIT_REPOSITORY_OPEN_NO_SEARCH);
}

Result<Repository> Repository::open_with(const std::string& path, unsigned flags) {
  auto impl = std::make_unique<Impl>();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), flags, nullptr);
  impl->repo.reset(raw);
  if (rc != 0) return make_error(git_error_text(fmt::format("not a git repository: {}", path)));
  WARDEN_TRY_STATUS(git::use_git_config_files(raw));
  auto written = add_memory_backend(raw);
  if (!written) return written.error();
  impl->written = *written;
  auto command_line = git::command_line_config();
  if (!command_line) return command_line.error();
  impl->command_line = std::move(*command_line);
  return Repository(std::move(impl));
}

namespace {

// Makes the objects in `dirs` readable through `odb`.
Status add_alternates(git_odb* odb, const std::vector<std::string>& dirs) {
  for (const auto& dir : dirs)
    if (git_odb_add_disk_alternate(odb, dir.c_str()) != 0)
      return make_error(git_error_text(fmt::format("cannot read objects from {}", dir)));
  return Status::success();
}

}  // namespace

Status Repository::add_object_directories(const std::vector<std::string>& dirs) {
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, raw()) != 0) return make_error(git_error_text("cannot open object database"));
  git::OdbHandle odb(raw_odb);
  WARDEN_TRY_STATUS(add_alternates(raw_odb, dirs));
  impl_->object_directories.insert(impl_->object_directories.end(), dirs.begin(), dirs.end());
  return Status::success();
}

Result<std::unique_ptr<GitReads>> Repository::reader() const {
  auto other = open_exact(git_dir());
  if (!other) return other.error();
  WARDEN_TRY_STATUS(other->add_object_directories(impl_->object_directories));
  return std::unique_ptr<GitReads>(std::make_unique<Repository>(std::move(*other)));
}

void Repository::drop_written_objects() const {
  if (impl_->written != nullptr) git_mempack_reset(impl_->written);
}

void Repository::release_objects() const {
  git_odb* empty = nullptr;
  if (git_odb_new(&empty) != 0) return;  // keeps the store it has: memory, not correctness
  git::OdbHandle owned(empty);
  git_repository_set_odb(raw(), empty);  // frees the old store (and the in-memory one in it)
  impl_->written = nullptr;
}

Status Repository::reopen_objects() const {
  git::Buf path;
  if (git_repository_item_path(&path.buf, raw(), GIT_REPOSITORY_ITEM_OBJECTS) != 0)
    return make_error(git_error_text("cannot find the object database"));
  git_odb* raw_odb = nullptr;
  if (git_odb_open(&raw_odb, path.buf.ptr) != 0)
    return make_error(git_error_text(fmt::format("cannot open the object database in {}", path.str())));
  git::OdbHandle odb(raw_odb);
  WARDEN_TRY_STATUS(add_alternates(raw_odb, impl_->object_directories));
  auto written = add_memory_backend(raw_odb);
  if (!written) return written.error();
  git_repository_set_odb(raw(), raw_odb);
  impl_->written = *written;
  return Status::success();
}

Result<ObjectId> Repository::resolve_commit(const std::string& rev) const {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, raw(), rev.c_str()) != 0)
    return make_error(git_error_text(fmt::format("unknown revision '{}'", rev)));
  git::ObjectHandle owned(obj);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0)
    return make_error(fmt::format("'{}' does not name a commit", rev));
  git::ObjectHandle owned_peeled(peeled);
  return ObjectId::from(git_object_id(peeled));
}

Result<CommitData> Repository::read_commit(const ObjectId& id) const {
  git_commit* raw_commit = nullptr;
  if (int rc = git_commit_lookup(&raw_commit, raw(), &id.raw); rc != 0) return object_error(rc, "commit", id);
  git::CommitHandle commit(raw_commit);
  CommitData data;
  data.id = id;
  data.tree = ObjectId::from(git_commit_tree_id(raw_commit));
  unsigned n = git_commit_parentcount(raw_commit);
  for (unsigned i = 0; i < n; ++i) data.parents.push_back(ObjectId::from(git_commit_parent_id(raw_commit, i)));
  const char* summary = git_commit_summary(raw_commit);
  data.summary = summary ? summary : "";
  data.committer_time = git_commit_time(raw_commit);
  if (const git_signature* who = git_commit_committer(raw_commit)) {
    data.committer_name = who->name ? who->name : "";
    data.committer_email = who->email ? who->email : "";
  }
  // The signed payload and the signature exactly as git extracts them
  // (libgit2's git_commit_extract_signature differs on crafted headers).
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, raw()) != 0) return make_error(git_error_text("cannot open object database"));
  git::OdbHandle odb(raw_odb);
  git_odb_object* raw_obj = nullptr;
  if (git_odb_read(&raw_obj, raw_odb, &id.raw) != 0)
    return make_error(git_error_text(fmt::format("cannot read commit {}", id.hex())));
  git::OdbObjectHandle obj(raw_obj);
  auto parts = git::split_signed_commit(
      std::string_view(static_cast<const char*>(git_odb_object_data(raw_obj)), git_odb_object_size(raw_obj)));
  data.signature_headers = parts.signature_headers;
  data.other_signature_headers = parts.other_signature_headers;
  if (parts.signature_headers > 0) {
    data.signature = std::move(parts.signature);
    data.signed_payload = std::move(parts.payload);
  }
  return data;
}

namespace {

Result<Blob> read_blob_object(git_repository* repo, const git_oid* id, size_t max_size, const std::string& path) {
  git_blob* raw_blob = nullptr;
  if (git_blob_lookup(&raw_blob, repo, id) != 0)
    return make_error(git_error_text(fmt::format("missing blob for {}", path)));
  git::BlobHandle blob(raw_blob);
  auto size = static_cast<size_t>(git_blob_rawsize(raw_blob));
  if (size > max_size)
    return make_error(fmt::format("{}: file is larger than {} bytes", path, max_size), ErrorKind::too_large);
  Blob out;
  out.id = ObjectId::from(id);
  out.content.assign(static_cast<const char*>(git_blob_rawcontent(raw_blob)), size);
  return out;
}

}  // namespace

Result<git::TreeHandle> git::lookup_tree(git_repository* repo, const ObjectId& id, const std::string& path) {
  git_tree* t = nullptr;
  if (git_tree_lookup(&t, repo, &id.raw) == 0) return git::TreeHandle(t);
  std::string where = path.empty() ? "" : fmt::format(" for {}", path);
  git_odb* raw_odb = nullptr;
  bool exists = false;
  if (git_repository_odb(&raw_odb, repo) == 0) {
    git::OdbHandle odb(raw_odb);
    exists = git_odb_exists(raw_odb, &id.raw) == 1;
  }
  if (exists)
    return make_error(git_error_text(fmt::format("malformed tree object {}{}", id.hex(), where)));
  return make_error(git_error_text(fmt::format("missing tree object {}{}", id.hex(), where)));
}

Result<std::optional<Blob>> Repository::read_file(const ObjectId& tree_id, const std::string& path,
                                                  size_t max_size) const {
  auto tree = git::lookup_tree(raw(), tree_id);
  if (!tree) return tree.error();
  git_tree_entry* raw_entry = nullptr;
  int rc = git_tree_entry_bypath(&raw_entry, tree->get(), path.c_str());
  if (rc == GIT_ENOTFOUND) return std::optional<Blob>();
  if (rc != 0) return make_error(git_error_text(fmt::format("cannot read {}", path)));
  git::TreeEntryHandle entry(raw_entry);
  if (git_tree_entry_filemode(raw_entry) != GIT_FILEMODE_BLOB &&
      git_tree_entry_filemode(raw_entry) != GIT_FILEMODE_BLOB_EXECUTABLE)
    return std::optional<Blob>();
  auto blob = read_blob_object(raw(), git_tree_entry_id(raw_entry), max_size, path);
  if (!blob) return blob.error();
  return std::optional<Blob>(std::move(*blob));
}

Result<std::optional<ObjectId>> Repository::entry_id(const ObjectId& tree_id, const std::string& path) const {
  auto tree = git::lookup_tree(raw(), tree_id);
  if (!tree) return tree.error();
  git_tree_entry* raw_entry = nullptr;
  int rc = git_tree_entry_bypath(&raw_entry, tree->get(), path.c_str());
  if (rc == GIT_ENOTFOUND) return std::optional<ObjectId>();
  if (rc != 0) return make_error(git_error_text(fmt::format("cannot read {}", path)));
  git::TreeEntryHandle entry(raw_entry);
  return std::optional<ObjectId>(ObjectId::from(git_tree_entry_id(raw_entry)));
}

Result<Blob> Repository::read_blob(const ObjectId& id, size_t max_size, const std::string& path) const {
  return read_blob_object(raw(), &id.raw, max_size, path);
}

Result<std::vector<std::pair<std::string, ObjectId>>> Repository::list_files(const ObjectId& tree_id,
                                                                             const std::string& suffix) const {
  auto tree = git::lookup_tree(raw(), tree_id);
  if (!tree) return tree.error();
  struct Collect {
    const std::string* suffix;
    std::vector<std::pair<std::string, ObjectId>> out;
  } collect{&suffix, {}};
  auto cb = [](const char* root, const git_tree_entry* entry, void* payload) -> int {
    auto* c = static_cast<Collect*>(payload);
    git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) return 0;
    std::string path = std::string(root) + git_tree_entry_name(entry);
    if (path.ends_with(*c->suffix)) c->out.emplace_back(std::move(path), ObjectId::from(git_tree_entry_id(entry)));
    return 0;
  };
  if (git_tree_walk(tree->get(), GIT_TREEWALK_PRE, cb, &collect) != 0)
    return make_error(git_error_text(fmt::format("cannot list tree {}", tree_id.hex())));
  return std::move(collect.out);
}

std::optional<std::string> Repository::config_string(const std::string& key) const {
  if (auto canonical = git::canonical_config_key(key)) {
    const auto& given = impl_->command_line;
    for (auto it = given.rbegin(); it != given.rend(); ++it)
      if (it->key == *canonical) return it->value.value_or("true");
  }
  git_config* raw_cfg = nullptr;
  if (git_repository_config_snapshot(&raw_cfg, raw()) != 0) return std::nullopt;
  git::ConfigHandle cfg(raw_cfg);
  const char* value = nullptr;
  if (git_config_get_string(&value, raw_cfg, key.c_str()) != 0) return std::nullopt;
  return std::string(value);
}

namespace {

// Every value of `key` in `cfg`, in order.
std::vector<std::string> multivar(git_config* cfg, const std::string& key) {
  std::vector<std::string> out;
  git_config_get_multivar_foreach(
      cfg, key.c_str(), nullptr,
      [](const git_config_entry* e, void* payload) {
        static_cast<std::vector<std::string>*>(payload)->emplace_back(e->value);
        return 0;
      },
      &out);
  return out;
}

}  // namespace

std::vector<std::string> Repository::config_strings(const std::string& key) const {
  std::vector<std::string> out;
  git_config* raw_cfg = nullptr;
  if (git_repository_config_snapshot(&raw_cfg, raw()) == 0) {
    git::ConfigHandle cfg(raw_cfg);
    out = multivar(raw_cfg, key);
  }
  // The command line's values come after the files', as git lists them.
  if (auto canonical = git::canonical_config_key(key))
    for (const auto& e : impl_->command_line)
      if (e.key == *canonical) out.push_back(e.value.value_or("true"));
  return out;
}

namespace {

// The repository's own config file (.git/config), for writing.
Result<git::ConfigHandle> local_config(git_repository* repo) {
  git_config* raw_cfg = nullptr;
  if (git_repository_config(&raw_cfg, repo) != 0) return make_error(git_error_text("cannot open git config"));
  git::ConfigHandle cfg(raw_cfg);
  git_config* local = nullptr;
  if (git_config_open_level(&local, raw_cfg, GIT_CONFIG_LEVEL_LOCAL) != 0)
    return make_error(git_error_text("cannot open the repository's own git config"));
  return git::ConfigHandle(local);
}

}  // namespace

Status Repository::set_config_string(const std::string& key, const std::string& value) {
  auto local_cfg = local_config(raw());
  if (!local_cfg) return local_cfg.error();
  git_config* local = local_cfg->get();
  if (git_config_set_string(local, key.c_str(), value.c_str()) != 0)
    return make_error(git_error_text(fmt::format("cannot set {}", key)));
  return Status::success();
}

Status Repository::add_first_config_value(const std::string& key, const std::string& value) {
  auto existing = config_strings(key);
  if (std::find(existing.begin(), existing.end(), value) != existing.end()) return Status::success();
  auto local_cfg = local_config(raw());
  if (!local_cfg) return local_cfg.error();
  git_config* local = local_cfg->get();
  std::vector<std::string> own = multivar(local, key);
  if (!own.empty() && git_config_delete_multivar(local, key.c_str(), ".*") != 0)
    return make_error(git_error_text(fmt::format("cannot rewrite {}", key)));
  own.insert(own.begin(), value);
  for (const auto& v : own)
    if (git_config_set_multivar(local, key.c_str(), "^$", v.c_str()) != 0)
      return make_error(git_error_text(fmt::format("cannot set {}", key)));
  return Status::success();
}

std::vector<std::string> Repository::remote_names() const {
  git_strarray names{};
  std::vector<std::string> out;
  if (git_remote_list(&names, raw()) != 0) return out;
  for (size_t i = 0; i < names.count; ++i) out.emplace_back(names.strings[i]);
  git_strarray_dispose(&names);
  return out;
}

std::optional<std::string> Repository::workdir() const {
  const char* wd = git_repository_workdir(raw());
  if (wd == nullptr) return std::nullopt;
  return std::string(wd);
}

}  // namespace warden
