// The CSV import path of `corridorctl import convoys|denials`, fed
// arbitrary files: the CSV parser, then each row turned into its request,
// then the service's own validation of that request. Nothing may crash;
// refusals name the column or field; and rows the parser reads back,
// written again with CsvRow (as exports are), parse to the same rows.
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "clients/corridorctl/import_rows.h"
#include "common/csv.h"
#include "services/convoys/convoy_validation.h"
#include "services/denials/denial_validation.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<std::vector<std::string>>> rows = corridor::ParseCsv(text);
  if (rows.ok()) {
    std::string written;
    for (const std::vector<std::string>& row : *rows) written += corridor::CsvRow(row) + "\n";
    absl::StatusOr<std::vector<std::vector<std::string>>> again = corridor::ParseCsv(written);
    FUZZ_CHECK(again.ok() && *again == *rows, "rows written back parse differently: " +
                                                  absl::CEscape(written));
  } else {
    FUZZ_CHECK(rows.status().code() == absl::StatusCode::kInvalidArgument, rows.status().ToString());
  }
  (void)corridor::CsvTable::Parse(text);

  absl::StatusOr<corridor::cli::ImportFile> file = corridor::cli::ParseImportFile(text);
  if (!file.ok()) return 0;
  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2026, 11, 23, 12, 0, 0), absl::UTCTimeZone());
  for (const std::vector<std::string>& cells : file->rows) {
    const corridor::cli::ImportRow row(file->header, cells);
    absl::StatusOr<corridor::v1::RecordDenialRequest> denial = corridor::cli::DenialFromRow(row);
    if (denial.ok()) {
      absl::Status valid = corridor::denials::ValidateRecord(*denial, now);
      FUZZ_CHECK(valid.ok() || valid.code() == absl::StatusCode::kInvalidArgument, valid.ToString());
      FUZZ_CHECK(!denial->idempotency_key().empty(), "an imported denial has no idempotency key");
    } else {
      FUZZ_CHECK(absl::StartsWith(denial.status().message(), "column "),
                 denial.status().ToString());
    }
    absl::StatusOr<corridor::v1::SubmitConvoyRequestRequest> convoy =
        corridor::cli::ConvoyFromRow(row);
    if (convoy.ok()) {
      absl::Status valid = corridor::convoys::ValidateSubmit(*convoy);
      FUZZ_CHECK(valid.ok() || valid.code() == absl::StatusCode::kInvalidArgument, valid.ToString());
    } else {
      FUZZ_CHECK(absl::StartsWith(convoy.status().message(), "column "),
                 convoy.status().ToString());
    }
  }
  return 0;
}
