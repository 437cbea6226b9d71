// TLS and mutual TLS end to end: certificates made in the test with Debian's
// openssl, a real corridord serving with them (and calling its own
// services over TLS), and the real corridorctl as a client with the right
// CA, the wrong CA, and without the client certificate mutual TLS requires.
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

constexpr char kOpenssl[] = "/usr/bin/openssl";

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeCa("ca");
    MakeCa("other-ca");
    MakeCertificate("server", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    MakeCertificate("client", "ca", "extendedKeyUsage=clientAuth");
  }

  void Run(const std::vector<std::string>& argv) {
    CommandResult result = RunCommand(argv);
    ASSERT_EQ(result.exit_code, 0) << argv[1] << ": " << result.err;
  }

  std::string Pem(const std::string& name) const { return dir_.Sub(name + ".pem"); }
  std::string Key(const std::string& name) const { return dir_.Sub(name + ".key"); }

  void MakeCa(const std::string& name) {
    Run({kOpenssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", Key(name), "-out", Pem(name), "-days", "2", "-subj",
         "/CN=Corridor test " + name});
  }

  void MakeCertificate(const std::string& name, const std::string& ca,
                       const std::string& extension) {
    const std::string csr = dir_.Sub(name + ".csr"), ext = dir_.Sub(name + ".ext");
    std::ofstream(ext) << extension << "\n";
    Run({kOpenssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", Key(name), "-out", csr, "-subj", "/CN=" + name});
    Run({kOpenssl, "x509", "-req", "-in", csr, "-CA", Pem(ca), "-CAkey", Key(ca), "-CAcreateserial",
         "-out", Pem(name), "-days", "2", "-extfile", ext});
  }

  // corridord on TLS; with `mutual`, clients must show a certificate.
  void StartServer(bool mutual) {
    std::vector<std::string> args = {"--data_dir=" + dir_.Sub("data"),
                                     "--tls_cert=" + Pem("server"), "--tls_key=" + Key("server"),
                                     "--tls_ca=" + Pem("ca")};
    if (mutual) args.push_back("--tls_require_client_cert");
    auto server = ServerProcess::Start(BinaryPath("corridord"), args, dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  CommandResult Ctl(std::vector<std::string> tls, std::vector<std::string> args,
                    const std::string& token_file = "") {
    args.insert(args.begin(), tls.begin(), tls.end());
    return RunCorridorctl(
        server_->address(), args,
        token_file.empty() ? testing::AdminTokenFile(dir_.Sub("data")) : token_file);
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(TlsTest, ClientsMustTrustTheServersCa) {
  StartServer(/*mutual=*/false);
  const std::vector<std::string> tls = {"--tls-ca=" + Pem("ca")};
  CommandResult ok = Ctl(tls, {"areas", "get", "EG-DUMA"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("EG-DUMA"));

  // A denial makes the denials service call the areas service: over TLS too.
  CommandResult token = Ctl(tls, {"admin", "token", "create", "--role=coordinator"});
  ASSERT_EQ(token.exit_code, 0) << token.err;
  std::ofstream(dir_.Sub("coordinator.token")) << token.out;
  CommandResult recorded =
      Ctl(tls,
          {"denials", "record", "--party=ISIS", "--area=EG-DUMA", "--category=1",
           "--description=held at the checkpoint", "--source=TLS test", "--at=2016-09-01"},
          dir_.Sub("coordinator.token"));
  EXPECT_EQ(recorded.exit_code, 0) << recorded.err;

  CommandResult wrong_ca = Ctl({"--tls-ca=" + Pem("other-ca")}, {"areas", "get", "EG-DUMA"});
  EXPECT_EQ(wrong_ca.exit_code, 3) << wrong_ca.err;
  EXPECT_THAT(wrong_ca.out, ::testing::Not(HasSubstr("EG-DUMA")));
  CommandResult plaintext = Ctl({}, {"areas", "get", "EG-DUMA"});
  EXPECT_EQ(plaintext.exit_code, 3) << plaintext.err;
}

TEST_F(TlsTest, MutualTlsRefusesClientsWithoutACertificate) {
  StartServer(/*mutual=*/true);
  const std::vector<std::string> with_certificate = {
      "--tls-ca=" + Pem("ca"), "--tls-cert=" + Pem("client"), "--tls-key=" + Key("client")};
  CommandResult ok = Ctl(with_certificate, {"whoami"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("first-admin"));

  CommandResult without = Ctl({"--tls-ca=" + Pem("ca")}, {"whoami"});
  EXPECT_EQ(without.exit_code, 3) << without.err;
  // A client certificate from another CA is no better than none.
  CommandResult other = Ctl(
      {"--tls-ca=" + Pem("ca"), "--tls-cert=" + Pem("other-ca"), "--tls-key=" + Key("other-ca")},
      {"whoami"});
  EXPECT_EQ(other.exit_code, 3) << other.err;
}

TEST_F(TlsTest, ABadTlsFlagIsRefusedInPlainWords) {
  CommandResult no_ca =
      RunCommand({BinaryPath("corridord"), "--data_dir=" + dir_.Sub("data"), "--listen=127.0.0.1:0",
                  "--tls_cert=" + Pem("server"), "--tls_key=" + Key("server")});
  EXPECT_EQ(no_ca.exit_code, 2);
  EXPECT_THAT(no_ca.err, HasSubstr("--tls_cert needs --tls_ca"));
  CommandResult missing = RunCorridorctl("127.0.0.1:1", {"--tls-ca=/nonexistent.pem", "whoami"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("cannot read the TLS CA file \"/nonexistent.pem\""));
}

}  // namespace
}  // namespace corridor
