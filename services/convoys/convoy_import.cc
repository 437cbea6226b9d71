// ConvoyStore's imports: a past convoy with the steps it went through, one
// at a time (ImportConvoy) or many in one write (ImportConvoys).
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "services/convoys/convoy_store.h"
#include "services/convoys/convoy_tables.h"

namespace corridor::convoys {

absl::StatusOr<ConvoyStore::StagedImport> ConvoyStore::StageImport(
    const storage::Origin& origin, const v1::ImportConvoyRequest& request, absl::CivilDay today,
    const PartyIds& party_ids) const {
  CORRIDOR_ASSIGN_OR_RETURN(NewRecord created, NewConvoy(origin, request.submit(), today));
  StagedImport staged;
  staged.mutation.SetOrigin(origin);
  std::vector<v1::ConvoyEvent> events = {std::move(created.event)};
  // In life-cycle order; a step the status before it does not allow
  // refuses the whole convoy, naming the step.
  std::vector<std::pair<std::string, Change>> changes;
  for (int i = 0; i < request.approval_steps_size(); ++i) {
    changes.emplace_back(absl::StrCat("approval_steps[", i, "]"),
                         ApprovalStepChange(request.approval_steps(i)));
  }
  if (request.has_approve())
    changes.emplace_back("approve", ApproveChange(request.approve(), today));
  if (request.has_deny()) changes.emplace_back("deny", DenyChange(request.deny(), today));
  if (request.has_dispatch()) {
    changes.emplace_back("dispatch", DispatchChange(request.dispatch(), today));
  }
  if (request.has_outcome())
    changes.emplace_back("outcome", OutcomeChange(request.outcome(), today));
  for (auto& [field, change] : changes) {
    change.party_ids = &party_ids;
    absl::StatusOr<v1::ConvoyEvent> event =
        Advance(origin, change, &created.convoy, &staged.mutation);
    if (!event.ok()) {
      return absl::Status(event.status().code(),
                          absl::StrCat(field, ".", event.status().message()));
    }
    events.push_back(*std::move(event));
  }
  staged.mutation.Insert(ConvoysTable(), created.convoy);
  for (const v1::ConvoyEvent& event : events) staged.mutation.Insert(ConvoyEventsTable(), event);
  staged.convoy = std::move(created.convoy);
  return staged;
}

absl::StatusOr<v1::Convoy> ConvoyStore::Import(const storage::Origin& origin,
                                               const v1::ImportConvoyRequest& request,
                                               absl::CivilDay today, const PartyIds& party_ids) {
  CORRIDOR_ASSIGN_OR_RETURN(StagedImport staged, StageImport(origin, request, today, party_ids));
  return CommitNew(staged.mutation, std::move(staged.convoy), request.submit());
}

absl::StatusOr<ImportedRows> ConvoyStore::ImportMany(const storage::Origin& origin,
                                                     const std::vector<ImportRow>& rows,
                                                     absl::CivilDay today) {
  ImportedRows result;
  absl::flat_hash_map<std::string, size_t> fresh_row_of;  // convoy id -> the row storing it now
  std::vector<size_t> fresh;
  std::vector<StagedImport> staged_rows;
  for (size_t row = 0; row < rows.size(); ++row) {
    const v1::ImportConvoyRequest& request = *rows[row].request;
    absl::StatusOr<StagedImport> staged = StageImport(origin, request, today, rows[row].party_ids);
    if (!staged.ok()) {
      result.stored.push_back(staged.status());
      continue;
    }
    const std::string& id = staged->convoy.id();
    if (auto earlier = fresh_row_of.find(id); earlier != fresh_row_of.end()) {
      // This request stores the key in an earlier row: this row is its
      // retry, or another convoy under the same key.
      const bool same = SameSubmission(staged->convoy, rows[earlier->second].request->submit());
      result.stored.push_back(
          same ? absl::StatusOr<bool>(false)
               : absl::AlreadyExistsError(absl::StrCat(
                     "idempotency_key: \"", absl::CHexEscape(request.submit().idempotency_key()),
                     "\" is used twice in this import, for different "
                     "convoys; give each its own key")));
      continue;
    }
    absl::StatusOr<bool> stored = StoredRetryOf(staged->convoy, request.submit());
    if (absl::IsNotFound(stored.status())) {
      fresh_row_of.emplace(id, row);
      staged_rows.push_back(*std::move(staged));
      fresh.push_back(row);
      result.stored.push_back(true);
    } else {
      result.stored.push_back(stored.ok() ? absl::StatusOr<bool>(false) : stored.status());
    }
  }
  if (fresh.empty()) return result;
  std::vector<const storage::Mutation*> each;
  for (const StagedImport& staged : staged_rows) each.push_back(&staged.mutation);
  absl::StatusOr<std::vector<storage::CommitResult>> commit = store_->CommitEach(each);
  if (commit.ok()) {
    result.commits = *std::move(commit);
    return result;
  }
  if (!absl::IsAlreadyExists(commit.status())) return commit.status();
  // Another writer took one of these keys meanwhile: one at a time, then;
  // a convoy the other writer stored is answered as already stored.
  for (size_t row : fresh) {
    result.StoreAlone(row, [&] {
      return Import(origin, *rows[row].request, today, rows[row].party_ids).status();
    });
  }
  return result;
}

}  // namespace corridor::convoys
