#include "git/disk_writer.hpp"

#include <fmt/format.h>

#include "warden/repository.hpp"

namespace warden::git {

Result<RepositoryHandle> open_disk_writer(const std::string& git_dir, const std::string& purpose) {
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, git_dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
    return make_error(git_error_text(fmt::format("cannot open {} to {}", git_dir, purpose)));
  return RepositoryHandle(raw);
}

Result<SignatureHandle> committer(git_repository* repo) {
  git_signature* raw = nullptr;
  if (git_signature_default(&raw, repo) != 0 && git_signature_now(&raw, "warden", "warden@localhost") != 0)
    return make_error(git_error_text("cannot make the commit's author"));
  return SignatureHandle(raw);
}

Status move_ref_from(git_repository* repo, const std::string& ref, const ObjectId& to,
                     const std::optional<ObjectId>& from, const std::string& message) {
  git_reference* raw = nullptr;
  int rc = from ? git_reference_create_matching(&raw, repo, ref.c_str(), &to.raw, 1, &from->raw, message.c_str())
                : git_reference_create(&raw, repo, ref.c_str(), &to.raw, 0, message.c_str());
  if (rc != 0) return make_error(git_error_text(fmt::format("cannot update {} (did another writer move it?)", ref)));
  ReferenceHandle moved(raw);
  return Status::success();
}

}  // namespace warden::git
