// A tag under a ref rule's signed-by (see tag_signed_by.hpp).
#include "warden/tag_signed_by.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace warden {

Result<TagSignedBy> tag_signed_by(const GitReads& repo, Verifier& verifier, const ObjectId& object,
                                  std::string_view ref, const Policy& policy, const RefRule& rule) {
  const std::string by_rule = fmt::format(" (rule '{}')", rule.pattern);
  const std::string who_may = fmt::format("{}", fmt::join(rule.signed_by.names, ", "));
  auto type = repo.object_type(object);
  if (!type) return type.error();
  if (*type != "tag")
    return TagSignedBy{"", fmt::format("needs an annotated tag signed by {}; this is a lightweight tag{}", who_may, by_rule)};
  auto tag = repo.read_tag(object);
  if (!tag) return tag.error();
  auto who = verifier.tag_signer(*tag, ref, policy);
  if (!who) return TagSignedBy{"", fmt::format("{}; it must be signed by {}{}", who.error().message, who_may, by_rule)};
  if (!policy.includes(rule.signed_by, *who))
    return TagSignedBy{"", fmt::format("the tag is signed by {}, not by {}{}", *who, who_may, by_rule)};
  return TagSignedBy{*who, ""};
}

}  // namespace warden
