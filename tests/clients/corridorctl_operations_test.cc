// End to end, what operators run against a real corridord: an online
// backup while a coordinator keeps filing reports, its restore into a fresh
// folder serving the same records and tree heads, backups confined to the
// server's --backup_root and readable by its user only, `health`, and the
// /metrics endpoint whose counters move when the CLI is used.
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "corridor/v1/audit.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/metrics_scrape.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::cli {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::CommandResult;
using ::corridor::testing::RunCommand;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kDomainServices[] = {"areas", "routes", "convoys", "denials"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

int Mode(const std::string& path) {
  struct stat info;
  if (::lstat(path.c_str(), &info) != 0) return -1;
  return static_cast<int>(info.st_mode & 07777);
}

// Every folder under `root` (and it) must be 0700, every file 0600.
void ExpectOwnerOnly(const std::string& root) {
  EXPECT_EQ(Mode(root), 0700) << root;
  int files = 0;
  for (const auto& item : std::filesystem::recursive_directory_iterator(root)) {
    if (item.is_symlink()) continue;
    ++files;
    EXPECT_EQ(Mode(item.path().string()), item.is_directory() ? 0700 : 0600) << item.path();
  }
  EXPECT_GT(files, 0) << root;
}

class OperationsTest : public ::testing::Test {
 protected:
  std::unique_ptr<ServerProcess> Start(const std::string& data,
                                       std::vector<std::string> extra = {}) {
    extra.push_back("--data_dir=" + data);
    auto server = ServerProcess::Start(BinaryPath("corridord"), extra, dir_.path());
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  void MakeTokens(const ServerProcess& server) {
    for (const char* role : {"coordinator", "oversight"}) {
      auto token = corridor::testing::CreateTokenFile(server.address(), dir_.Sub("data"), role,
                                                      dir_.Sub(std::string(role) + ".token"));
      ASSERT_TRUE(token.ok()) << token.status();
    }
  }

  CommandResult As(const std::string& role, const ServerProcess& server,
                   std::vector<std::string> args) {
    const std::string token = role == "admin" ? corridor::testing::AdminTokenFile(dir_.Sub("data"))
                                              : dir_.Sub(role + ".token");
    return RunCorridorctl(server.address(), std::move(args), token);
  }

  std::string SubmitConvoy(const ServerProcess& server, const std::string& key) {
    CommandResult submitted =
        As("coordinator", server,
           {"--output=csv", "convoys", "submit", "--agency=WFP", "--area=ALP-EAST",
            "--planned=2016-10-01", "--requested=2015-12-01", "--beneficiaries=1000",
            "--cargo=flour:food:10:tonnes", "--key=" + key});
    EXPECT_EQ(submitted.exit_code, 0) << submitted.err;
    return submitted.out.substr(submitted.out.find('\n') + 1, 19);
  }

  corridor::testing::TempDir dir_;
};

TEST_F(OperationsTest, AnOnlineBackupRestoresIntoAFreshFolderWithTheSameRecordsAndTreeHeads) {
  std::unique_ptr<ServerProcess> server =
      Start(dir_.Sub("data"), {"--backup_root=" + dir_.Sub("backups")});
  ASSERT_NE(server, nullptr);
  MakeTokens(*server);

  const std::string before = SubmitConvoy(*server, "before");
  ASSERT_EQ(As("coordinator", *server, {"convoys", "approve", before, "--beneficiaries=900"})
                .exit_code,
            0);
  CommandResult denial =
      As("coordinator", *server,
         {"--output=json", "denials", "record", "--party=ISIS", "--area=EG-DUMA",
          "--category=interference", "--at=2016-09-03", "--people=300",
          "--description=medical items removed", "--source=WHO report", "--key=d1"});
  ASSERT_EQ(denial.exit_code, 0) << denial.err;

  // A coordinator keeps filing road reports while the backup runs: none of
  // them may fail or wait for it.
  std::atomic<bool> stop{false};
  std::atomic<int> filed{0}, failed{0};
  std::thread writer([&] {
    while (!stop) {
      CommandResult report = As("coordinator", *server,
                                {"routes", "report", "castello-road", "--status=closed",
                                 "--source=backup test"});
      (report.exit_code == 0 ? filed : failed)++;
    }
  });
  while (filed < 2) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CommandResult backup = As("admin", *server, {"admin", "backup", "--to=2026-11-23"});
  const int filed_during = filed;
  while (filed < filed_during + 2) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  stop = true;
  writer.join();
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_EQ(failed, 0);
  EXPECT_THAT(backup.err, HasSubstr("backing up convoys into 2026-11-23/convoys"));
  EXPECT_THAT(backup.err,
              HasSubstr("corridorctl admin restore --from=" +
                        std::filesystem::canonical(dir_.Sub("backups")).string() + "/2026-11-23 "));
  // "routes: 14 journal entries, 8 files, 100 KiB in /.../routes"
  std::map<std::string, uint64_t> backed_up;
  for (absl::string_view line : absl::StrSplit(backup.out, '\n', absl::SkipEmpty())) {
    std::vector<std::string> words = absl::StrSplit(line, ' ');
    ASSERT_GE(words.size(), 3u) << line;
    ASSERT_TRUE(absl::SimpleAtoi(words[1], &backed_up[std::string(absl::StripSuffix(words[0], ":"))]))
        << line;
  }
  ASSERT_EQ(backed_up.size(), 7u) << backup.out;  // every service corridord hosts

  const std::string after = SubmitConvoy(*server, "after");
  CommandResult original_convoy = As("oversight", *server, {"--output=json", "convoys", "get", before});
  ASSERT_EQ(original_convoy.exit_code, 0);

  // Restore needs no server: it reads the backup and writes the folder.
  CommandResult restore = RunCommand({BinaryPath("corridorctl"), "admin", "restore",
                                      "--from=" + dir_.Sub("backups/2026-11-23"),
                                      "--data-dir=" + dir_.Sub("restored")});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_THAT(restore.out, HasSubstr("convoys: restored into " + dir_.Sub("restored/convoys") +
                                     " and verified"));

  // The restored platform runs beside the original.
  std::unique_ptr<ServerProcess> restored = Start(dir_.Sub("restored"));
  ASSERT_NE(restored, nullptr);
  // Tokens are records of the auth service: the original's still work.
  EXPECT_EQ(As("admin", *restored, {"whoami"}).exit_code, 0);
  for (const char* service : kDomainServices) {
    SCOPED_TRACE(service);
    CommandResult head = As("oversight", *restored, {"audit", "head", "--service=" + std::string(service)});
    ASSERT_EQ(head.exit_code, 0) << head.err;
    v1::SignedTreeHead parsed;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(head.out, &parsed).ok()) << head.out;
    EXPECT_EQ(parsed.tree_size(), backed_up[service]);
    // The restored journal is a prefix of the original's: the original
    // proves its journal consistent with the restored head.
    const std::string saved = dir_.Sub(std::string(service) + "-restored-head.json");
    std::ofstream(saved) << head.out;
    CommandResult consistent = As("oversight", *server,
                                  {"audit", "verify", "--service=" + std::string(service),
                                   "--since=" + saved});
    EXPECT_EQ(consistent.exit_code, 0) << consistent.out << consistent.err;
    // The restored copy signs with the original's key, pinned from it.
    CommandResult key =
        As("oversight", *server, {"audit", "key", "--service=" + std::string(service)});
    ASSERT_EQ(key.exit_code, 0) << key.err;
    CommandResult verified =
        As("oversight", *restored,
           {"audit", "verify", "--service=" + std::string(service),
            "--key=" + std::string(absl::StripTrailingAsciiWhitespace(key.out))});
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  }
  EXPECT_GT(backed_up["routes"], 9u + 2u);  // reference history + reports before the backup
  CommandResult restored_convoy =
      As("oversight", *restored, {"--output=json", "convoys", "get", before});
  ASSERT_EQ(restored_convoy.exit_code, 0) << restored_convoy.err;
  EXPECT_EQ(restored_convoy.out, original_convoy.out);
  EXPECT_EQ(As("oversight", *restored, {"convoys", "get", after}).exit_code, 5)
      << "a convoy submitted after the backup is not in it";
  EXPECT_EQ(server->StopWith(SIGTERM), 0);
  EXPECT_EQ(restored->StopWith(SIGTERM), 0);
}

TEST_F(OperationsTest, BackupAndRestoreRefuseWhatWouldLoseOrMixData) {
  std::unique_ptr<ServerProcess> server =
      Start(dir_.Sub("data"), {"--backup_root=" + dir_.Sub("backups")});
  ASSERT_NE(server, nullptr);
  MakeTokens(*server);

  CommandResult by_coordinator = As("coordinator", *server, {"admin", "backup", "--to=b1"});
  EXPECT_EQ(by_coordinator.exit_code, 7) << by_coordinator.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("backups/b1/areas")));

  ASSERT_EQ(As("admin", *server, {"admin", "backup", "--service=areas", "--to=b2"}).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("backups/b2/areas/BACKUP")));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("backups/b2/routes"))) << "only the service named";
  CommandResult again = As("admin", *server, {"admin", "backup", "--service=areas", "--to=b2"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("already exists"));
  CommandResult unknown = As("admin", *server, {"admin", "backup", "--service=roads", "--to=b3"});
  EXPECT_EQ(unknown.exit_code, 4) << unknown.err;
  EXPECT_THAT(unknown.err, HasSubstr("service"));

  // Restoring over a database in use, or one already there, is refused.
  CommandResult over =
      RunCommand({BinaryPath("corridorctl"), "admin", "restore", "--from=" + dir_.Sub("backups/b2"),
                  "--data-dir=" + dir_.Sub("data")});
  EXPECT_EQ(over.exit_code, 2) << over.err;
  EXPECT_THAT(over.err, HasSubstr("is not empty"));
  EXPECT_EQ(As("oversight", *server, {"areas", "get", "EG-DUMA"}).exit_code, 0);
  CommandResult nothing = RunCommand({BinaryPath("corridorctl"), "admin", "restore",
                                      "--from=" + dir_.Sub("nowhere"),
                                      "--data-dir=" + dir_.Sub("r")});
  EXPECT_EQ(nothing.exit_code, 5);
  EXPECT_THAT(nothing.err, HasSubstr("holds no finished backup"));
}

