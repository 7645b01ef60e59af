#include "hooks/hook_install.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hooks/shims.hpp"

namespace warden::hooks {

namespace fs = std::filesystem;

Result<std::string> self_path() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return make_error(fmt::format("cannot find the git-warden executable: {}", ec.message()));
  return p.string();
}

namespace {

std::optional<std::string> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status write_executable(const fs::path& path, const std::string& content) {
  fs::path tmp = path;
  tmp += ".warden-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.good()) return make_error(fmt::format("cannot write {}", tmp.string()));
  }
  std::error_code ec;
  fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                           fs::perms::others_exec, ec);
  if (!ec) fs::rename(tmp, path, ec);
  if (ec) return make_error(fmt::format("cannot install {}: {}", path.string(), ec.message()));
  return Status::success();
}

}  // namespace

Result<std::string> install_shim(const std::string& dir, const std::string& name, const std::string& shim_template,
                                 const ShimInstall& how) {
  auto binary = self_path();
  if (!binary) return binary.error();
  if (binary->find('\'') != std::string::npos)
    return make_error(fmt::format("the path of git-warden contains a quote: {}", *binary));
  std::string shim = shim_template;
  for (size_t at = shim.find(kBinaryPlaceholder); at != std::string::npos; at = shim.find(kBinaryPlaceholder, at))
    shim.replace(at, std::string_view(kBinaryPlaceholder).size(), *binary);

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(fmt::format("cannot create {}: {}", dir, ec.message()));
  fs::path path = fs::path(dir) / name;
  fs::path chained = fs::path(dir) / (name + ".chained");
  std::string done = fmt::format("installed {}", path.string());
  if (auto existing = slurp(path)) {
    if (*existing == shim) return fmt::format("{} is already installed", path.string());
    bool ours = existing->find("installed by 'git warden install") != std::string::npos;
    if (ours) {
      done = fmt::format("updated {}", path.string());
    } else if (how.chain) {
      if (fs::exists(chained))
        return make_error(fmt::format("cannot chain: {} exists already", chained.string()));
      fs::rename(path, chained, ec);
      if (ec) return make_error(fmt::format("cannot move {} aside: {}", path.string(), ec.message()));
      done = fmt::format("installed {}; the previous hook runs after warden's checks as {}", path.string(),
                         chained.string());
    } else if (!how.force) {
      return make_error(fmt::format(
          "{} exists and is not warden's: pass --chain to keep it (it runs after warden's checks) or --force to "
          "replace it",
          path.string()));
    } else {
      done = fmt::format("replaced {}", path.string());
    }
  }
  WARDEN_TRY_STATUS(write_executable(path, shim));
  return done;
}

Result<std::vector<std::string>> install_client_shims(const std::string& dir, const ShimInstall& how) {
  std::vector<std::string> done;
  for (auto [name, shim] : {std::pair{"reference-transaction", kReferenceTransactionShim},
                            std::pair{"post-merge", kPostMergeShim}, std::pair{"post-checkout", kPostCheckoutShim},
                            std::pair{"pre-rebase", kPreRebaseShim},
                            std::pair{"post-rewrite", kPostRewriteShim}}) {
    auto r = install_shim(dir, name, shim, how);
    if (!r) return r.error();
    done.push_back(*r);
  }
  return done;
}

}  // namespace warden::hooks
