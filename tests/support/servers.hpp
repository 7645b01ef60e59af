// Real git servers on 127.0.0.1 for push tests, each started on a free
// port by its constructor and stopped by its destructor: `git daemon` with
// receive-pack enabled, and `git http-backend` behind lighttpd.
#pragma once

#include <string>

#include "support/sandbox.hpp"

namespace test {

int free_loopback_port();

class BackgroundProcess {
 public:
  // Runs `cmd` in the background; it must write its pid to `pid_file`.
  BackgroundProcess(const Sandbox& sb, const std::string& cmd, const std::string& pid_file, int port);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

 private:
  std::string pid_file_;
};

// `git daemon --enable=receive-pack` exporting every repository under `root`.
class GitDaemon {
 public:
  GitDaemon(const Sandbox& sb, const std::string& root);
  std::string url(const std::string& repo) const { return "git://127.0.0.1:" + std::to_string(port_) + "/" + repo; }

 private:
  int port_;
  BackgroundProcess process_;
};

// lighttpd running git http-backend (smart HTTP) for repositories under `root`.
class HttpBackend {
 public:
  HttpBackend(const Sandbox& sb, const std::string& root);
  std::string url(const std::string& repo) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/git/" + repo;
  }

 private:
  int port_;
  BackgroundProcess process_;
};

}  // namespace test
