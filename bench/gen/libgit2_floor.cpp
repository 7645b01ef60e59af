// bench/hook-latency's floor: what any program that authenticates a push
// with libgit2 pays before checking anything. It initializes libgit2 (which
// in Debian 12's libgit2 1.5 also parses the system CA bundle with mbedTLS
// and initializes libssh2 and OpenSSL) and opens the repository in GIT_DIR,
// as the hook does, then exits.
#include <git2.h>

#include <cstdio>
#include <cstdlib>

int main() {
  git_libgit2_init();
  const char* dir = std::getenv("GIT_DIR");
  git_repository* repo = nullptr;
  int rc = git_repository_open(&repo, dir != nullptr ? dir : ".");
  if (rc != 0) std::fprintf(stderr, "warden_libgit2_floor: cannot open the repository\n");
  git_repository_free(repo);
  git_libgit2_shutdown();
  return rc == 0 ? 0 : 1;
}
