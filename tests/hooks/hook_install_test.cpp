// Installing a hook shim (hooks/hook_install): never over someone else's
// hook unless asked; --chain keeps theirs to run after warden's checks;
// installing again is idempotent; warden's own older shim is updated.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "hooks/hook_install.hpp"
#include "support/sandbox.hpp"

using warden::hooks::install_shim;
using warden::hooks::ShimInstall;

namespace {

const std::string kShim = "#!/bin/sh\n# installed by 'git warden install'\nexec '__WARDEN_BINARY__' hook test \"$@\"\n";

bool executable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IXUSR) != 0;
}

}  // namespace

TEST_CASE("hooks: a shim is installed, kept, updated, and never replaces another's hook unless asked",
          "[hooks][install]") {
  test::Sandbox sb;
  std::string dir = sb.dir() + "/hooks";
  std::string path = dir + "/pre-receive";
  auto self = warden::hooks::self_path();
  REQUIRE(self.ok());

  auto first = install_shim(dir, "pre-receive", kShim, {});
  REQUIRE(first.ok());
  CHECK(*first == "installed " + path);
  CHECK(executable(path));
  std::string written = sb.read_file(path);
  CHECK(written.find("exec '" + *self + "' hook test") != std::string::npos);
  CHECK(written.find("__WARDEN_BINARY__") == std::string::npos);

  auto again = install_shim(dir, "pre-receive", kShim, {});
  REQUIRE(again.ok());
  CHECK(*again == path + " is already installed");

  auto newer = install_shim(dir, "pre-receive", kShim + "# newer\n", {});
  REQUIRE(newer.ok());
  CHECK(*newer == "updated " + path);

  // Someone else's hook.
  sb.write_file(path, "#!/bin/sh\necho theirs\n");
  auto refused = install_shim(dir, "pre-receive", kShim, {});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message == path +
                                       " exists and is not warden's: pass --chain to keep it (it runs after warden's "
                                       "checks) or --force to replace it");
  CHECK(sb.read_file(path) == "#!/bin/sh\necho theirs\n");

  ShimInstall chain;
  chain.chain = true;
  auto chained = install_shim(dir, "pre-receive", kShim, chain);
  REQUIRE(chained.ok());
  CHECK(*chained == "installed " + path + "; the previous hook runs after warden's checks as " + path + ".chained");
  CHECK(sb.read_file(path + ".chained") == "#!/bin/sh\necho theirs\n");
  CHECK(executable(path));

  // A second foreign hook cannot be chained over the first one.
  sb.write_file(path, "#!/bin/sh\necho another\n");
  auto twice = install_shim(dir, "pre-receive", kShim, chain);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message == "cannot chain: " + path + ".chained exists already");
  CHECK(sb.read_file(path + ".chained") == "#!/bin/sh\necho theirs\n");

  ShimInstall force;
  force.force = true;
  auto replaced = install_shim(dir, "pre-receive", kShim, force);
  REQUIRE(replaced.ok());
  CHECK(*replaced == "replaced " + path);
  CHECK(sb.read_file(path).find("installed by 'git warden install'") != std::string::npos);
}

TEST_CASE("hooks: the client shims are the five hooks a clone needs", "[hooks][install]") {
  test::Sandbox sb;
  auto done = warden::hooks::install_client_shims(sb.dir() + "/hooks", {});
  REQUIRE(done.ok());
  REQUIRE(done->size() == 5);
  for (const char* name : {"reference-transaction", "post-merge", "post-checkout", "pre-rebase", "post-rewrite"}) {
    INFO(name);
    CHECK(executable(sb.dir() + "/hooks/" + name));
    CHECK(sb.read_file(sb.dir() + "/hooks/" + name).find("installed by 'git warden install") != std::string::npos);
  }
}
