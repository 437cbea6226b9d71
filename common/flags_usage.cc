#include "common/flags_usage.h"

#include <utility>

#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"

namespace corridor {

void ListFlagsOf(std::string file) {
  absl::FlagsUsageConfig config;
  config.contains_helpshort_flags = [file = std::move(file)](absl::string_view path) {
    return absl::EndsWith(path, file);
  };
  config.contains_help_flags = config.contains_helpshort_flags;
  absl::SetFlagsUsageConfig(config);
}

}  // namespace corridor
