#include "clients/corridorctl/parties_commands.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "corridor/v1/parties.grpc.pb.h"

namespace corridor::cli {
namespace {

using Stub = v1::PartyService::Stub;

Grid PartiesGrid(const std::vector<v1::Party>& parties, bool full) {
  Grid grid;
  grid.header = {"ID", "NAME", "NAME_AR", "COALITION", "ALIASES"};
  if (full) grid.header.insert(grid.header.end(), {"NOTE", "VERSION"});
  for (const v1::Party& party : parties) {
    std::vector<std::string> row = {party.id(), party.name(), party.name_ar(), party.coalition_id(),
                                    absl::StrJoin(party.aliases(), " | ")};
    if (full) {
      row.push_back(party.note());
      row.push_back(absl::StrCat(party.version()));
    }
    grid.rows.push_back(std::move(row));
  }
  return grid;
}

Grid PartyDetailGrid(const v1::Party& party) {
  Grid grid;
  grid.header = {"FIELD", "VALUE"};
  auto add = [&](const std::string& field, const std::string& value) {
    if (!value.empty()) grid.rows.push_back({field, value});
  };
  add("id", party.id());
  add("name", party.name());
  add("name (Arabic)", party.name_ar());
  add("coalition", party.coalition_id());
  for (const std::string& alias : party.aliases()) add("also written", alias);
  add("note", party.note());
  add("version", absl::StrCat(party.version()));
  return grid;
}

void PrintParty(Session& session, const v1::Party& party) {
  const Grid csv = PartiesGrid({party}, true);
  ListNotes notes;
  notes.max_cell = 200;
  notes.csv = &csv;
  PrintList(session.format(), party, PartyDetailGrid(party), notes, session.out(), session.err());
}

int PartiesList(Session& session, Flags& flags, const Args& args) {
  v1::ListPartiesRequest request;
  absl::Status parsed = ExpectArgs(args, 0, "parties list takes no arguments");
  if (parsed.ok()) parsed = flags.CheckAllUsed("parties list");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::PartyService::NewStub(session.ChannelFor("areas"));
  v1::ListPartiesResponse all;
  const int code =
      session.ListPages(*stub, &Stub::ListParties, request, /*limit=*/0,
                        /*one_page=*/false, &v1::ListPartiesResponse::mutable_parties, &all);
  if (code != kExitOk) return code;
  const std::vector<v1::Party> parties(all.parties().begin(), all.parties().end());
  const Grid csv = PartiesGrid(parties, true);
  ListNotes notes;
  notes.one = "party";
  notes.many = "parties";
  notes.max_cell = 90;
  notes.csv = &csv;
  PrintList(session.format(), all, PartiesGrid(parties, false), notes, session.out(),
            session.err());
  return kExitOk;
}

// Prints the party the text names; if none, the closest names, and exits
// with kExitNotFound.
int PartiesResolve(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(
      args, 1, "parties resolve takes one text in quotes, e.g. parties resolve \"Syrian army\"");
  if (parsed.ok()) parsed = flags.CheckAllUsed("parties resolve");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  v1::ResolvePartyRequest request;
  request.set_text(args[0]);
  auto stub = v1::PartyService::NewStub(session.ChannelFor("areas"));
  int code = kExitOk;
  const int called = session.Invoke<Stub, v1::ResolvePartyRequest, v1::ResolvePartyResponse>(
      *stub, request, &Stub::ResolveParty, [&](const v1::ResolvePartyResponse& response) {
        if (session.format() == OutputFormat::kJson) {
          PrintJson(response, session.out());
        } else if (response.has_party()) {
          PrintParty(session, response.party());
        }
        if (response.has_party()) return;
        code = kExitNotFound;
        std::vector<std::string> closest;
        for (const v1::Party& party : response.closest()) {
          closest.push_back(absl::StrCat(party.name(), " (", party.id(), ")"));
        }
        session.err() << "no party of the registry is called \"" << args[0] << "\""
                      << (closest.empty() ? "" : "; the closest: ") << absl::StrJoin(closest, ", ")
                      << ". An admin adds a spelling with corridorctl parties alias ID \""
                      << args[0] << "\"\n";
      });
  return called != kExitOk ? called : code;
}

absl::StatusOr<v1::CreatePartyRequest> ParseCreate(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(
      ExpectArgs(args, 0, "parties create takes flags only (--id=... --name=...)"));
  v1::CreatePartyRequest request;
  v1::Party* party = request.mutable_party();
  party->set_id(flags.Take("id"));
  party->set_name(flags.Take("name"));
  party->set_name_ar(flags.Take("name-ar"));
  party->set_coalition_id(flags.Take("coalition"));
  for (absl::string_view alias :
       absl::StrSplit(flags.Take("aliases"), '|', absl::SkipWhitespace())) {
    party->add_aliases(std::string(absl::StripAsciiWhitespace(alias)));
  }
  party->set_note(flags.Take("note"));
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("parties create"));
  return request;
}

absl::StatusOr<v1::AddPartyAliasesRequest> ParseAlias(Flags& flags, const Args& args) {
  if (args.size() < 2) {
    return absl::InvalidArgumentError(
        "parties alias takes a party id and one or more spellings, e.g. parties alias "
        "syrian-government \"Syrian Arab Army\"");
  }
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("parties alias"));
  v1::AddPartyAliasesRequest request;
  request.set_id(args[0]);
  for (size_t i = 1; i < args.size(); ++i) request.add_aliases(args[i]);
  return request;
}

}  // namespace

int RunPartiesCommand(Session& session, Flags& flags, const std::string& verb, const Args& args) {
  auto stub = v1::PartyService::NewStub(session.ChannelFor("areas"));
  auto print_party = std::function<void(const v1::Party&)>(
      [&](const v1::Party& party) { PrintParty(session, party); });
  if (verb == "list") return PartiesList(session, flags, args);
  if (verb == "get") {
    absl::Status parsed = ExpectArgs(args, 1, "parties get takes one party id");
    if (parsed.ok()) parsed = flags.CheckAllUsed("parties get");
    if (!parsed.ok()) return session.UsageFailure(parsed.message());
    v1::GetPartyRequest request;
    request.set_id(args[0]);
    return session.Invoke(*stub, absl::StatusOr<v1::GetPartyRequest>(request), &Stub::GetParty,
                          print_party);
  }
  if (verb == "resolve") return PartiesResolve(session, flags, args);
  if (verb == "create")
    return session.Invoke(*stub, ParseCreate(flags, args), &Stub::CreateParty, print_party);
  if (verb == "alias") {
    return session.Invoke(*stub, ParseAlias(flags, args), &Stub::AddPartyAliases, print_party);
  }
  return session.UsageFailure(absl::StrCat("unknown command \"parties ", verb,
                                           "\"; one of list, get, resolve, create, alias"));
}

}  // namespace corridor::cli
