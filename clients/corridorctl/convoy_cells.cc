#include "clients/corridorctl/convoy_cells.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/enum_text.h"
#include "common/validation.h"

namespace corridor::cli {
namespace {

absl::Status EntryError(absl::string_view column, int number, absl::string_view entry,
                        absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("column ", column, ": entry ", number, " (\"", entry, "\") ", problem));
}

std::string Trimmed(absl::string_view text) {
  return std::string(absl::StripAsciiWhitespace(text));
}

}  // namespace

absl::Status ParseApprovalStepsCell(absl::string_view text,
                                    google::protobuf::RepeatedPtrField<v1::ApprovalStep>* steps) {
  int number = 0;
  for (absl::string_view entry : absl::StrSplit(text, ';', absl::SkipWhitespace())) {
    ++number;
    const std::vector<absl::string_view> parts = absl::StrSplit(entry, '|');
    if (parts.size() != 5) {
      return EntryError("approval_steps", number, entry,
                        "is not STEP|AUTHORITY|ASKED|ANSWERED|OUTCOME, e.g. facilitation "
                        "letter|Ministry of Foreign Affairs|2016-10-01|2016-10-19|granted");
    }
    v1::ApprovalStep* step = steps->Add();
    step->set_step(Trimmed(parts[0]));
    step->set_authority(Trimmed(parts[1]));
    const std::string where = absl::StrCat("column approval_steps: entry ", number);
    absl::StatusOr<v1::Date> asked = ParseDate(absl::StrCat(where, " asked"), Trimmed(parts[2]));
    if (!asked.ok()) return asked.status();
    *step->mutable_requested_on() = *asked;
    if (const std::string answered = Trimmed(parts[3]); !answered.empty()) {
      absl::StatusOr<v1::Date> day = ParseDate(absl::StrCat(where, " answered"), answered);
      if (!day.ok()) return day.status();
      *step->mutable_answered_on() = *day;
    }
    absl::StatusOr<v1::StepOutcome> outcome = ParseEnumAs<v1::StepOutcome>(
        "STEP_OUTCOME_", absl::StrCat(where, " outcome"), Trimmed(parts[4]));
    if (!outcome.ok()) return outcome.status();
    step->set_outcome(*outcome);
  }
  return absl::OkStatus();
}

absl::Status ParseLossesCell(absl::string_view column, absl::string_view text,
                             const google::protobuf::RepeatedPtrField<v1::ManifestLine>& manifest,
                             google::protobuf::RepeatedPtrField<v1::LineLoss>* losses) {
  const bool removed = column == "items_removed";
  std::vector<bool> taken(manifest.size(), false);
  int number = 0;
  for (absl::string_view entry : absl::StrSplit(text, ';', absl::SkipWhitespace())) {
    ++number;
    const std::vector<absl::string_view> parts = absl::StrSplit(entry, ':');
    if (parts.size() != 3) {
      return EntryError(column, number, entry,
                        "is not ITEM:QUANTITY:UNIT, e.g. insulin:40:vials (the item and unit "
                        "as the manifest has them)");
    }
    const std::string item = Trimmed(parts[0]);
    const std::string unit = Trimmed(parts[2]);
    double quantity = 0;
    if (!absl::SimpleAtod(absl::StripAsciiWhitespace(parts[1]), &quantity)) {
      return EntryError(column, number, entry,
                        absl::StrCat("has \"", Trimmed(parts[1]), "\" where a quantity belongs"));
    }
    if (quantity <= 0) return EntryError(column, number, entry, "needs a quantity above 0");
    int line = -1;
    for (int i = 0; i < manifest.size() && line < 0; ++i) {
      if (!taken[i] && manifest.Get(i).item() == item && manifest.Get(i).unit() == unit) line = i;
    }
    if (line < 0) {
      return EntryError(column, number, entry,
                        absl::StrCat("names no line of the manifest (item \"", item,
                                     "\" counted in \"", unit, "\")"));
    }
    taken[line] = true;
    SetLoss(line, quantity, removed, losses);
  }
  return absl::OkStatus();
}

void SetLoss(int line, double quantity, bool removed,
             google::protobuf::RepeatedPtrField<v1::LineLoss>* losses) {
  v1::LineLoss* loss = nullptr;
  for (v1::LineLoss& known : *losses) {
    if (known.line() == line) loss = &known;
  }
  if (loss == nullptr) {
    loss = losses->Add();
    loss->set_line(line);
  }
  if (removed) {
    loss->set_removed(quantity);
  } else {
    loss->set_refused(quantity);
  }
}

}  // namespace corridor::cli
