// What git writes on the reference-transaction hook's stdin, one
// "<old> <new> <ref>" line per update, read into what the client's gate
// looks at. Every byte of it comes from a fetch: ref names are the
// remote's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "warden/object_id.hpp"
#include "warden/result.hpp"

namespace warden::hooks {

struct TrackingUpdate {
  std::string ref;
  ObjectId old_id, new_id;
};

// The updates of guarded refs (remote-tracking refs, branches, tags and
// replace refs), and the new tips of approval notes refs and fetched
// snapshot refs (an atomic fetch moves them together with the branches,
// so they are not in their refs yet when the branches are checked).
// Lines about other refs are passed over; a malformed line about a ref
// warden looks at is an error.
struct TransactionInput {
  std::vector<TrackingUpdate> guarded;
  std::vector<ObjectId> approval_notes;
  std::vector<TrackingUpdate> snapshots;  // refs/warden/remotes/<remote>/snapshot moved (not deleted)
};

Result<TransactionInput> parse_transaction_input(std::string_view input);

}  // namespace warden::hooks
