// Refs, tags, object types and extra object directories.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {

using git::OdbObjectHandle;
using git::ReferenceHandle;
using git::TagHandle;

bool is_valid_ref_name(const std::string& name) {
  // libgit2 must be initialised even when no repository is open yet.
  static git::LibraryGuard library;
  int valid = 0;
  return git_reference_name_is_valid(&valid, name.c_str()) == 0 && valid && name.starts_with("refs/");
}

Status Repository::add_object_directories_from_environment() {
  std::vector<std::string> dirs;
  if (const char* d = std::getenv("GIT_OBJECT_DIRECTORY"); d && *d) dirs.emplace_back(d);
  if (const char* alt = std::getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES"); alt && *alt) {
    // Colon-separated; git quotes entries that contain a colon or a quote.
    std::string s(alt);
    size_t start = 0;
    while (start <= s.size()) {
      if (start < s.size() && s[start] == '"') {
        std::string entry;
        size_t i = start + 1;
        for (; i < s.size() && s[i] != '"'; ++i) {
          if (s[i] == '\\' && i + 1 < s.size()) ++i;
          entry.push_back(s[i]);
        }
        if (i >= s.size()) return make_error("malformed GIT_ALTERNATE_OBJECT_DIRECTORIES");
        dirs.push_back(entry);
        start = s.find(':', i);
        if (start == std::string::npos) break;
        ++start;
        continue;
      }
      size_t colon = s.find(':', start);
      std::string entry = s.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!entry.empty()) dirs.push_back(entry);
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  return add_object_directories(dirs);
}

Result<std::optional<ObjectId>> Repository::ref_target(const std::string& name) const {
  git_reference* raw_ref = nullptr;
  int rc = git_reference_lookup(&raw_ref, raw(), name.c_str());
  if (rc == GIT_ENOTFOUND) return std::optional<ObjectId>();
  if (rc != 0) return make_error(git_error_text(fmt::format("cannot read ref {}", name)));
  ReferenceHandle ref(raw_ref);
  git_reference* resolved_raw = nullptr;
  rc = git_reference_resolve(&resolved_raw, raw_ref);
  if (rc == GIT_ENOTFOUND) return std::optional<ObjectId>();
  if (rc != 0) return make_error(git_error_text(fmt::format("cannot resolve ref {}", name)));
  ReferenceHandle resolved(resolved_raw);
  return std::optional<ObjectId>(ObjectId::from(git_reference_target(resolved_raw)));
}

std::optional<std::string> Repository::head_ref_name() const { return symbolic_target("HEAD"); }

std::optional<std::string> Repository::symbolic_target(const std::string& name) const {
  git_reference* raw_ref = nullptr;
  if (git_reference_lookup(&raw_ref, raw(), name.c_str()) != 0) return std::nullopt;
  ReferenceHandle head(raw_ref);
  const char* target = git_reference_symbolic_target(raw_ref);
  if (target == nullptr) return std::nullopt;
  return std::string(target);
}

Result<std::vector<RefTip>> Repository::list_refs(const std::string& glob) const {
  std::vector<RefTip> out;
  git_reference_iterator* raw_it = nullptr;
  if (git_reference_iterator_glob_new(&raw_it, raw(), glob.c_str()) != 0)
    return make_error(git_error_text("cannot list refs"));
  git::ReferenceIteratorHandle it(raw_it);
  git_reference* raw_ref = nullptr;
  int rc;
  while ((rc = git_reference_next(&raw_ref, raw_it)) == 0) {
    ReferenceHandle ref(raw_ref);
    if (git_reference_type(raw_ref) != GIT_REFERENCE_DIRECT) continue;
    out.push_back({git_reference_name(raw_ref), ObjectId::from(git_reference_target(raw_ref))});
  }
  if (rc != GIT_ITEROVER) return make_error(git_error_text("cannot list refs"));
  return out;
}

Result<std::string> Repository::object_type(const ObjectId& id) const {
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, raw()) != 0) return make_error(git_error_text("cannot open object database"));
  git::OdbHandle odb(raw_odb);
  size_t len;
  git_object_t type;
  if (int rc = git_odb_read_header(&len, &type, raw_odb, &id.raw); rc != 0) return object_error(rc, "object", id);
  return std::string(git_object_type2string(type));
}

Result<ObjectId> Repository::peel_to_commit(const ObjectId& id) const {
  git_object* raw_obj = nullptr;
  if (int rc = git_object_lookup(&raw_obj, raw(), &id.raw, GIT_OBJECT_ANY); rc != 0) return object_error(rc, "object", id);
  git::ObjectHandle obj(raw_obj);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, raw_obj, GIT_OBJECT_COMMIT) != 0)
    return make_error(fmt::format("{} does not point at a commit", id.hex()));
  git::ObjectHandle owned(peeled);
  return ObjectId::from(git_object_id(peeled));
}

Result<TagData> Repository::read_tag(const ObjectId& id) const {
  git_tag* raw_tag = nullptr;
  if (git_tag_lookup(&raw_tag, raw(), &id.raw) != 0)
    return make_error(git_error_text(fmt::format("missing tag object {}", id.hex())));
  TagHandle tag(raw_tag);
  TagData out;
  out.id = id;
  out.target = ObjectId::from(git_tag_target_id(raw_tag));
  out.target_type = git_object_type2string(git_tag_target_type(raw_tag));
  out.name = git_tag_name(raw_tag);

  // The raw object: git appends a tag's signature to its message.
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, raw()) != 0) return make_error(git_error_text("cannot open object database"));
  git::OdbHandle odb(raw_odb);
  git_odb_object* raw_obj = nullptr;
  if (git_odb_read(&raw_obj, raw_odb, &id.raw) != 0)
    return make_error(git_error_text(fmt::format("missing tag object {}", id.hex())));
  OdbObjectHandle obj(raw_obj);
  std::string text(static_cast<const char*>(git_odb_object_data(raw_obj)), git_odb_object_size(raw_obj));
  // As git does: the signature starts at the first line of the body that
  // opens an armored signature block.
  size_t body = text.find("\n\n");
  size_t start = std::string::npos;
  for (const char* begin : {"\n-----BEGIN SSH SIGNATURE-----", "\n-----BEGIN PGP SIGNATURE-----",
                            "\n-----BEGIN SIGNED MESSAGE-----"})
    start = std::min(start, text.find(begin, body == std::string::npos ? 0 : body));
  if (start != std::string::npos) {
    out.signed_payload = text.substr(0, start + 1);
    out.signature = text.substr(start + 1);
  }
  return out;
}

Status Repository::set_ref(const std::string& name, const ObjectId& id, const std::string& message) {
  git_reference* raw_ref = nullptr;
  if (git_reference_create(&raw_ref, raw(), name.c_str(), &id.raw, 1, message.c_str()) != 0)
    return make_error(git_error_text(fmt::format("cannot update {}", name)));
  ReferenceHandle ref(raw_ref);
  return Status::success();
}

std::string Repository::git_dir() const { return git_repository_path(raw()); }

}  // namespace warden
