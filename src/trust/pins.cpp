#include "warden/pins.hpp"

namespace warden {

std::string pin_ref_for(const std::string& tracking_ref) {
  std::string rest = tracking_ref.starts_with("refs/") ? tracking_ref.substr(5) : tracking_ref;
  return kPinPrefix + rest;
}

std::optional<std::string> tracking_ref_for(const std::string& pin_ref) {
  std::string_view prefix = kPinPrefix;
  if (!pin_ref.starts_with(prefix)) return std::nullopt;
  return "refs/" + pin_ref.substr(prefix.size());
}

std::string full_tracking_ref(const std::string& name) {
  if (name.starts_with("refs/")) return name;
  if (name.starts_with("remotes/")) return "refs/" + name;
  return "refs/remotes/" + name;
}

std::string short_tracking_ref(const std::string& tracking_ref) {
  std::string_view prefix = "refs/remotes/";
  return tracking_ref.starts_with(prefix) ? tracking_ref.substr(prefix.size()) : tracking_ref;
}

Result<std::vector<Pin>> list_pins(const Repository& repo) {
  auto refs = repo.list_refs();
  if (!refs) return refs.error();
  std::vector<Pin> out;
  for (const auto& r : *refs)
    if (auto tracking = tracking_ref_for(r.name)) out.push_back(Pin{*tracking, r.target});
  return out;
}

Result<std::optional<ObjectId>> read_pin(const Repository& repo, const std::string& tracking_ref) {
  return repo.ref_target(pin_ref_for(tracking_ref));
}

Status write_pin(Repository& repo, const std::string& tracking_ref, const ObjectId& commit, const std::string& why) {
  return repo.set_ref(pin_ref_for(tracking_ref), commit, "warden: " + why);
}

}  // namespace warden
