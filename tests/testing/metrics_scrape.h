// Reads a server's Prometheus /metrics endpoint from tests.
#ifndef CORRIDOR_TESTS_TESTING_METRICS_SCRAPE_H_
#define CORRIDOR_TESTS_TESTING_METRICS_SCRAPE_H_

#include <map>
#include <string>

namespace corridor::testing {

// Every sample of the exposition at `address` ("host:port"), by its name
// and labels, e.g. `corridor_rpc_streams_open{method="/corridor.v1...."}`.
// Fails the test (and returns what it has) if the scrape fails.
std::map<std::string, double> ScrapeMetrics(const std::string& address);

}  // namespace corridor::testing

#endif  // CORRIDOR_TESTS_TESTING_METRICS_SCRAPE_H_
