// Signing a statement as git signs (sign_as_git) into a DSSE envelope and
// adding it to the note on a commit under refs/notes/warden: what
// `approve` and `attest` share.
#pragma once

#include <optional>
#include <string>

#include "warden/repository.hpp"

namespace warden::cli {

// The repository of the current directory and the commit a statement will
// be about (`revision`, resolved and read).
struct StatementTarget {
  Repository repo;
  ObjectId commit;
  CommitData data;
};
Result<StatementTarget> open_statement_target(const std::string& revision);

// Signs `statement` with `key` (default: user.signingkey) and adds the
// envelope to the note on `annotated` in refs/notes/warden (started from
// what was fetched if that is ahead). An Error says why not.
Status publish_statement(Repository& repo, const ObjectId& annotated, const std::string& statement,
                         const std::optional<std::string>& key);

}  // namespace warden::cli
