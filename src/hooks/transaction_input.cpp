#include "hooks/transaction_input.hpp"

#include <fmt/format.h>

#include "common/lines.hpp"
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
    size_t s2 = line.find(' ', line.find(' ') + 1);
    if (s2 == std::string_view::npos) continue;
    std::string_view ref = line.substr(s2 + 1);
    bool notes = is_client_approval_notes_ref(ref);
    bool snapshot = is_fetched_snapshot_ref(ref);
    if (!is_guarded(ref) && !notes && !snapshot) continue;
    // s2 is where the second space is: the ids are 40 hex digits each.
    auto old_id = s2 == 2 * kHexId + 1 ? ObjectId::from_hex(line.substr(0, kHexId)) : std::nullopt;
    auto new_id = s2 == 2 * kHexId + 1 ? ObjectId::from_hex(line.substr(kHexId + 1, kHexId)) : std::nullopt;
    if (!old_id || !new_id) return make_error(fmt::format("malformed reference-transaction input for {}", ref));
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
