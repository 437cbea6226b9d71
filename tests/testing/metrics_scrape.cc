#include "tests/testing/metrics_scrape.h"

#include <httplib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace corridor::testing {

std::map<std::string, double> ScrapeMetrics(const std::string& address) {
  std::map<std::string, double> samples;
  const size_t colon = address.rfind(':');
  httplib::Client client(address.substr(0, colon), std::stoi(address.substr(colon + 1)));
  httplib::Result response = client.Get("/metrics");
  EXPECT_TRUE(response) << "GET /metrics failed";
  if (!response) return samples;
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->get_header_value("Content-Type"), ::testing::HasSubstr("text/plain"));
  for (absl::string_view line : absl::StrSplit(response->body, '\n', absl::SkipEmpty())) {
    if (line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    double value = 0;
    EXPECT_TRUE(absl::SimpleAtod(line.substr(space + 1), &value)) << line;
    samples[std::string(line.substr(0, space))] = value;
  }
  return samples;
}

}  // namespace corridor::testing
