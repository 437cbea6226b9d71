// A real corridor-mirror follows a real corridord, as an oversight body runs
// it: with an oversight token of the primary's and the verifier keys it
// pinned. The copy answers the reads (areas, denials and their stats, the
// access report, the audit API with the primary's head) as the primary
// does, refuses writes, resumes after a restart from where it was, and
// stops, naming the first entry that no longer matches, when the primary
// rewrites its history.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/credentials.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/metrics_scrape.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::mirror {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::CommandResult;
using ::corridor::testing::RunCommand;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;

const std::vector<std::string> kServices = {"areas",   "routes",    "convoys",
                                            "denials", "incidents", "agreements"};

class MirrorTest : public ::testing::Test {
 protected:
  std::unique_ptr<ServerProcess> StartPrimary(const std::string& data, const std::string& listen) {
    auto server = ServerProcess::Start(
        BinaryPath("corridord"),
        {"--data_dir=" + data, "--backup_root=" + dir_.Sub("backups"),
         "--signing_key_dir=" + dir_.Sub("log-keys"), "--checkpoint_origin=test.example.org/c",
         "--checkpoint_interval_seconds=0", "--listen=" + listen},
        dir_.path());
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  // Pins each service's key, and makes the mirror's oversight token.
  void PinKeysAndToken(const ServerProcess& primary) {
    admin_ = corridor::testing::AdminTokenFile(dir_.Sub("primary"));
    std::ofstream keys(dir_.Sub("log_keys.txt"));
    for (const std::string& service : kServices) {
      CommandResult key =
          RunCorridorctl(primary.address(), {"audit", "key", "--service=" + service}, admin_);
      ASSERT_EQ(key.exit_code, 0) << key.err;
      keys << key.out;
    }
    CommandResult token = RunCorridorctl(
        primary.address(),
        {"admin", "token", "create", "--role=oversight", "--name=mirror of the oversight body"},
        admin_);
    ASSERT_EQ(token.exit_code, 0) << token.err;
    std::ofstream(dir_.Sub("oversight.token")) << token.out;
    CommandResult coordinator = RunCorridorctl(
        primary.address(), {"admin", "token", "create", "--role=coordinator"}, admin_);
    ASSERT_EQ(coordinator.exit_code, 0) << coordinator.err;
    coordinator_ = dir_.Sub("coordinator.token");
    std::ofstream(coordinator_) << coordinator.out;
  }

  std::unique_ptr<ServerProcess> StartMirror(const std::string& primary) {
    auto mirror = ServerProcess::Start(
        BinaryPath("corridor-mirror"),
        {"--primary=" + primary, "--primary_token_file=" + dir_.Sub("oversight.token"),
         "--log_keys_file=" + dir_.Sub("log_keys.txt"), "--data_dir=" + dir_.Sub("mirror"),
         "--poll_interval_ms=100", "--metrics_listen=127.0.0.1:0",
         "--metrics_port_file=" + dir_.Sub("mirror.metrics")},
        dir_.path());
    EXPECT_TRUE(mirror.ok()) << mirror.status();
    return mirror.ok() ? *std::move(mirror) : nullptr;
  }

  uint64_t JournalSize(const std::string& address, const std::string& token_file,
                       const std::string& service) {
    auto audit =
        v1::AuditService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    AttachBearerToken(&context, *ReadTokenFile(token_file));
    v1::GetTreeHeadRequest request;
    request.set_service(service);
    v1::SignedTreeHead head;
    return audit->GetTreeHead(&context, request, &head).ok() ? head.tree_size() : 0;
  }

  // Waits until the mirror serves the primary's head of every service.
  bool CaughtUp(const ServerProcess& primary, const ServerProcess& mirror) {
    const std::string mirror_admin = corridor::testing::AdminTokenFile(dir_.Sub("mirror"));
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline) {
      bool all = true;
      for (const std::string& service : kServices) {
        all = all && JournalSize(mirror.address(), mirror_admin, service) ==
                         JournalSize(primary.address(), admin_, service);
      }
      if (all) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  }

  // Caught up on every service but `except`.
  bool CaughtUpExcept(const ServerProcess& primary, const ServerProcess& mirror,
                      const std::string& except) {
    const std::string mirror_admin = corridor::testing::AdminTokenFile(dir_.Sub("mirror"));
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline) {
      bool all = true;
      for (const std::string& service : kServices) {
        if (service == except) continue;
        all = all && JournalSize(mirror.address(), mirror_admin, service) ==
                         JournalSize(primary.address(), admin_, service);
      }
      if (all) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  }

  CommandResult Denial(const ServerProcess& server, const std::string& area,
                       const std::string& token) {
    return RunCorridorctl(server.address(),
                          {"denials", "record", "--party=Syrian government", "--area=" + area,
                           "--category=interference", "--at=2016-10-20",
                           "--description=medical items removed", "--source=mirror test"},
                          token);
  }

  std::string MetricsAddress() {
    std::ifstream file(dir_.Sub("mirror.metrics"));
    std::string address;
    std::getline(file, address);
    return address;
  }

  corridor::testing::TempDir dir_;
  std::string admin_;
  std::string coordinator_;
};

TEST_F(MirrorTest, ServesWhatThePrimaryRecordedAndResumesAfterARestart) {
  std::unique_ptr<ServerProcess> primary = StartPrimary(dir_.Sub("primary"), "127.0.0.1:0");
  ASSERT_NE(primary, nullptr);
  PinKeysAndToken(*primary);
  for (const std::string area : {"EG-DUMA", "ALP-EAST", "EG-DUMA"}) {
    CommandResult recorded = Denial(*primary, area, coordinator_);
    ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  }
  std::unique_ptr<ServerProcess> mirror = StartMirror(primary->address());
  ASSERT_NE(mirror, nullptr);
  ASSERT_TRUE(CaughtUp(*primary, *mirror)) << mirror->Logs();
  const std::string reader = corridor::testing::AdminTokenFile(dir_.Sub("mirror"));

  // The same answers, from the mirror's own tokens and database.
  for (const std::vector<std::string>& read :
       {std::vector<std::string>{"areas", "list"},
        {"denials", "list"},
        {"denials", "stats", "--from=2016-01", "--to=2016-12", "--by=area"},
        {"routes", "list"},
        {"report", "access", "--from=2016-01-01", "--to=2016-12-31"},
        {"export", "denials", "--format=hxl"}}) {
    CommandResult at_primary = RunCorridorctl(primary->address(), read, admin_);
    CommandResult at_mirror = RunCorridorctl(mirror->address(), read, reader);
    ASSERT_EQ(at_mirror.exit_code, 0) << read[0] << " " << read[1] << ": " << at_mirror.err;
    EXPECT_EQ(at_mirror.out, at_primary.out) << read[0] << " " << read[1];
  }
  CommandResult stats =
      RunCorridorctl(mirror->address(),
                     {"denials", "stats", "--from=2016-01", "--to=2016-12", "--by=area"}, reader);
  EXPECT_THAT(stats.out, HasSubstr("EG-DUMA"));

  // An auditor verifies the mirror's copy against the key pinned at the
  // primary: the mirror serves the primary's signed head and its proofs.
  std::string denials_key;
  std::ifstream keys(dir_.Sub("log_keys.txt"));
  for (std::string line; std::getline(keys, line);) {
    if (line.find("/denials+") != std::string::npos) denials_key = line;
  }
  CommandResult verified = RunCorridorctl(
      mirror->address(), {"audit", "verify", "--service=denials", "--key=" + denials_key}, reader);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  // Writes go to the primary.
  CommandResult refused = Denial(*mirror, "EG-DUMA", reader);
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("mirror"));
  EXPECT_THAT(refused.err, HasSubstr(primary->address()));

