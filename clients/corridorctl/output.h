// How corridorctl prints results: aligned tables for people, JSON and CSV for
// scripts.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_OUTPUT_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_OUTPUT_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace corridor::cli {

enum class OutputFormat { kTable, kJson, kCsv };

// "table", "json" or "csv"; INVALID_ARGUMENT naming --output otherwise.
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text);

// Rows of text cells under a header.
struct Grid {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// Table: columns padded to the widest cell (counted in characters, so Arabic
// names align), cells longer than `max_cell` characters shortened with "…".
void PrintTable(const Grid& grid, std::ostream& out, size_t max_cell = 48);
void PrintCsv(const Grid& grid, std::ostream& out);
// The proto JSON mapping, field names as in the .proto, pretty-printed.
void PrintJson(const google::protobuf::Message& message, std::ostream& out);

// A result in `format`: `raw` as JSON, or `grid` as CSV or a table.
void PrintResult(OutputFormat format, const google::protobuf::Message& raw, const Grid& grid,
                 std::ostream& out, size_t max_cell = 48);

// What a list prints besides its rows, on stderr under a table (never
// into JSON or CSV, which scripts read).
struct ListNotes {
  size_t max_cell = 48;
  // "area", "areas": the count of rows, when given.
  std::string one, many;
  // Where the next page starts, when there is one.
  std::string next_page_token;
  // The rows CSV writes, when they differ from the table's.
  const Grid* csv = nullptr;
};

// A list (or a record) in `format`: `raw` as JSON, `grid` as CSV or a
// table, then the table's notes on `err`.
void PrintList(OutputFormat format, const google::protobuf::Message& raw, const Grid& grid,
               const ListNotes& notes, std::ostream& out, std::ostream& err);

// "2016-07-17" for midnight UTC, the full RFC 3339 time otherwise; "" for
// an unset time.
std::string TimeText(const google::protobuf::Timestamp& t);

// 12520 -> "12,520".
std::string WithThousands(int64_t n);

// Number of UTF-8 characters in `text`.
size_t DisplayWidth(absl::string_view text);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_OUTPUT_H_