TEST_F(OperationsTest, WithoutABackupRootBackupsAreRefusedInPlainWords) {
  std::unique_ptr<ServerProcess> server = Start(dir_.Sub("data"));
  ASSERT_NE(server, nullptr);
  CommandResult backup =
      As("admin", *server, {"admin", "backup", "--service=areas", "--to=" + dir_.Sub("b")});
  EXPECT_EQ(backup.exit_code, 4) << backup.err;
  EXPECT_THAT(backup.err, HasSubstr("started without --backup_root"));
  EXPECT_THAT(backup.err, HasSubstr("Restart it with --backup_root=DIR"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("b")));
}

// The review's findings: /etc, `..`, and a live data folder were all
// written to. The root here holds the data folder, so that only the data
// rule keeps the backups out of it.
TEST_F(OperationsTest, BackupsStayUnderTheBackupRootAndOutOfTheDataFolder) {
  corridor::testing::TempDir outside;
  std::filesystem::create_directory_symlink(outside.path(), dir_.Sub("escape"));
  std::unique_ptr<ServerProcess> server = Start(dir_.Sub("data"), {"--backup_root=" + dir_.path()});
  ASSERT_NE(server, nullptr);
  for (const std::string& to :
       {std::string("/etc/corridor-backup"), std::string("../corridor-backup"),
        std::string("nightly/../../corridor-backup"), std::string("escape/nightly"),
        std::string("missing/../escape/nightly"), outside.Sub("nightly")}) {
    SCOPED_TRACE(to);
    CommandResult refused =
        As("admin", *server, {"admin", "backup", "--service=areas", "--to=" + to});
    EXPECT_EQ(refused.exit_code, 4) << refused.err;
    EXPECT_THAT(refused.err, HasSubstr("folder: "));
    EXPECT_THAT(refused.err, HasSubstr("outside the backup root"));
    EXPECT_THAT(refused.err, HasSubstr("--to names a folder under the server's --backup_root"));
  }
  EXPECT_FALSE(std::filesystem::exists("/etc/corridor-backup"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("../corridor-backup")));
  EXPECT_TRUE(std::filesystem::is_empty(outside.path()));

  // Into the data folder: beside the live databases, or into one.
  for (const std::string& to : {dir_.Sub("data"), dir_.Sub("data/nightly"), std::string("data")}) {
    SCOPED_TRACE(to);
    CommandResult refused =
        As("admin", *server, {"admin", "backup", "--service=routes", "--to=" + to});
    EXPECT_EQ(refused.exit_code, 4) << refused.err;
    EXPECT_THAT(refused.err, HasSubstr("folder: "));
    EXPECT_THAT(refused.err, HasSubstr("in this server's data folder"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("data/nightly")));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("data/routes/routes")));
  EXPECT_EQ(As("admin", *server, {"admin", "backup", "--service=areas", "--to=nightly"}).exit_code,
            0);
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("nightly/areas/BACKUP")));
  EXPECT_EQ(server->StopWith(SIGTERM), 0);
}