  // Stopped, it misses writes; restarted, it resumes from its position.
  ASSERT_EQ(mirror->StopWith(SIGTERM), 0);
  const uint64_t held = JournalSize(primary->address(), admin_, "denials");
  ASSERT_EQ(Denial(*primary, "ALP-EAST", coordinator_).exit_code, 0);
  mirror = StartMirror(primary->address());
  ASSERT_NE(mirror, nullptr);
  ASSERT_TRUE(CaughtUp(*primary, *mirror)) << mirror->Logs();
  EXPECT_EQ(JournalSize(mirror->address(), reader, "denials"), held + 1);
  EXPECT_EQ(
      RunCorridorctl(mirror->address(),
                     {"denials", "stats", "--from=2016-01", "--to=2016-12", "--by=area"}, reader)
          .out,
      RunCorridorctl(primary->address(),
                     {"denials", "stats", "--from=2016-01", "--to=2016-12", "--by=area"}, admin_)
          .out);
  std::map<std::string, double> metrics = corridor::testing::ScrapeMetrics(MetricsAddress());
  EXPECT_EQ(metrics["corridor_mirror_entries_behind{service=\"denials\"}"], 0);
  EXPECT_EQ(metrics["corridor_mirror_entries{service=\"denials\"}"], held + 1);
  EXPECT_EQ(metrics["corridor_mirror_diverged{service=\"denials\"}"], 0);
}

