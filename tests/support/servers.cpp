#include "support/servers.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

namespace test {
namespace {

bool can_connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

BackgroundProcess::BackgroundProcess(const Sandbox& sb, const std::string& cmd, const std::string& pid_file, int port)
    : pid_file_(pid_file) {
  sb.sh("nohup " + cmd + " >" + quote(pid_file + ".log") + " 2>&1 &");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!can_connect(port)) {
    INFO("server log: " << sb.read_file(pid_file + ".log"));
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

BackgroundProcess::~BackgroundProcess() {
  std::ifstream in(pid_file_);
  pid_t pid = 0;
  if (in >> pid && pid > 0) kill(pid, SIGTERM);
}

GitDaemon::GitDaemon(const Sandbox& sb, const std::string& root)
    : port_(free_loopback_port()),
      process_(sb,
               "git daemon --reuseaddr --listen=127.0.0.1 --port=" + std::to_string(port_) + " --base-path=" +
                   quote(root) + " --export-all --enable=receive-pack --pid-file=" + quote(sb.dir() + "/daemon.pid") +
                   " " + quote(root),
               sb.dir() + "/daemon.pid", port_) {}

namespace {

std::string lighttpd_config(const Sandbox& sb, const std::string& root, int port) {
  std::string conf = sb.dir() + "/lighttpd.conf";
  sb.write_file(conf, "server.document-root = \"" + root + "\"\n"
                      "server.bind = \"127.0.0.1\"\n"
                      "server.port = " + std::to_string(port) + "\n"
                      "server.pid-file = \"" + sb.dir() + "/lighttpd.pid\"\n"
                      "server.errorlog = \"" + sb.dir() + "/lighttpd.err\"\n"
                      "server.modules = (\"mod_alias\", \"mod_cgi\", \"mod_setenv\")\n"
                      "alias.url = (\"/git\" => \"/usr/lib/git-core/git-http-backend\")\n"
                      "$HTTP[\"url\"] =~ \"^/git\" {\n"
                      "  cgi.assign = (\"\" => \"\")\n"
                      "  setenv.add-environment = (\"GIT_PROJECT_ROOT\" => \"" + root + "\", \"GIT_HTTP_EXPORT_ALL\" => \"1\")\n"
                      "}\n");
  return conf;
}

}  // namespace

HttpBackend::HttpBackend(const Sandbox& sb, const std::string& root)
    : port_(free_loopback_port()),
      process_(sb, "lighttpd -D -f " + quote(lighttpd_config(sb, root, port_)), sb.dir() + "/lighttpd.pid", port_) {}

}  // namespace test
