// Corridor's checkpoints checked by an implementation Corridor did not
// write: Go's golang.org/x/mod/sumdb/note and tlog (Debian's
// golang-golang-x-mod-dev), through tests/interop/checkpoint_check.go, built
// here with Debian's Go. A running corridord's checkpoint, fetched with the
// real corridorctl, opens with its verifier key; RFC 6962 inclusion and
// consistency proofs from its AuditService check against it; a note changed
// after signing, or checked with another service's key, does not open. And
// the other way round: a note Go signs opens with Corridor's own checker.
#include <grpcpp/grpcpp.h>

#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/credentials.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/checkpoint.h"
#include "storage/cosignature.h"
#include "storage/tree_signer.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::CommandResult;
using ::corridor::testing::RunCommand;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kOrigin[] = "monitor.example.org/corridor";

class CheckpointInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start(
        BinaryPath("corridord"),
        {"--data_dir=" + dir_.Sub("data"), std::string("--checkpoint_origin=") + kOrigin},
        dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    admin_token_file_ = corridor::testing::AdminTokenFile(dir_.Sub("data"));
    std::ifstream file(admin_token_file_);
    std::getline(file, admin_token_);
    stub_ = v1::AuditService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
    // The checker, built from its source with Debian's Go and x/mod.
    CommandResult built =
        RunCommand({"/usr/bin/go", "build", "-o", dir_.Sub("checkpoint_check"),
                    std::string(CORRIDOR_SOURCE_DIR) + "/tests/interop/checkpoint_check.go"},
                   {"GO111MODULE=off", "GOPATH=/usr/share/gocode", "GOCACHE=" + dir_.Sub("gocache"),
                    "HOME=" + dir_.path()});
    ASSERT_EQ(built.exit_code, 0) << built.err;
  }

  CommandResult Ctl(std::vector<std::string> args) {
    return RunCorridorctl(server_->address(), std::move(args), admin_token_file_);
  }

  std::string Save(const std::string& name, const std::string& text) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path) << text;
    return path;
  }

  CommandResult Check(std::vector<std::string> args) {
    args.insert(args.begin(), dir_.Sub("checkpoint_check"));
    return RunCommand(args);
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    AttachBearerToken(context.get(), admin_token_);
    return context;
  }

  std::string Base64List(const google::protobuf::RepeatedPtrField<std::string>& hashes) {
    std::vector<std::string> encoded;
    for (const std::string& h : hashes) encoded.push_back(absl::Base64Escape(h));
    return absl::StrJoin(encoded, ",");
  }

  testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_token_file_;
  std::string admin_token_;
  std::unique_ptr<v1::AuditService::Stub> stub_;
};

