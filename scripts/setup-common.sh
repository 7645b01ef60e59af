# Shared by scripts/demo, scripts/test and bench/: installs what warden
# needs from Debian's archive (only what is missing) and builds it.
# Source it; it defines ensure_packages and build_warden.

WARDEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

WARDEN_BUILD_PACKAGES=(
  cmake ninja-build g++ pkgconf git openssh-client gnupg
  libgit2-dev libssl-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev catch2 librnp-dev libsodium-dev
  libprotobuf-dev protobuf-compiler libtomlplusplus-dev
)

# What the tests need besides: a web server for the smart-HTTP push tests,
# gpgsm and openssl for x509-signed commits and their CAs, nix for flake
# locks, gitolite3 and openssh-server for the gitolite-over-SSH test (which
# starts its own sshd on 127.0.0.1; Debian's package also enables the
# system's sshd where systemd runs).
WARDEN_TEST_PACKAGES=(lighttpd gpgsm openssl nix-bin gitolite3 openssh-server)

# What scripts/package needs besides (dpkg-shlibdeps finds the dependencies),
# and what scripts/check-package runs the installed package with.
WARDEN_PACKAGE_PACKAGES=(dpkg-dev file man-db zsh)

# What the fuzz targets need besides: clang and its libFuzzer runtime.
WARDEN_FUZZ_PACKAGES=(clang libclang-rt-14-dev)

# ensure_packages PKG...: apt-get installs the packages that are not installed.
ensure_packages() {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "warden: installing ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build_warden DIR [CMAKE-ARGS...] [--target TARGET...]: configures and
# builds into DIR (everything, or only the targets named).
build_warden() {
  local dir="$1"
  shift
  local args=() targets=()
  while [ $# -gt 0 ] && [ "$1" != --target ]; do args+=("$1"); shift; done
  [ $# -gt 0 ] && shift && targets=(--target "$@")
  cmake -S "$WARDEN_ROOT" -B "$dir" -G Ninja "${args[@]}" >/dev/null
  cmake --build "$dir" "${targets[@]}" -- -j"$(nproc)"
}
