// git notes: reading the note on an object from a notes commit, and adding
// lines to a note the way git's cat_sort_uniq merge combines them.
#include <fmt/format.h>

#include <algorithm>

#include "git/disk_writer.hpp"
#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {

namespace {

using NoteHandle = Handle<git_note, git_note_free>;
using NoteIteratorHandle = Handle<git_note_iterator, git_note_iterator_free>;

}  // namespace

std::vector<std::string> note_lines(std::string_view text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    if (nl > at) out.emplace_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

Result<std::optional<std::string>> Repository::note(const ObjectId& notes_commit, const ObjectId& annotated,
                                                    size_t max_size) const {
  git_commit* raw_commit = nullptr;
  if (int rc = git_commit_lookup(&raw_commit, raw(), &notes_commit.raw); rc != 0)
    return object_error(rc, "notes commit", notes_commit);
  git::CommitHandle commit(raw_commit);
  // libgit2 finds the note whether the notes tree is fanned out or not.
  git_note* raw_note = nullptr;
  int rc = git_note_commit_read(&raw_note, raw(), raw_commit, &annotated.raw);
  if (rc == GIT_ENOTFOUND) return std::optional<std::string>();
  if (rc != 0) return make_error(git_error_text(fmt::format("cannot read the note on {}", annotated.hex())));
  NoteHandle note(raw_note);
  auto text = note_text(ObjectId::from(git_note_id(raw_note)), annotated, max_size);
  if (!text) return text.error();
  return std::optional<std::string>(std::move(*text));
}

Result<std::unordered_map<ObjectId, ObjectId, ObjectIdHash>> Repository::notes_of(const ObjectId& notes_commit) const {
  git_commit* raw_commit = nullptr;
  if (int rc = git_commit_lookup(&raw_commit, raw(), &notes_commit.raw); rc != 0)
    return object_error(rc, "notes commit", notes_commit);
  git::CommitHandle commit(raw_commit);
  git_note_iterator* raw_it = nullptr;
  if (git_note_commit_iterator_new(&raw_it, raw_commit) != 0)
    return make_error(git_error_text(fmt::format("cannot list the notes of {}", notes_commit.short_hex())));
  NoteIteratorHandle it(raw_it);
  std::unordered_map<ObjectId, ObjectId, ObjectIdHash> out;
  git_oid blob{}, annotated{};
  int rc = 0;
  while ((rc = git_note_next(&blob, &annotated, raw_it)) == 0) out.emplace(ObjectId::from(&annotated), ObjectId::from(&blob));
  if (rc != GIT_ITEROVER)
    return make_error(git_error_text(fmt::format("cannot list the notes of {}", notes_commit.short_hex())));
  return out;
}

Result<std::string> Repository::note_text(const ObjectId& blob, const ObjectId& annotated, size_t max_size) const {
  git_blob* raw_blob = nullptr;
  if (int rc = git_blob_lookup(&raw_blob, raw(), &blob.raw); rc != 0) return object_error(rc, "note", blob);
  git::BlobHandle note(raw_blob);
  auto size = static_cast<size_t>(git_blob_rawsize(raw_blob));
  if (size > max_size)
    return make_error(fmt::format("the note on {} is over {} bytes", annotated.short_hex(), max_size));
  return std::string(static_cast<const char*>(git_blob_rawcontent(raw_blob)), size);
}

Result<ObjectId> Repository::add_note_lines(const std::string& notes_ref, const ObjectId& annotated,
                                            const std::vector<std::string>& lines) {
  // This handle writes to memory only (see repository.hpp); a note is for
  // keeping, so it is written through a plain handle on the same directory.
  auto writer = git::open_disk_writer(git_dir(), "write a note");
  if (!writer) return writer.error();
  git_repository* raw_writer = writer->get();
  auto tip = ref_target(notes_ref);
  if (!tip) return tip.error();
  std::vector<std::string> all = lines;
  git::CommitHandle parent;
  if (*tip) {
    git_commit* raw_parent = nullptr;
    if (int rc = git_commit_lookup(&raw_parent, raw_writer, &(*tip)->raw); rc != 0)
      return object_error(rc, "notes commit", **tip);
    parent.reset(raw_parent);
    auto existing = note(**tip, annotated, SIZE_MAX);
    if (!existing) return existing.error();
    if (*existing) {
      auto old = note_lines(**existing);
      all.insert(all.end(), old.begin(), old.end());
    }
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::string text;
  for (const auto& l : all) text += l + "\n";

  auto who = git::committer(raw_writer);
  if (!who) return who.error();
  git_oid commit_id{}, blob_id{};
  if (git_note_commit_create(&commit_id, &blob_id, raw_writer, parent.get(), who->get(), who->get(), &annotated.raw,
                             text.c_str(), /*allow_note_overwrite=*/1) != 0)
    return make_error(git_error_text(fmt::format("cannot write the note on {}", annotated.hex())));
  ObjectId written = ObjectId::from(&commit_id);
  // The ref moves only from the tip read above.
  WARDEN_TRY_STATUS(git::move_ref_from(raw_writer, notes_ref, written, *tip, "warden: add note"));
  return written;
}

}  // namespace warden
