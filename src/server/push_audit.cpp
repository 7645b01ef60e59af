#include "server/push_audit.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include <ctime>

namespace warden::server {

std::optional<Pusher> pusher_from_environment() {
  for (const char* var : {"GL_USER", "GL_USERNAME", "GL_ID", "GITEA_PUSHER_NAME", "SOFT_SERVE_USERNAME", "REMOTE_USER"}) {
    const char* v = std::getenv(var);
    if (v == nullptr) continue;
    std::string name;
    for (const char* p = v; *p != '\0' && name.size() < 256; ++p)
      if (static_cast<unsigned char>(*p) >= 0x20 && *p != 0x7F) name.push_back(*p);
    if (!name.empty()) return Pusher{std::move(name), var};
  }
  return std::nullopt;
}

std::string pushed_by(const std::optional<Pusher>& pusher) {
  return pusher ? fmt::format(" (pushed by {})", pusher->name) : std::string();
}

namespace {

// "2026-12-07T06:50:00Z".
std::string iso_time(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  char buf[32];
  if (gmtime_r(&tt, &tm) == nullptr || std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    return std::to_string(t);
  return buf;
}

// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The rule that refused, as the checker set it (never parsed back out of
// the message, which quotes commit subjects and paths): else "ref".
std::string rule_of(const RefDecision& d) { return d.rule.empty() ? "ref" : d.rule; }

}  // namespace

Status append_audit_log(const std::string& path, const std::optional<Pusher>& pusher,
                        const std::vector<RefUpdate>& updates, const std::vector<RefDecision>& decisions,
                        int64_t now) {
  std::string lines;
  for (size_t i = 0; i < decisions.size(); ++i) {
    const RefDecision& d = decisions[i];
    const RefUpdate* u = i < updates.size() && updates[i].ref == d.ref ? &updates[i] : nullptr;
    nlohmann::ordered_json j = {
        {"time", iso_time(now)},
        {"pusher", pusher ? nlohmann::ordered_json(pusher->name) : nlohmann::ordered_json(nullptr)},
        {"pusher_source", pusher ? nlohmann::ordered_json(pusher->source) : nlohmann::ordered_json(nullptr)},
        {"ref", d.ref},
        {"old", u ? nlohmann::ordered_json(u->old_id.hex()) : nlohmann::ordered_json(nullptr)},
        {"new", u ? nlohmann::ordered_json(u->new_id.hex()) : nlohmann::ordered_json(nullptr)},
        {"verdict", d.ok ? "accepted" : "refused"},
        {"rule", d.ok ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(rule_of(d))},
        {"reason", d.message},
    };
    lines += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  }
  Fd file{::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)};
  int fd = file.fd;
  if (fd < 0) return make_error(fmt::format("audit log {}: {}", path, std::strerror(errno)));
  // One write under an exclusive lock: a concurrent push's lines come
  // before or after these, never among them.
  Status result = Status::success();
  if (::flock(fd, LOCK_EX) != 0) {
    result = make_error(fmt::format("audit log {}: cannot lock it: {}", path, std::strerror(errno)));
  } else {
    size_t done = 0;
    while (done < lines.size()) {
      ssize_t n = ::write(fd, lines.data() + done, lines.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        result = make_error(fmt::format("audit log {}: {}", path, std::strerror(errno)));
        break;
      }
      done += static_cast<size_t>(n);
    }
    (void)::flock(fd, LOCK_UN);
  }
  return result;
}

}  // namespace warden::server
