#include "services/audit/checkpoint_publisher.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "storage/checkpoint.h"
#include "storage/cosignature.h"

namespace corridor {

absl::StatusOr<std::unique_ptr<CheckpointPublisher>> CheckpointPublisher::Create(
    CheckpointOptions options) {
  for (const std::string& key : options.witness_keys) {
    absl::StatusOr<storage::VerifierKey> parsed = storage::ParseVerifierKey(key);
    if (!parsed.ok() || parsed->type != 0x04) {
      return absl::InvalidArgumentError(absl::StrCat(
          "witness key \"", key,
          "\": not a witness's cosigner key (NAME+KEYID+BASE64 of signature type 0x04, as "
          "corridor-witness prints at start and `corridorctl witness key` shows)"));
    }
  }
  return std::unique_ptr<CheckpointPublisher>(new CheckpointPublisher(std::move(options)));
}

absl::StatusOr<v1::Checkpoint> CheckpointPublisher::Published(const std::string& service,
                                                              const ServiceStorage& storage,
                                                              bool fresh) {
  absl::MutexLock lock(&mu_);
  std::deque<Round>& rounds = rounds_[service];
  const storage::JournalHead head = storage.store->journal_head();
  const absl::Time now = absl::Now();
  const std::string key = storage.signer->public_key();
  // A rotated key publishes at once: clients who follow the rotation
  // check today's checkpoint with today's key.
  const bool due = rounds.empty() || rounds.back().public_key != key ||
                   ((fresh || now - rounds.back().published >= options_.interval) &&
                    head.size != rounds.back().tree_size);
  if (due) {
    Round round;
    round.tree_size = head.size;
    round.root_hash = storage::merkle::ToBytes(head.root);
    round.published = now;
    round.public_key = key;
    CORRIDOR_ASSIGN_OR_RETURN(
        round.log_note,
        storage::SignNote(storage::CheckpointBody(Origin(service), head.size, head.root),
                          Origin(service), *storage.signer));
    rounds.push_back(std::move(round));
    if (rounds.size() > kKeptPerService) rounds.pop_front();
  }
  return ToCheckpoint(service, rounds.back());
}

absl::StatusOr<v1::Checkpoint> CheckpointPublisher::Witnessed(const std::string& service,
                                                              const ServiceStorage& storage,
                                                              uint32_t min_cosignatures) {
  CORRIDOR_RETURN_IF_ERROR(Published(service, storage, /*fresh=*/false).status());
  absl::MutexLock lock(&mu_);
  const std::deque<Round>& rounds = rounds_[service];
  for (auto round = rounds.rbegin(); round != rounds.rend(); ++round) {
    if (round->cosignatures.size() >= min_cosignatures) {
      return ToCheckpoint(service, *round);
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "min_cosignatures: no checkpoint of ", service, " published lately carries ",
      min_cosignatures, min_cosignatures == 1 ? " cosignature" : " cosignatures",
      " (the newest carries ", rounds.back().cosignatures.size(), "; the deployment lists ",
      options_.witness_keys.size(), options_.witness_keys.size() == 1 ? " witness" : " witnesses",
      "). Witnesses cosign within their polling interval: ask again shortly, or check that they "
      "run"));
}

absl::StatusOr<v1::AddCosignatureResponse> CheckpointPublisher::AddCosignature(
    const std::string& service, const std::string& cosigned_note) {
  CORRIDOR_ASSIGN_OR_RETURN(const storage::ParsedNote parsed, storage::ParseNote(cosigned_note));
  absl::MutexLock lock(&mu_);
  std::deque<Round>& rounds = rounds_[service];
  Round* round = nullptr;
  for (Round& candidate : rounds) {
    if (absl::StartsWith(candidate.log_note, parsed.body + "\n")) round = &candidate;
  }
  if (round == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cosigned_note: not a checkpoint of ", service,
                     " this process published lately (it keeps the newest ", kKeptPerService,
                     "; after a restart, cosign the next one)"));
  }
  int added = 0;
  std::vector<std::string> rejected;
  for (const std::string& key : options_.witness_keys) {
    absl::StatusOr<int64_t> cosigned = storage::VerifyCosignature(cosigned_note, key);
    if (absl::IsNotFound(cosigned.status())) continue;
    if (!cosigned.ok()) {
      rejected.push_back(std::string(cosigned.status().message()));
      continue;
    }
    const std::string name = key.substr(0, key.find('+'));
    round->cosignatures[name] = *parsed.LineOf(key);
    ++added;
  }
  if (added == 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cosigned_note: carries no valid cosignature by a witness this deployment lists (",
        options_.witness_keys.size(), " listed with corridord --witness_keys_file)",
        rejected.empty() ? "" : ": ", absl::StrJoin(rejected, "; ")));
  }
  v1::AddCosignatureResponse response;
  for (const auto& [name, line] : round->cosignatures) response.add_cosigned_by(name);
  return response;
}

v1::Checkpoint CheckpointPublisher::ToCheckpoint(const std::string& service,
                                                 const Round& round) const {
  v1::Checkpoint checkpoint;
  checkpoint.set_service(service);
  checkpoint.set_origin(Origin(service));
  checkpoint.set_tree_size(round.tree_size);
  checkpoint.set_root_hash(round.root_hash);
  std::string note = round.log_note;
  for (const auto& [name, line] : round.cosignatures) {
    note += line;
    checkpoint.add_cosigned_by(name);
  }
  checkpoint.set_note(std::move(note));
  checkpoint.set_verifier_key(storage::NoteVerifierKey(Origin(service), round.public_key));
  return checkpoint;
}

}  // namespace corridor
