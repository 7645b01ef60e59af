#include "signatures/rnp_library.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <cstdlib>

#ifndef WARDEN_RNP_SONAME
#define WARDEN_RNP_SONAME "librnp.so.0"
#endif

namespace warden::rnp {

namespace {

struct Loaded {
  Library library;
  std::string error;  // empty once every function is found
};

std::string last_dl_error() {
  const char* e = dlerror();
  return e ? e : "unknown error";
}

Loaded load() {
  Loaded out;
  // Never unloaded: RNP's handles may outlive any scope here.
  void* handle = dlopen(WARDEN_RNP_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    out.error = fmt::format("cannot load {} (RNP, needed to read OpenPGP keys): {}", WARDEN_RNP_SONAME, last_dl_error());
    return out;
  }
#define WARDEN_RNP_RESOLVE(name)                                                                          \
  out.library.name = reinterpret_cast<decltype(out.library.name)>(dlsym(handle, "rnp_" #name));           \
  if (out.library.name == nullptr) {                                                                      \
    out.error = fmt::format("{} (RNP) has no function rnp_{}: is it older than 0.16?", WARDEN_RNP_SONAME, #name); \
    return out;                                                                                           \
  }
  WARDEN_RNP_FUNCTIONS(WARDEN_RNP_RESOLVE)
#undef WARDEN_RNP_RESOLVE
  return out;
}

const Loaded& once() {
  static const Loaded loaded = load();
  return loaded;
}

}  // namespace

Result<const Library*> library() {
  const Loaded& l = once();
  if (!l.error.empty()) return make_error(l.error);
  return &l.library;
}

const Library& loaded() {
  const Loaded& l = once();
  if (!l.error.empty()) std::abort();  // a handle exists only once library() succeeded
  return l.library;
}

}  // namespace warden::rnp