TEST_F(OperationsTest, DataAndBackupsAreReadableByTheServersUserOnly) {
  std::unique_ptr<ServerProcess> server =
      Start(dir_.Sub("data"), {"--backup_root=" + dir_.Sub("backups")});
  ASSERT_NE(server, nullptr);
  ASSERT_EQ(As("admin", *server, {"admin", "backup", "--to=nightly"}).exit_code, 0);
  ExpectOwnerOnly(dir_.Sub("data"));
  EXPECT_EQ(Mode(dir_.Sub("data/credentials/admin.token")), 0600);
  EXPECT_EQ(Mode(dir_.Sub("data/areas/journal-signing-key.pem")), 0600);
  ExpectOwnerOnly(dir_.Sub("backups"));
  EXPECT_EQ(Mode(dir_.Sub("backups/nightly/denials/BACKUP")), 0600);

  EXPECT_EQ(server->StopWith(SIGTERM), 0);
  CommandResult restore =
      RunCommand({BinaryPath("corridorctl"), "admin", "restore",
                  "--from=" + dir_.Sub("backups/nightly"), "--data-dir=" + dir_.Sub("restored")});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  for (const auto& item : std::filesystem::recursive_directory_iterator(dir_.Sub("restored"))) {
    EXPECT_EQ(Mode(item.path().string()), item.is_directory() ? 0700 : 0600) << item.path();
  }
}

