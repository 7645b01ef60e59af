// A reader for the small subset of Scheme's external representation that
// Guix's channel files use: lists ( ) and [ ], strings with Guile's
// escapes, atoms (symbols and numbers), ; and #| |# comments and #;
// datum comments. Enough to read data, never to evaluate it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "warden/result.hpp"

namespace warden::sexp {

struct Datum {
  enum class Kind { list, string, atom };
  Kind kind = Kind::atom;
  std::string text;          // string contents or atom spelling
  std::vector<Datum> items;  // list elements
  int line = 0;              // where it starts

  bool is_atom(std::string_view s) const { return kind == Kind::atom && text == s; }
};

// Reads every datum in `text`. Errors read "line N: problem".
Result<std::vector<Datum>> read_all(std::string_view text);

}  // namespace warden::sexp
