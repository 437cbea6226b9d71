#include "clients/corridorctl/admin_commands.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "common/credentials.h"
#include "common/enum_text.h"
#include "common/service_catalog.h"
#include "common/status.h"
#include "corridor/v1/auth.grpc.pb.h"

namespace corridor::cli {
namespace {

using Stub = v1::TokenService::Stub;
constexpr char kRolePrefix[] = "ROLE_";

std::string RoleText(v1::Role role) { return EnumTextOf(kRolePrefix, role); }

Grid TokensGrid(const std::vector<v1::TokenInfo>& tokens) {
  Grid grid;
  grid.header = {"ID", "ROLE", "AGENCY", "NAME", "CREATED", "CREATED BY", "REVOKED"};
  for (const v1::TokenInfo& t : tokens) {
    grid.rows.push_back({t.id(), RoleText(t.role()), t.agency(), t.name(), TimeText(t.created_at()),
                         t.created_by().name(),
                         t.revoked() ? absl::StrCat(TimeText(t.revoked_at()), " by ",
                                                    t.revoked_by().name(), ": ", t.revoke_reason())
                                     : ""});
  }
  return grid;
}

void PrintTokens(Session& session, const std::vector<v1::TokenInfo>& tokens,
                 const google::protobuf::Message& raw) {
  PrintResult(session.format(), raw, TokensGrid(tokens), session.out(), 80);
}

absl::StatusOr<v1::CreateTokenRequest> ParseCreate(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(ExpectArgs(args, 0,
                                      "admin token create takes flags only, e.g. "
                                      "--role=partner --agency=UNICEF --name=unicef-feed"));
  v1::CreateTokenRequest request;
  if (!flags.Has("role")) {
    return absl::InvalidArgumentError(
        "--role is required: coordinator, partner, oversight, admin or service");
  }
  absl::StatusOr<v1::Role> role = ParseEnumAs<v1::Role>(kRolePrefix, "--role", flags.Take("role"));
  if (!role.ok()) return role.status();
  request.set_role(*role);
  request.set_agency(flags.Take("agency"));
  request.set_name(flags.Take("name"));
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("admin token create"));
  return request;
}

int TokenCreate(Session& session, Flags& flags, const Args& args, Stub& stub) {
  const std::string out = flags.Take("out");
  struct stat existing;
  if (!out.empty() && ::lstat(out.c_str(), &existing) == 0) {
    // Checked before the token is made: a file overwritten would lose the
    // token it holds, which stays valid until revoked.
    return session.UsageFailure(absl::StrCat(
        "--out: ", out,
        " exists already; a token it holds would be lost but stay valid. Choose another file, "
        "or revoke that token (corridorctl admin token list) and remove the file first"));
  }
  int saved = kExitOk;
  const int code = session.Invoke<Stub, v1::CreateTokenRequest, v1::CreateTokenResponse>(
      stub, ParseCreate(flags, args), &Stub::CreateToken,
      [&](const v1::CreateTokenResponse& created) {
        if (!out.empty()) {
          absl::Status written = WriteTokenFile(out, created.token());
          if (!written.ok()) {
            session.err() << "corridorctl: token " << created.info().id()
                          << " was created but not saved: " << written.message()
                          << "\nRevoke it with: corridorctl admin token revoke "
                          << created.info().id() << " --reason=\"not saved\"\n";
            saved = kExitError;
            return;
          }
          session.out() << "Saved " << RoleText(created.info().role()) << " token "
                        << created.info().id() << " in " << out
                        << " (readable only by you). Use it with CORRIDOR_TOKEN_FILE=" << out
                        << "\n";
          return;
        }
        if (session.format() == OutputFormat::kJson) {
          PrintJson(created, session.out());
          return;
        }
        // The token alone on stdout, so that `> file` saves just the token;
        // the explanation goes to stderr.
        session.out() << created.token() << "\n";
        session.err() << "Created " << RoleText(created.info().role()) << " token "
                      << created.info().id() << " (\"" << created.info().name() << "\""
                      << (created.info().agency().empty()
                              ? ""
                              : absl::StrCat(", agency ", created.info().agency()))
                      << "). This is the only time it is shown: save it in a file readable only "
                         "by its holder (chmod 600), and use it with CORRIDOR_TOKEN_FILE=<file>; "
                         "or create it with --out=FILE, which does that.\n";
      });
  return code != kExitOk ? code : saved;
}

int TokenList(Session& session, Flags& flags, const Args& args, Stub& stub) {
  absl::Status parsed = ExpectArgs(args, 0, "admin token list takes [--all] only");
  v1::ListTokensRequest request;
  request.set_include_revoked(flags.Has("all") && flags.Take("all") != "false");
  if (parsed.ok()) parsed = flags.CheckAllUsed("admin token list");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  v1::ListTokensResponse all;
  const int code =
      session.ListPages(stub, &Stub::ListTokens, request, /*limit=*/0, /*one_page=*/false,
                        &v1::ListTokensResponse::mutable_tokens, &all);
  if (code != kExitOk) return code;
  PrintTokens(session, {all.tokens().begin(), all.tokens().end()}, all);
  return kExitOk;
}

absl::StatusOr<v1::RevokeTokenRequest> ParseRevoke(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(
      ExpectArgs(args, 1, "admin token revoke takes one token id (tk-..., see admin token list)"));
  v1::RevokeTokenRequest request;
  request.set_id(args[0]);
  std::string reason;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("reason", "\"laptop lost\"", &reason));
  request.set_reason(reason);
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("admin token revoke"));
  return request;
}

}  // namespace

int RunAdminCommand(Session& session, Flags& flags, const std::vector<std::string>& words) {
  if (words.size() < 3 || words[1] != "token") {
    return session.UsageFailure(
        "admin commands: admin token create|list|revoke, admin backup, admin restore; see "
        "corridorctl help");
  }
  const Args args(words.begin() + 3, words.end());
  auto stub = v1::TokenService::NewStub(session.ChannelFor(kAuthService));
  if (words[2] == "create") return TokenCreate(session, flags, args, *stub);
  if (words[2] == "list") return TokenList(session, flags, args, *stub);
  if (words[2] == "revoke") {
    return session.Invoke<Stub, v1::RevokeTokenRequest, v1::TokenInfo>(
        *stub, ParseRevoke(flags, args), &Stub::RevokeToken,
        [&](const v1::TokenInfo& token) { PrintTokens(session, {token}, token); });
  }
  return session.UsageFailure(
      absl::StrCat("unknown command \"admin token ", words[2], "\"; it is create, list or revoke"));
}

int RunWhoAmICommand(Session& session, Flags& flags, const std::vector<std::string>& words) {
  absl::Status parsed = words.size() == 1 ? flags.CheckAllUsed("whoami")
                                          : absl::InvalidArgumentError("whoami takes nothing");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::TokenService::NewStub(session.ChannelFor(kAuthService));
  return session.Invoke<Stub, v1::WhoAmIRequest, v1::TokenInfo>(
      *stub, v1::WhoAmIRequest(), &Stub::WhoAmI,
      [&](const v1::TokenInfo& token) { PrintTokens(session, {token}, token); });
}

}  // namespace corridor::cli
