#include "services/common/stored_parties.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log.h"

namespace corridor {
namespace {

constexpr absl::Duration kRetryEvery = absl::Seconds(5);
// How often the registry is looked at again: a change (a party or spelling
// added) runs the pass again.
constexpr absl::Duration kRecheckEvery = absl::Seconds(30);

// What a pass depends on: every party at its version.
std::string Fingerprint(const std::vector<v1::Party>& parties) {
  std::string fingerprint;
  for (const v1::Party& party : parties) {
    absl::StrAppend(&fingerprint, party.id(), "@", party.version(), ";");
  }
  return fingerprint;
}

}  // namespace

void LogPartyResolution(absl::string_view service, const PartyResolution& resolution) {
  if (resolution.resolved > 0) {
    CORRIDOR_LOG(INFO) << service << ": " << resolution.resolved
                       << " stored records given the id of the party their text names (the "
                          "text is kept)";
  }
  if (!resolution.unresolved.empty()) {
    CORRIDOR_LOG(WARNING) << service
                          << ": stored party texts that name no party of the registry, kept as "
                          << "text (and counted apart in statistics): "
                          << absl::StrJoin(resolution.unresolved, "; ", absl::PairFormatter(" x"))
                          << ". If one names a party, an admin adds it as an alias (corridorctl "
                             "parties alias ID TEXT); it is resolved within a minute";
  }
}

bool FillPartyId(const std::vector<v1::Party>& parties, const std::string& text, std::string* id,
                 PartyResolution* resolution) {
  if (text.empty() || !id->empty()) return false;
  const v1::Party* party = FindParty(parties, text);
  if (party == nullptr) {
    ++resolution->unresolved[text];
    return false;
  }
  *id = party->id();
  return true;
}

storage::Origin PartyResolutionOrigin() {
  storage::Origin origin;
  origin.principal.set_name("party-registry");
  origin.rpc = "resolve-stored-parties";
  return origin;
}

StoredPartyResolution::StoredPartyResolution(std::string service, const References* references,
                                             Pass pass)
    : service_(std::move(service)), references_(references), pass_(std::move(pass)) {}

StoredPartyResolution::~StoredPartyResolution() {
  stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void StoredPartyResolution::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
}

bool StoredPartyResolution::WaitUntilDone(absl::Duration timeout) const {
  return done_.WaitForNotificationWithTimeout(timeout);
}

void StoredPartyResolution::Run() {
  std::string resolved_with;  // the registry the last pass ran with
  absl::Status last_failure;
  while (!stop_.HasBeenNotified()) {
    absl::StatusOr<References::PartyList> parties =
        references_->Parties(absl::Now() + absl::Seconds(10));
    if (parties.ok() && done_.HasBeenNotified() && Fingerprint(**parties) == resolved_with) {
      stop_.WaitForNotificationWithTimeout(kRecheckEvery);
      continue;
    }
    absl::StatusOr<PartyResolution> result =
        parties.ok() ? pass_(**parties) : absl::StatusOr<PartyResolution>(parties.status());
    if (result.ok()) {
      LogPartyResolution(service_, *result);
      resolved_with = Fingerprint(**parties);
      if (!done_.HasBeenNotified()) done_.Notify();
      stop_.WaitForNotificationWithTimeout(kRecheckEvery);
      continue;
    }
    if (result.status().message() != last_failure.message()) {
      CORRIDOR_LOG(WARNING) << service_ << ": stored party texts not resolved yet ("
                            << result.status().message() << "); trying again every "
                            << absl::FormatDuration(kRetryEvery);
      last_failure = result.status();
    }
    stop_.WaitForNotificationWithTimeout(kRetryEvery);
  }
}

}  // namespace corridor