TEST_F(OperationsTest, ABackupFolderWithALineBreakStaysOnItsLogLine) {
  std::unique_ptr<ServerProcess> server =
      Start(dir_.Sub("data"), {"--backup_root=" + dir_.Sub("backups")});
  ASSERT_NE(server, nullptr);
  const std::string forged = "2026-11-23T11:04:27.080Z ERROR corridord: forged";
  CommandResult backup =
      As("admin", *server, {"admin", "backup", "--service=areas", "--to=x\n" + forged + "\x1b[2J"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_EQ(server->StopWith(SIGTERM), 0);
  const std::string logs = server->Logs();
  EXPECT_THAT(logs, HasSubstr("/x\\n" + forged + "\\x1b[2J/areas started by token"));
  for (absl::string_view line : absl::StrSplit(logs, '\n')) {
    EXPECT_FALSE(absl::StartsWith(line, forged)) << "a forged log line";
    EXPECT_FALSE(absl::StrContains(line, "\x1b")) << "a raw escape in the log";
  }
}

TEST_F(OperationsTest, RestoreRefusesABackupOfAnotherServiceNamingBoth) {
  std::unique_ptr<ServerProcess> server =
      Start(dir_.Sub("data"), {"--backup_root=" + dir_.Sub("backups")});
  ASSERT_NE(server, nullptr);
  ASSERT_EQ(As("admin", *server, {"admin", "backup", "--service=denials", "--to=b"}).exit_code, 0);
  ASSERT_EQ(As("admin", *server, {"admin", "backup", "--service=areas", "--to=b"}).exit_code, 0);
  EXPECT_EQ(server->StopWith(SIGTERM), 0);
  // The denials backup, put where the convoys one would be.
  std::filesystem::rename(dir_.Sub("backups/b/denials"), dir_.Sub("backups/b/convoys"));
  for (const char* service : {"convoys", "all"}) {
    SCOPED_TRACE(service);
    CommandResult restore = RunCommand(
        {BinaryPath("corridorctl"), "admin", "restore", "--from=" + dir_.Sub("backups/b"),
         "--data-dir=" + dir_.Sub("restored"), std::string("--service=") + service});
    EXPECT_EQ(restore.exit_code, 2) << restore.err;
    EXPECT_THAT(restore.err, HasSubstr("holds a backup of the denials service, not of convoys"));
    EXPECT_THAT(restore.err, HasSubstr("Nothing was restored"));
    EXPECT_FALSE(std::filesystem::exists(dir_.Sub("restored"))) << "not even areas";
  }
}

TEST_F(OperationsTest, MetricsCountEachCallOfTheCliAndLogsNameItWithoutTheToken) {
  std::unique_ptr<ServerProcess> server =
      Start(dir_.Sub("data"), {"--metrics_listen=127.0.0.1:0",
                               "--metrics_port_file=" + dir_.Sub("metrics.port")});
  ASSERT_NE(server, nullptr);
  MakeTokens(*server);
  const std::string metrics(absl::StripAsciiWhitespace(ReadFile(dir_.Sub("metrics.port"))));
  ASSERT_FALSE(metrics.empty());

  const std::string ok = "corridor_rpc_requests_total{method=\"/corridor.v1.AreaService/GetArea\",code=\"OK\"}";
  const std::string not_found =
      "corridor_rpc_requests_total{method=\"/corridor.v1.AreaService/GetArea\",code=\"NOT_FOUND\"}";
  const std::string count = "corridor_rpc_latency_seconds_count{method=\"/corridor.v1.AreaService/GetArea\"}";
  const std::string journal = "corridor_journal_entries{service=\"routes\"}";
  std::map<std::string, double> first = corridor::testing::ScrapeMetrics(metrics);
  ASSERT_TRUE(first.count(journal)) << "the routes journal is reported";
  EXPECT_GT(first["corridor_process_resident_memory_bytes"], 1e6);
  EXPECT_TRUE(first.count("corridor_rocksdb_live_sst_bytes{service=\"denials\"}"));
  EXPECT_TRUE(first.count("corridor_outbox_backlog{service=\"convoys\"}"));

  EXPECT_EQ(As("oversight", *server, {"areas", "get", "EG-DUMA"}).exit_code, 0);
  EXPECT_EQ(As("oversight", *server, {"areas", "get", "EG-DUMA"}).exit_code, 0);
  EXPECT_EQ(As("oversight", *server, {"areas", "get", "NOWHERE"}).exit_code, 5);
  ASSERT_EQ(As("coordinator", *server,
               {"routes", "report", "castello-road", "--status=open", "--source=metrics test"})
                .exit_code,
            0);
  EXPECT_EQ(As("oversight", *server, {"health"}).exit_code, 0);

  std::map<std::string, double> second = corridor::testing::ScrapeMetrics(metrics);
  EXPECT_EQ(second[ok] - first[ok], 2);
  EXPECT_EQ(second[not_found] - first[not_found], 1);
  EXPECT_EQ(second[count] - first[count], 3);
  EXPECT_EQ(second[journal] - first[journal], 1);
  EXPECT_EQ(second["corridor_rpc_requests_total{method=\"/corridor.v1.RouteService/"
                   "ReportRouteStatus\",code=\"OK\"}"],
            1);

  const std::string logs = server->Logs();
  EXPECT_THAT(logs, HasSubstr("rpc service=AreaService method=GetArea code=NOT_FOUND latency_ms="));
  EXPECT_THAT(logs, HasSubstr("rpc service=RouteService method=ReportRouteStatus code=OK"));
  EXPECT_THAT(logs, HasSubstr("Prometheus metrics on http://" + metrics + "/metrics"));
  for (const char* role : {"coordinator", "oversight"}) {
    const std::string token(
        absl::StripAsciiWhitespace(ReadFile(dir_.Sub(std::string(role) + ".token"))));
    ASSERT_FALSE(token.empty());
    EXPECT_THAT(logs, Not(HasSubstr(token.substr(token.size() - 20)))) << "a token was logged";
  }
  EXPECT_EQ(server->StopWith(SIGTERM), 0);
}

// The layout of deploy/docker and deploy/k8s: each service its own process
// with its own data folder; the CLI reaches each through --servers.
TEST_F(OperationsTest, TheCliReachesServicesRunApartAndBacksEachUpFromItsOwnProcess) {
  auto auth = ServerProcess::Start(BinaryPath("corridor-auth"), {"--data_dir=" + dir_.Sub("data")},
                                   dir_.path());
  ASSERT_TRUE(auth.ok()) << auth.status();
  auto areas = ServerProcess::Start(
      BinaryPath("corridor-areas"),
      {"--data_dir=" + dir_.Sub("areas-data"), "--backup_root=" + dir_.Sub("backups"),
       "--service_token_file=" + dir_.Sub("data/credentials/service.token"),
       "--peers=auth=" + (*auth)->address()},
      dir_.path());
  ASSERT_TRUE(areas.ok()) << areas.status();
  const std::string servers =
      absl::StrCat("--servers=auth=", (*auth)->address(), ",areas=", (*areas)->address());
  const std::string admin = corridor::testing::AdminTokenFile(dir_.Sub("data"));
  // --server points nowhere: every call below goes where --servers says.
  CommandResult who = RunCorridorctl("127.0.0.1:1", {servers, "whoami"}, admin);
  EXPECT_EQ(who.exit_code, 0) << who.err;
  CommandResult area = RunCorridorctl("127.0.0.1:1", {servers, "areas", "get", "EG-DUMA"}, admin);
  EXPECT_EQ(area.exit_code, 0) << area.err;
  CommandResult backup = RunCorridorctl(
      "127.0.0.1:1",
      {servers, "admin", "backup", "--service=areas", "--to=" + dir_.Sub("backups/b")}, admin);
  EXPECT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("backups/b/areas/BACKUP")));
  CommandResult unreachable =
      RunCorridorctl("127.0.0.1:1", {servers, "--timeout=2", "routes", "get", "castello-road"}, admin);
  EXPECT_EQ(unreachable.exit_code, 3);
  EXPECT_THAT(unreachable.err, HasSubstr("127.0.0.1:1"));
  CommandResult malformed = RunCorridorctl("127.0.0.1:1", {"--servers=areas", "whoami"}, admin);
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_THAT(malformed.err, HasSubstr("--servers"));
}

