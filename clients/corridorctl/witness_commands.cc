#include "clients/corridorctl/witness_commands.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "clients/corridorctl/commands.h"
#include "clients/corridorctl/output.h"
#include "corridor/v1/witness.grpc.pb.h"
#include "google/protobuf/util/time_util.h"

namespace corridor::cli {
namespace {

using google::protobuf::util::TimeUtil;

int ListCheckpoints(Session& session, v1::WitnessService::Stub& stub, bool key_only) {
  return session.Invoke<v1::WitnessService::Stub, v1::ListWitnessedCheckpointsRequest,
                        v1::ListWitnessedCheckpointsResponse>(
      stub, v1::ListWitnessedCheckpointsRequest(),
      &v1::WitnessService::Stub::ListWitnessedCheckpoints,
      [&](const v1::ListWitnessedCheckpointsResponse& response) {
        if (session.format() == OutputFormat::kJson) {
          PrintJson(response, session.out());
        } else if (key_only) {
          session.out() << response.verifier_key() << "\n";
        } else {
          for (const v1::WitnessedCheckpoint& checkpoint : response.checkpoints()) {
            session.out() << checkpoint.origin() << ": " << WithThousands(checkpoint.tree_size())
                          << " entries, cosigned " << TimeUtil::ToString(checkpoint.cosigned_at())
                          << "\n"
                          << checkpoint.cosigned_note() << "\n";
          }
          if (response.checkpoints().empty()) session.out() << "nothing cosigned yet\n";
        }
      });
}

// Exits 6 when there is evidence, so that a script alerts on it.
int ListEvidence(Session& session, v1::WitnessService::Stub& stub) {
  bool found = false;
  const int code =
      session.Invoke<v1::WitnessService::Stub, v1::ListEvidenceRequest, v1::ListEvidenceResponse>(
          stub, v1::ListEvidenceRequest(), &v1::WitnessService::Stub::ListEvidence,
          [&](const v1::ListEvidenceResponse& response) {
            found = !response.evidence().empty();
            if (session.format() == OutputFormat::kJson) {
              PrintJson(response, session.out());
              return;
            }
            if (response.evidence().empty()) {
              session.out() << "no evidence: every checkpoint shown was consistent\n";
              return;
            }
            for (const v1::ForkEvidence& evidence : response.evidence()) {
              session.out() << evidence.id() << "  " << TimeUtil::ToString(evidence.recorded_at())
                            << "  " << evidence.origin() << ": " << evidence.reason() << "\n"
                            << "-- cosigned before:\n"
                            << evidence.cosigned_note() << "-- presented after:\n"
                            << evidence.presented_note();
              if (!evidence.proof_source().empty()) {
                session.out() << "-- consistency proof (" << evidence.consistency_proof_size()
                              << " hashes) " << evidence.proof_source() << "\n";
              }
              session.out() << "\n";
            }
          });
  return code == kExitOk && found ? kExitAuditFailed : code;
}

}  // namespace

int RunWitnessCommand(Session& session, Flags& flags, const std::string& verb, const Args& args) {
  const std::string witness = flags.Take("witness");
  absl::Status parsed = ExpectArgs(args, 0, "witness commands take --witness=HOST:PORT");
  if (parsed.ok() && witness.empty()) {
    parsed = absl::InvalidArgumentError(
        "--witness=HOST:PORT is required: the address corridor-witness --listen serves on");
  }
  if (parsed.ok()) parsed = flags.CheckAllUsed(absl::StrCat("witness ", verb));
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::WitnessService::NewStub(session.ChannelTo(witness));
  if (verb == "key") return ListCheckpoints(session, *stub, /*key_only=*/true);
  if (verb == "checkpoints") return ListCheckpoints(session, *stub, /*key_only=*/false);
  if (verb == "evidence") return ListEvidence(session, *stub);
  return session.UsageFailure(absl::StrCat(
      verb.empty() ? "witness needs a command" : "unknown command \"witness " + verb + "\"",
      "; use key, checkpoints or evidence"));
}

}  // namespace corridor::cli
