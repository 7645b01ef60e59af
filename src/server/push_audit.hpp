// Who pushed, as the forge that runs the hook says, and the audit log of
// the server's decisions (git config warden.auditLog): one JSON line per
// ref decision, appended whole under an exclusive lock, so that
// concurrent pushes never interleave their lines.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "warden/push_check.hpp"
#include "warden/result.hpp"

namespace warden::server {

struct Pusher {
  std::string name;
  std::string source;  // the variable that named it: GL_USER, GITEA_PUSHER_NAME, ...
};

// The pusher the forge names in the hook's environment: gitolite's GL_USER,
// GitLab's GL_USERNAME (or GL_ID), Gitea's and Forgejo's GITEA_PUSHER_NAME,
// soft-serve's SOFT_SERVE_USERNAME, git http-backend's REMOTE_USER; the
// first that is set and not empty. Control characters are dropped.
std::optional<Pusher> pusher_from_environment();

// " (pushed by NAME)" for a message, or "".
std::string pushed_by(const std::optional<Pusher>& pusher);

// Appends one line per decision to `path`: {"time", "pusher", "pusher_source",
// "ref", "old", "new", "verdict" ("accepted"/"refused"), "rule", "reason"}.
// `rule` is the refusing rule's name when the reason names one ("[rule
// NAME;"), "ref" for the server's ref rules, null when accepted.
Status append_audit_log(const std::string& path, const std::optional<Pusher>& pusher,
                        const std::vector<RefUpdate>& updates, const std::vector<RefDecision>& decisions,
                        int64_t now);

}  // namespace warden::server