TEST_F(CheckpointInteropTest, GoOpensTheCheckpointAndChecksTheProofsAgainstIt) {
  // The areas journal holds the reference data from the first start.
  CommandResult first = Ctl({"audit", "checkpoint", "--service=areas"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string first_note = first.out;
  EXPECT_THAT(first_note, StartsWith(std::string(kOrigin) + "/areas\n"));
  auto first_head = storage::ParseCheckpoint(first_note.substr(0, first_note.find("\n\n") + 1));
  ASSERT_TRUE(first_head.ok()) << first_head.status();

  // A write, then the checkpoint the oversight body checks now.
  ASSERT_EQ(Ctl({"areas", "set-status", "EG-DUMA", "--status=siege-broken", "--date=2018-04-14",
                 "--source=interop test (not a historical record)"})
                .exit_code,
            0);
  CommandResult second = Ctl({"audit", "checkpoint", "--service=areas", "--fresh"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  CommandResult key = Ctl({"audit", "key", "--service=areas"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  EXPECT_THAT(key.out, StartsWith(std::string(kOrigin) + "/areas+"));
  auto head = storage::ParseCheckpoint(second.out.substr(0, second.out.find("\n\n") + 1));
  ASSERT_TRUE(head.ok()) << head.status();
  ASSERT_GT(head->tree_size, first_head->tree_size);

  // Proofs from the service: the last entry is in the tree, and the first
  // checkpoint's tree is a prefix of it.
  const uint64_t last = head->tree_size - 1;
  v1::GetEntriesRequest entries_request;
  entries_request.set_service("areas");
  entries_request.set_start(last);
  entries_request.set_end(head->tree_size);
  v1::GetEntriesResponse entries;
  ASSERT_TRUE(stub_->GetEntries(Context().get(), entries_request, &entries).ok());
  ASSERT_EQ(entries.entries_size(), 1);
  v1::GetInclusionProofRequest inclusion_request;
  inclusion_request.set_service("areas");
  inclusion_request.set_leaf_index(last);
  inclusion_request.set_tree_size(head->tree_size);
  v1::InclusionProof inclusion;
  ASSERT_TRUE(stub_->GetInclusionProof(Context().get(), inclusion_request, &inclusion).ok());
  v1::GetConsistencyProofRequest consistency_request;
  consistency_request.set_service("areas");
  consistency_request.set_first_size(first_head->tree_size);
  consistency_request.set_second_size(head->tree_size);
  v1::ConsistencyProof consistency;
  ASSERT_TRUE(stub_->GetConsistencyProof(Context().get(), consistency_request, &consistency).ok());
  const std::string proofs = Save(
      "proofs.txt",
      absl::StrCat("inclusion ", last, " ", absl::Base64Escape(entries.entries(0)), " ",
                   Base64List(inclusion.audit_path()), "\n", "consistency ", first_head->tree_size,
                   " ", absl::Base64Escape(storage::merkle::ToBytes(first_head->root)), " ",
                   Base64List(consistency.proof()), "\n"));

  const std::string note = Save("checkpoint.txt", second.out);
  const std::string key_file = Save("areas.key", key.out);
  CommandResult checked = Check({"verify", note, key_file, proofs});
  ASSERT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_EQ(checked.out, absl::StrCat("ok ", kOrigin, "/areas ", head->tree_size, "\n"));

  // Changed after it was signed: the size claims one entry more.
  const std::string forged = absl::StrReplaceAll(
      second.out,
      {{absl::StrCat("\n", head->tree_size, "\n"), absl::StrCat("\n", head->tree_size + 1, "\n")}});
  CommandResult refused = Check({"verify", Save("forged.txt", forged), key_file});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("note"));
  // Another service's key does not open it.
  CommandResult routes_key = Ctl({"audit", "key", "--service=routes"});
  ASSERT_EQ(routes_key.exit_code, 0) << routes_key.err;
  CommandResult wrong = Check({"verify", note, Save("routes.key", routes_key.out)});
  EXPECT_EQ(wrong.exit_code, 1);
  // A proof that does not hold fails too: the entry claimed at another index.
  const std::string moved = Save(
      "moved.txt", absl::StrCat("inclusion ", last - 1, " ", absl::Base64Escape(entries.entries(0)),
                                " ", Base64List(inclusion.audit_path()), "\n"));
  EXPECT_EQ(Check({"verify", note, key_file, moved}).exit_code, 1);

  // Corridor's own checker agrees on the same bytes.
  auto opened = storage::OpenNote(second.out, absl::StripTrailingAsciiWhitespace(key.out));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE(absl::IsDataLoss(
      storage::OpenNote(forged, absl::StripTrailingAsciiWhitespace(key.out)).status()));
}

// A write's response says where it landed (trailing metadata): its author
// fetches that entry's inclusion proof and checks it, with Go, against a
// signed checkpoint. A retry that writes nothing says nothing.
TEST_F(CheckpointInteropTest, AWriteSaysWhereItLandedAndItsAuthorProvesIt) {
  auto denials = v1::DenialService::NewStub(
      grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  v1::RecordDenialRequest request;
  request.set_idempotency_key("interop-where");
  v1::DenialFacts* facts = request.mutable_facts();
  facts->set_party("Syrian Government forces");
  facts->set_area_id("EG-DUMA");
  facts->mutable_occurred_at()->set_seconds(1473206400);  // 2016-09-07
  facts->set_category(v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);
  facts->set_description("interop test (not a historical record)");
  facts->mutable_source()->set_citation("interop test");
  auto token_file = corridor::testing::CreateTokenFile(
      server_->address(), dir_.Sub("data"), "coordinator", dir_.Sub("coordinator.token"));
  ASSERT_TRUE(token_file.ok()) << token_file.status();
  std::string coordinator;
  std::getline(std::ifstream(dir_.Sub("coordinator.token")), coordinator);
  auto as_coordinator = [&coordinator] {
    auto context = std::make_unique<grpc::ClientContext>();
    AttachBearerToken(context.get(), coordinator);
    return context;
  };
  auto context = as_coordinator();
  v1::Denial denial;
  grpc::Status status = denials->RecordDenial(context.get(), request, &denial);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const auto& trailers = context->GetServerTrailingMetadata();
  auto index_it = trailers.find("corridor-journal-index");
  auto leaf_it = trailers.find("corridor-journal-leaf-hash");
  ASSERT_NE(index_it, trailers.end());
  ASSERT_NE(leaf_it, trailers.end());
  const uint64_t index = std::stoull(std::string(index_it->second.data(), index_it->second.size()));
  const std::string leaf(leaf_it->second.data(), leaf_it->second.size());

  CommandResult checkpoint = Ctl({"audit", "checkpoint", "--service=denials", "--fresh"});
  CommandResult key = Ctl({"audit", "key", "--service=denials"});
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  auto head = storage::ParseCheckpoint(checkpoint.out.substr(0, checkpoint.out.find("\n\n") + 1));
  ASSERT_TRUE(head.ok());
  ASSERT_LT(index, head->tree_size);
  v1::GetEntriesRequest entries_request;
  entries_request.set_service("denials");
  entries_request.set_start(index);
  entries_request.set_end(index + 1);
  v1::GetEntriesResponse entries;
  ASSERT_TRUE(stub_->GetEntries(Context().get(), entries_request, &entries).ok());
  ASSERT_EQ(entries.entries_size(), 1);
  EXPECT_EQ(storage::merkle::ToHex(storage::merkle::LeafHash(entries.entries(0))), leaf)
      << "the entry at the index given hashes to the leaf hash given";
  // The author needs only the leaf hash to find its entry and the proof.
  v1::GetInclusionProofByHashRequest proof_request;
  proof_request.set_service("denials");
  proof_request.set_leaf_hash(absl::HexStringToBytes(leaf));
  proof_request.set_tree_size(head->tree_size);
  v1::InclusionProof proof;
  ASSERT_TRUE(stub_->GetInclusionProofByHash(Context().get(), proof_request, &proof).ok());
  EXPECT_EQ(proof.leaf_index(), index);
  CommandResult checked =
      Check({"verify", Save("denials.checkpoint", checkpoint.out), Save("denials.key", key.out),
             Save("where.txt",
                  absl::StrCat("inclusion ", index, " ", absl::Base64Escape(entries.entries(0)),
                               " ", Base64List(proof.audit_path()), "\n"))});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;

  // The same request again is answered from what is stored: no new entry.
  auto retry_context = as_coordinator();
  ASSERT_TRUE(denials->RecordDenial(retry_context.get(), request, &denial).ok());
  EXPECT_EQ(retry_context->GetServerTrailingMetadata().count("corridor-journal-index"), 0u);
}

// A witness's cosignature, as corridor-witness writes it, checked by a Go
// reading of the C2SP tlog-cosignature spec; the cosigned note still opens
// with Go's note package under the log's key.
TEST_F(CheckpointInteropTest, GoChecksAWitnessCosignatureOfTheCheckpoint) {
  CommandResult checkpoint = Ctl({"audit", "checkpoint", "--service=areas"});
  CommandResult key = Ctl({"audit", "key", "--service=areas"});
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  auto witness = storage::TreeSigner::LoadOrCreate(dir_.Sub("witness.pem"));
  ASSERT_TRUE(witness.ok()) << witness.status();
  const std::string name = "witness.example.org";
  const std::string body = storage::ParseNote(checkpoint.out)->body;
  auto line = storage::CosignatureLine(body, name, 1764216000, **witness);
  ASSERT_TRUE(line.ok()) << line.status();
  const std::string witness_key =
      Save("witness.key", storage::CosignerVerifierKey(name, (*witness)->public_key()) + "\n");
  CommandResult checked = Check({"cosigned", Save("cosigned.note", checkpoint.out + *line),
                                 Save("areas.key", key.out), witness_key});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_EQ(checked.out, "ok cosigned by witness.example.org at 1764216000\n");

  // A cosignature of another checkpoint, put under this one, fails.
  auto checkpoint_body = storage::ParseCheckpoint(body);
  ASSERT_TRUE(checkpoint_body.ok());
  auto other = storage::CosignatureLine(
      storage::CheckpointBody(checkpoint_body->origin, checkpoint_body->tree_size + 1,
                              checkpoint_body->root),
      name, 1764216000, **witness);
  CommandResult moved = Check({"cosigned", Save("moved.note", checkpoint.out + *other),
                               Save("areas.key", key.out), witness_key});
  EXPECT_EQ(moved.exit_code, 1);
  EXPECT_THAT(moved.err, HasSubstr("does not verify"));
}

TEST_F(CheckpointInteropTest, ANoteGoSignsOpensWithCorridorsChecker) {
  storage::merkle::Hash root;
  root.fill(7);
  const std::string body = storage::CheckpointBody("example.org/go-signed", 42, root);
  CommandResult signed_by_go = Check({"sign", "example.org/go-signed", Save("body.txt", body)});
  ASSERT_EQ(signed_by_go.exit_code, 0) << signed_by_go.err;
  const size_t newline = signed_by_go.out.find('\n');
  const std::string verifier_key = signed_by_go.out.substr(0, newline);
  const std::string note = signed_by_go.out.substr(newline + 1);
  auto opened = storage::OpenNote(note, verifier_key);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, body);
  auto checkpoint = storage::ParseCheckpoint(*opened);
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(checkpoint->tree_size, 42u);
  EXPECT_EQ(checkpoint->root, root);
}

}  // namespace
}  // namespace corridor
