// The exposition format Prometheus reads: each family introduced once with
// its samples together, histograms cumulative, labels escaped.
#include "common/metrics.h"

#include <map>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace corridor {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST(MetricsTextTest, EachFamilysSamplesStayTogetherWhateverTheOrderOfWriting) {
  MetricsText text;
  text.Gauge("a_bytes", "A.", {{"service", "areas"}}, 1);
  text.Gauge("b_total", "B.", {{"service", "areas"}}, 2);
  text.Gauge("a_bytes", "A.", {{"service", "routes"}}, 3);
  const std::vector<std::string> lines = Lines(text.Release());
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], "# HELP a_bytes A.");
  EXPECT_EQ(lines[1], "# TYPE a_bytes gauge");
  EXPECT_EQ(lines[2], "a_bytes{service=\"areas\"} 1");
  EXPECT_EQ(lines[3], "a_bytes{service=\"routes\"} 3");
  EXPECT_EQ(lines[4], "# HELP b_total B.");
}

TEST(MetricsTextTest, LabelValuesAreEscaped) {
  MetricsText text;
  text.Gauge("g", "G.", {{"note", "say \"hi\"\\\n"}}, 1);
  EXPECT_THAT(text.Release(), HasSubstr("g{note=\"say \\\"hi\\\"\\\\\\n\"} 1"));
}

TEST(RpcMetricsTest, CallsAreCountedByCodeAndTheHistogramIsCumulative) {
  RpcMetrics metrics;
  const std::string get = "/corridor.v1.AreaService/GetArea";
  metrics.Record(get, true, 0, absl::Microseconds(300));   // <= 0.0005
  metrics.Record(get, true, 0, absl::Milliseconds(3));     // <= 0.005
  metrics.Record(get, true, 5, absl::Milliseconds(3));     // NOT_FOUND
  metrics.Record(get, true, 0, absl::Seconds(30));         // +Inf only
  metrics.StreamOpened("/corridor.v1.AuditService/WatchChanges");
  MetricsText text;
  metrics.Write(&text);
  const std::string out = text.Release();
  std::map<std::string, std::string> samples;
  for (const std::string& line : Lines(out)) {
    if (line[0] == '#') continue;
    std::vector<std::string> parts = absl::StrSplit(line, ' ');
    samples[parts[0]] = parts[1];
  }
  const std::string m = "method=\"" + get + "\"";
  EXPECT_EQ(samples["corridor_rpc_requests_total{" + m + ",code=\"OK\"}"], "3");
  EXPECT_EQ(samples["corridor_rpc_requests_total{" + m + ",code=\"NOT_FOUND\"}"], "1");
  EXPECT_EQ(samples["corridor_rpc_latency_seconds_bucket{" + m + ",le=\"0.0005\"}"], "1");
  EXPECT_EQ(samples["corridor_rpc_latency_seconds_bucket{" + m + ",le=\"0.0025\"}"], "1");
  EXPECT_EQ(samples["corridor_rpc_latency_seconds_bucket{" + m + ",le=\"0.005\"}"], "3");
  EXPECT_EQ(samples["corridor_rpc_latency_seconds_bucket{" + m + ",le=\"10\"}"], "3");
  EXPECT_EQ(samples["corridor_rpc_latency_seconds_bucket{" + m + ",le=\"+Inf\"}"], "4");
  EXPECT_EQ(samples["corridor_rpc_latency_seconds_count{" + m + "}"], "4");
  EXPECT_EQ(samples["corridor_rpc_latency_seconds_sum{" + m + "}"], "30.0063");
  EXPECT_EQ(samples["corridor_rpc_streams_open{method=\"/corridor.v1.AuditService/WatchChanges\"}"],
            "1");
  // A stream has no latency histogram: its lifetime is not a latency.
  EXPECT_THAT(out, ::testing::Not(HasSubstr("WatchChanges\",le=")));
  // One TYPE line per family.
  const std::vector<std::string> parts =
      absl::StrSplit(out, "# TYPE corridor_rpc_latency_seconds histogram");
  EXPECT_EQ(parts.size(), 2u);
}

TEST(RpcLoggingTest, ParsesTheThreeChoicesAndNothingElse) {
  RpcLogging logging;
  EXPECT_TRUE(ParseRpcLogging("errors", &logging));
  EXPECT_EQ(logging, RpcLogging::kErrors);
  EXPECT_TRUE(ParseRpcLogging("none", &logging));
  EXPECT_EQ(logging, RpcLogging::kNone);
  EXPECT_FALSE(ParseRpcLogging("verbose", &logging));
}

}  // namespace
}  // namespace corridor
