// Latency percentiles for the benchmark programs.
#ifndef CORRIDOR_BENCHMARKS_PERCENTILE_H_
#define CORRIDOR_BENCHMARKS_PERCENTILE_H_

#include <algorithm>
#include <vector>

namespace corridor {

// The nearest-rank `p` percentile (0.5, 0.99...) of `values`, which it
// sorts in place; 0 if there are none.
inline double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

}  // namespace corridor

#endif  // CORRIDOR_BENCHMARKS_PERCENTILE_H_
