#include "hooks/transaction_input.hpp"

#include <fmt/format.h>

#include "common/lines.hpp"
#include "common/printable.hpp"
#include "warden/git_reads.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::hooks {
namespace {

constexpr size_t kHexId = 40;

// Whether warden looks at updates of `ref` at all: remote-tracking refs,
// branches, tags and replace refs. (Pseudo-refs such as HEAD, notes, the
// stash and warden's own refs are not history a fetch can plant.)
bool is_guarded(std::string_view ref) {
  return ref.starts_with("refs/remotes/") || ref.starts_with("refs/heads/") || ref.starts_with("refs/tags/") ||
         ref.starts_with("refs/replace/");
}

bool is_fetched_snapshot_ref(std::string_view ref) {
  return ref.starts_with("refs/warden/remotes/") && ref.ends_with("/snapshot");
}

}  // namespace

Result<TransactionInput> parse_transaction_input(std::string_view input) {
  TransactionInput out;
  while (!input.empty()) {
    std::string_view line = take_line(input);
    // "<old> <new> <ref>": a ref name holds no space, so the ref is what
    // follows the last one (the whole line if there is none). A line about
    // a ref warden looks at must have exactly that shape, with 40-digit
    // ids and a name git accepts.
    size_t last = line.rfind(' ');
    std::string_view ref = last == std::string_view::npos ? line : line.substr(last + 1);
    bool notes = is_client_approval_notes_ref(ref);
    bool snapshot = is_fetched_snapshot_ref(ref);
    if (!is_guarded(ref) && !notes && !snapshot) continue;
    bool shaped = last == 2 * kHexId + 1 && line[kHexId] == ' ' && is_valid_ref_name(std::string(ref));
    auto old_id = shaped ? ObjectId::from_hex(line.substr(0, kHexId)) : std::nullopt;
    auto new_id = shaped ? ObjectId::from_hex(line.substr(kHexId + 1, kHexId)) : std::nullopt;
    if (!old_id || !new_id)
      return make_error(fmt::format("malformed reference-transaction input for {}", printable(ref)));
    TrackingUpdate u{std::string(ref), *old_id, *new_id};
    if (!notes && !snapshot)
      out.guarded.push_back(std::move(u));
    else if (u.new_id.is_zero())
      continue;
    else if (notes)
      out.approval_notes.push_back(u.new_id);
    else
      out.snapshots.push_back(std::move(u));
  }
  return out;
}

}  // namespace warden::hooks