TEST_F(MirrorTest, StopsAtTheFirstEntryARestoredBackupRewrote) {
  std::unique_ptr<ServerProcess> primary = StartPrimary(dir_.Sub("primary"), "127.0.0.1:0");
  ASSERT_NE(primary, nullptr);
  const std::string address = primary->address();
  PinKeysAndToken(*primary);
  ASSERT_EQ(Denial(*primary, "EG-DUMA", coordinator_).exit_code, 0);
  ASSERT_EQ(RunCorridorctl(address, {"admin", "backup", "--to=older"}, admin_).exit_code, 0);
  const uint64_t forked_at = JournalSize(address, admin_, "denials");
  ASSERT_EQ(Denial(*primary, "ALP-EAST", coordinator_).exit_code, 0);
  std::unique_ptr<ServerProcess> mirror = StartMirror(address);
  ASSERT_NE(mirror, nullptr);
  ASSERT_TRUE(CaughtUp(*primary, *mirror)) << mirror->Logs();
  const std::string reader = corridor::testing::AdminTokenFile(dir_.Sub("mirror"));
  const uint64_t verified = JournalSize(mirror->address(), reader, "denials");

  // The operator restores the older backup, same key, same address, and
  // records other denials in place of the one the mirror holds.
  ASSERT_EQ(primary->StopWith(SIGTERM), 0);
  CommandResult restored =
      RunCommand({BinaryPath("corridorctl"), "admin", "restore",
                  "--from=" + dir_.Sub("backups/older"), "--data-dir=" + dir_.Sub("forked")});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  std::unique_ptr<ServerProcess> fork = StartPrimary(dir_.Sub("forked"), address);
  ASSERT_NE(fork, nullptr);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Denial(*fork, "EG-DUMA", coordinator_).exit_code, 0);

  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline &&
         mirror->Logs().find("rewrote its history") == std::string::npos) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_THAT(mirror->Logs(), HasSubstr(absl::StrCat("denials: the primary rewrote its history")));
  EXPECT_THAT(mirror->Logs(), HasSubstr(absl::StrCat(
                                  "The first entry that no longer matches is entry ", forked_at)));
  // Nothing of the fork was stored; the verified copy is still served.
  EXPECT_EQ(JournalSize(mirror->address(), reader, "denials"), verified);
  CommandResult listed = RunCorridorctl(mirror->address(), {"denials", "list"}, reader);
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("ALP-EAST"));
  std::map<std::string, double> metrics = corridor::testing::ScrapeMetrics(MetricsAddress());
  EXPECT_EQ(metrics["corridor_mirror_diverged{service=\"denials\"}"], 1);
  EXPECT_EQ(metrics["corridor_mirror_diverged{service=\"areas\"}"], 0);

  // The evidence is kept: both heads, each signed by the primary's key.
  std::ifstream file(dir_.Sub("mirror/mirror-state/denials.divergence"));
  std::stringstream evidence;
  evidence << file.rdbuf();
  // Each head as `audit head` saves it, ready for `audit verify --since`.
  EXPECT_THAT(evidence.str(),
              HasSubstr("The head this mirror verified, signed by the primary's key:\n{"));
  EXPECT_THAT(evidence.str(), HasSubstr(absl::StrCat("\"tree_size\": \"", verified, "\"")));
  EXPECT_THAT(evidence.str(), HasSubstr("What the primary signed instead"));
  EXPECT_THAT(evidence.str(), HasSubstr("\"signature\""));

  // The operator puts the old history back: a restarted mirror still
  // stops, from the evidence, and stores nothing more.
  ASSERT_EQ(mirror->StopWith(SIGTERM), 0);
  ASSERT_EQ(fork->StopWith(SIGTERM), 0);
  primary = StartPrimary(dir_.Sub("primary"), address);
  ASSERT_NE(primary, nullptr);
  ASSERT_EQ(Denial(*primary, "EG-DUMA", coordinator_).exit_code, 0);
  mirror = StartMirror(address);
  ASSERT_NE(mirror, nullptr);
  ASSERT_TRUE(CaughtUpExcept(*primary, *mirror, "denials")) << mirror->Logs();
  EXPECT_EQ(JournalSize(mirror->address(), reader, "denials"), verified);
  EXPECT_THAT(mirror->Logs(), HasSubstr("denials: not mirrored: denials: the primary rewrote"));
  metrics = corridor::testing::ScrapeMetrics(MetricsAddress());
  EXPECT_EQ(metrics["corridor_mirror_diverged{service=\"denials\"}"], 1);
}

TEST_F(MirrorTest, RefusesATokenThatCanWriteAtThePrimary) {
  std::unique_ptr<ServerProcess> primary = StartPrimary(dir_.Sub("primary"), "127.0.0.1:0");
  ASSERT_NE(primary, nullptr);
  PinKeysAndToken(*primary);
  std::filesystem::copy_file(coordinator_, dir_.Sub("oversight.token"),
                             std::filesystem::copy_options::overwrite_existing);
  CommandResult refused =
      RunCommand({BinaryPath("corridor-mirror"), "--primary=" + primary->address(),
                  "--primary_token_file=" + dir_.Sub("oversight.token"),
                  "--log_keys_file=" + dir_.Sub("log_keys.txt"), "--data_dir=" + dir_.Sub("mirror"),
                  "--listen=127.0.0.1:0"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("--primary_token_file"));
  EXPECT_THAT(refused.err, HasSubstr("oversight token"));
  // A key missing for a mirrored service is found before anything is made.
  std::ofstream(dir_.Sub("areas_only.txt")) << "# nothing for the other services\n";
  CommandResult unpinned = RunCommand(
      {BinaryPath("corridor-mirror"), "--primary=" + primary->address(),
       "--primary_token_file=" + dir_.Sub("oversight.token"),
       "--log_keys_file=" + dir_.Sub("areas_only.txt"), "--data_dir=" + dir_.Sub("unmade")});
  EXPECT_EQ(unpinned.exit_code, 2);
  EXPECT_THAT(unpinned.err, HasSubstr("lists no verifier key for areas"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("unmade")));
}

}  // namespace
}  // namespace corridor::mirror
