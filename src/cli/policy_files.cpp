#include "cli/policy_files.hpp"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <iterator>

namespace warden::cli {

std::string unique_person_name(std::string_view text, const std::string& fallback, std::set<std::string>& taken) {
  std::string name;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') name.push_back(c);
    else if (c == ' ' && !name.empty() && name.back() != '-') name.push_back('-');
  }
  while (!name.empty() && !std::isalnum(static_cast<unsigned char>(name.front()))) name.erase(name.begin());
  if (name.size() > 48) name.resize(48);
  if (name.empty()) name = fallback;
  std::string unique = name;
  for (int n = 2; taken.count(unique); ++n) unique = fmt::format("{}-{}", name, n);
  taken.insert(unique);
  return unique;
}

Status write_file(const std::filesystem::path& path, const std::string& content) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) return make_error(fmt::format("cannot write {}", path.string()));
  return Status::success();
}

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(fmt::format("cannot read {}", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > max_bytes) return make_error(fmt::format("{} is over {} bytes", path, max_bytes));
  return text;
}

}  // namespace warden::cli
