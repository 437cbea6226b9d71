#include "common/flags_usage.h"

#include <utility>

#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"

namespace corridor {

void ListFlagsOf(std::vector<std::string> files) {
  absl::FlagsUsageConfig config;
  config.contains_helpshort_flags = [files = std::move(files)](absl::string_view path) {
    for (const std::string& file : files) {
      if (absl::EndsWith(path, file)) return true;
    }
    return false;
  };
  config.contains_help_flags = config.contains_helpshort_flags;
  absl::SetFlagsUsageConfig(config);
}

}  // namespace corridor