TEST_F(OperationsTest, HealthSaysWhenNothingServes) {
  CommandResult down = RunCorridorctl("127.0.0.1:1", {"--timeout=2", "health"});
  EXPECT_EQ(down.exit_code, 3) << down.err;
}

}  // namespace
}  // namespace corridor::cli

namespace corridor::cli {
namespace {

// Key custody: with --signing_key_dir the journal signing keys live apart
// from the data (e.g. a mounted secret), so a backup of the data cannot
// sign; a journal signed with a key in its data folder is not silently
// re-keyed when the keys move; a key folder inside the data is refused.
TEST_F(OperationsTest, SigningKeysKeptApartAreNotInTheDataOrItsBackups) {
  const std::string keys = dir_.Sub("keys");
  std::unique_ptr<ServerProcess> server = Start(
      dir_.Sub("data"), {"--backup_root=" + dir_.Sub("backups"), "--signing_key_dir=" + keys});
  ASSERT_NE(server, nullptr);
  MakeTokens(*server);
  for (const char* service : {"auth", "areas", "routes", "convoys", "denials", "agreements"}) {
    EXPECT_TRUE(std::filesystem::exists(keys + "/" + service + ".pem")) << service;
    EXPECT_EQ(Mode(keys + "/" + service + ".pem"), 0600) << service;
    EXPECT_FALSE(
        std::filesystem::exists(dir_.Sub("data") + "/" + service + "/journal-signing-key.pem"))
        << service;
  }
  CommandResult key = As("oversight", *server, {"audit", "key", "--service=areas"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  ASSERT_EQ(As("admin", *server, {"admin", "backup", "--to=apart"}).exit_code, 0);
  for (const auto& item : std::filesystem::recursive_directory_iterator(dir_.Sub("backups"))) {
    EXPECT_NE(item.path().extension(), ".pem") << item.path() << ": a key in a backup";
  }
  ASSERT_EQ(server->StopWith(SIGTERM), 0);

  // The same key after a restart: the journal verifies against it.
  server = Start(dir_.Sub("data"), {"--signing_key_dir=" + keys});
  ASSERT_NE(server, nullptr);
  const std::string pinned(absl::StripTrailingAsciiWhitespace(key.out));
  CommandResult verified =
      As("oversight", *server, {"audit", "verify", "--service=areas", "--key=" + pinned});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  ASSERT_EQ(server->StopWith(SIGTERM), 0);

  // The data without its key: refused, not silently re-keyed.
  auto without_key = ServerProcess::Start(
      BinaryPath("corridord"),
      {"--data_dir=" + dir_.Sub("data"), "--signing_key_dir=" + dir_.Sub("empty-keys")},
      dir_.path());
  ASSERT_FALSE(without_key.ok());
  EXPECT_THAT(std::string(without_key.status().message()),
              HasSubstr("entries but its signing key is not at"));

  // Keys inside the data folder or the backup root are refused.
  auto on_backups = ServerProcess::Start(
      BinaryPath("corridord"),
      {"--data_dir=" + dir_.Sub("data"), "--backup_root=" + dir_.Sub("backups"),
       "--signing_key_dir=" + dir_.Sub("backups") + "/keys"},
      dir_.path());
  ASSERT_FALSE(on_backups.ok());
  auto inside = ServerProcess::Start(
      BinaryPath("corridord"),
      {"--data_dir=" + dir_.Sub("data"), "--signing_key_dir=" + dir_.Sub("data") + "/keys"},
      dir_.path());
  ASSERT_FALSE(inside.ok());
  EXPECT_THAT(std::string(inside.status().message()), HasSubstr("lies inside the data folder"));
}

TEST_F(OperationsTest, AJournalSignedWithAKeyInItsDataIsNotReKeyedWhenKeysMove) {
  std::unique_ptr<ServerProcess> server = Start(dir_.Sub("data"));
  ASSERT_NE(server, nullptr);
  ASSERT_EQ(server->StopWith(SIGTERM), 0);
  auto moved = ServerProcess::Start(
      BinaryPath("corridord"),
      {"--data_dir=" + dir_.Sub("data"), "--signing_key_dir=" + dir_.Sub("keys")}, dir_.path());
  ASSERT_FALSE(moved.ok());
  EXPECT_THAT(std::string(moved.status().message()), HasSubstr("move it there (mv "));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("keys") + "/auth.pem"))
      << "no new key was made in its place";
}

}  // namespace
}  // namespace corridor::cli
