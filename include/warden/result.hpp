// Errors as values. Every fallible call in warden returns a Result<T>:
// either a value or an Error whose message a user can act on. No exception
// crosses a layer boundary.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace warden {

// What kind of failure, where a caller decides differently by kind: an
// object the repository does not have may be a legitimate "not here",
// a repository that cannot be read never is.
enum class ErrorKind {
  failure,         // the operation could not be done (I/O, corrupt data, bad input)
  missing_object,  // the repository does not have the object asked for
  too_large,       // the object is larger than the caller allows
};

struct Error {
  std::string message;
  ErrorKind kind = ErrorKind::failure;
};

inline Error make_error(std::string message, ErrorKind kind = ErrorKind::failure) {
  return Error{std::move(message), kind};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // REQUIRES: !ok()
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// A Result with no value: success, or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}
  static Status success() { return Status(); }

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  // REQUIRES: !ok()
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace warden

// Propagates an error from an expression returning Result<T>/Status.
#define WARDEN_TRY_STATUS(expr)                 \
  do {                                          \
    auto warden_try_status_ = (expr);           \
    if (!warden_try_status_.ok())               \
      return warden_try_status_.error();        \
  } while (false)
