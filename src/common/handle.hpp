// An owning handle for a C library object: a unique_ptr whose deleter is
// the library's free function. libgit2's and OpenSSL's handles are these.
#pragma once

#include <memory>

namespace warden {

template <class T, void (*Free)(T*)>
struct FreeWith {
  void operator()(T* p) const { Free(p); }
};

template <class T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, FreeWith<T, Free>>;

}  // namespace warden
