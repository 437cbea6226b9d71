#include "clients/corridorctl/report_access.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/enum_text.h"
#include "common/validation.h"
#include "corridor/v1/convoys.grpc.pb.h"

namespace corridor::cli {
namespace {

using Stub = v1::ConvoyService::Stub;

// "72.5%" (one decimal: the UN's reports quote shares of people so);
// empty when there is no whole to share.
std::string PercentOf(std::optional<double> share, int decimals) {
  if (!share) return "";
  return absl::StrFormat("%.*f%%", decimals, 100 * *share);
}

std::optional<double> Share(int64_t part, int64_t whole) {
  if (whole <= 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

std::string LostText(const google::protobuf::RepeatedPtrField<v1::ItemsLost>& items) {
  std::vector<std::string> lost;
  for (const v1::ItemsLost& l : items) {
    lost.push_back(absl::StrCat(EnumTextOf("CARGO_CATEGORY_", l.category()), " ",
                                absl::StrFormat("%g", l.removed() + l.refused()), " ", l.unit()));
  }
  return absl::StrJoin(lost, "; ");
}

std::string NameOf(const v1::AreaAccess& r) {
  if (r.member_area_ids().empty()) return r.area_name();
  return absl::StrCat(r.area_name(), " [+", r.member_area_ids_size(), " member areas]");
}

Grid AccessGrid(const std::vector<v1::AreaAccess>& rows) {
  Grid grid;
  grid.header = {"AREA",
                 "NAME",
                 "STATUS",
                 "IN NEED",
                 "REQUESTS",
                 "APPROVED",
                 "DENIED",
                 "DELIVERED",
                 "PEOPLE REQ",
                 "PEOPLE APPR",
                 "PEOPLE REACHED",
                 "% PEOPLE REACHED",
                 "% CONVOYS DELIV",
                 "LAST DELIVERY",
                 "DAYS SINCE",
                 "ITEMS LOST",
                 "EVACUATED"};
  for (const v1::AreaAccess& r : rows) {
    grid.rows.push_back(
        {r.area_id(), NameOf(r), EnumTextOf("AREA_STATUS_", r.area_status()),
         r.has_people_in_need() ? WithThousands(r.people_in_need()) : "",
         absl::StrCat(r.requests()), absl::StrCat(r.approved()), absl::StrCat(r.denied()),
         absl::StrCat(r.delivered()), WithThousands(r.beneficiaries_requested()),
         WithThousands(r.beneficiaries_approved()), WithThousands(r.beneficiaries_reached()),
         PercentOf(Share(r.beneficiaries_reached(), r.beneficiaries_requested()), 1),
         PercentOf(
             r.has_share_delivered() ? std::optional<double>(r.share_delivered()) : std::nullopt,
             0),
         r.has_last_delivery() ? DateText(r.last_delivery()) : "never",
         r.has_days_since_last_delivery() ? absl::StrCat(r.days_since_last_delivery()) : "",
         LostText(r.items_lost()),
         r.evacuations().requests() == 0
             ? ""
             : absl::StrCat(WithThousands(r.evacuations().people_reached()), " of ",
                            WithThousands(r.evacuations().people_requested()))});
  }
  return grid;
}

void AddTotals(const std::string& group, const std::string& areas, const v1::AccessTotals& t,
               Grid* grid) {
  grid->rows.push_back(
      {group, areas, absl::StrCat(t.requests()), absl::StrCat(t.pending()),
       absl::StrCat(t.approved()), absl::StrCat(t.denied()), absl::StrCat(t.delivered()),
       absl::StrCat(t.cancelled()), WithThousands(t.people_requested()),
       WithThousands(t.people_approved()), WithThousands(t.people_reached()),
       PercentOf(t.has_share_people_reached() ? std::optional<double>(t.share_people_reached())
                                              : std::nullopt,
                 1),
       LostText(t.items_lost())});
}

}  // namespace

Grid AccessTotalsGrid(const v1::AccessReport& report) {
  Grid grid;
  grid.header = {"TOTALS",           "AREAS",           "REQUESTS",       "PENDING",
                 "APPROVED",         "DENIED",          "DELIVERED",      "CANCELLED",
                 "PEOPLE REQUESTED", "PEOPLE APPROVED", "PEOPLE REACHED", "% PEOPLE REACHED",
                 "ITEMS LOST"};
  int64_t areas = 0;
  for (const v1::StatusTotals& s : report.by_area_status()) areas += s.areas();
  AddTotals("all aid deliveries", absl::StrCat(areas), report.totals(), &grid);
  for (const v1::StatusTotals& s : report.by_area_status()) {
    const std::string group = s.area_status() == v1::AREA_STATUS_UNSPECIFIED
                                  ? "other statuses"
                                  : EnumTextOf("AREA_STATUS_", s.area_status());
    AddTotals(absl::StrCat("  ", group), absl::StrCat(s.areas()), s.totals(), &grid);
  }
  for (const v1::ModeTotals& m : report.by_mode()) {
    const std::string mode = m.mode() == v1::DELIVERY_MODE_UNSPECIFIED
                                 ? "mode not recorded"
                                 : EnumTextOf("DELIVERY_MODE_", m.mode());
    AddTotals(absl::StrCat("  by ", mode), "", m.totals(), &grid);
  }
  AddTotals("medical evacuations", "", report.evacuations(), &grid);
  return grid;
}

int ReportAccess(Session& session, Flags& flags, const Args& args) {
  v1::GetAccessReportRequest request;
  bool present = false;
  absl::Status parsed =
      ExpectArgs(args, 0, "report access takes flags only: --from=YYYY-MM-DD --to=YYYY-MM-DD");
  if (parsed.ok()) parsed = flags.TakeDate("from", true, request.mutable_from(), &present);
  if (parsed.ok()) parsed = flags.TakeDate("to", true, request.mutable_to(), &present);
  for (absl::string_view id : absl::StrSplit(flags.Take("area"), ',', absl::SkipEmpty())) {
    request.add_area_ids(std::string(id));
  }
  if (parsed.ok()) parsed = flags.CheckAllUsed("report access");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::ConvoyService::NewStub(session.ChannelFor("convoys"));
  return session.Invoke<Stub, v1::GetAccessReportRequest, v1::AccessReport>(
      *stub, request, &Stub::GetAccessReport, [&](const v1::AccessReport& report) {
        if (session.format() == OutputFormat::kJson) {
          PrintJson(report, session.out());
          return;
        }
        // Areas no convoy reached come first: they are what the report is for.
        std::vector<v1::AreaAccess> rows(report.areas().begin(), report.areas().end());
        std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
          return a.not_reached() > b.not_reached();
        });
        if (session.format() == OutputFormat::kCsv) {
          PrintCsv(AccessGrid(rows), session.out());
          return;
        }
        PrintTable(AccessGrid(rows), session.out(), 40);
        session.out() << "\nTotals " << DateText(report.from()) << " to " << DateText(report.to())
                      << " (each request once, in the period of its planned date; an enclave's "
                         "row is not added to its members):\n";
        PrintTable(AccessTotalsGrid(report), session.out(), 60);
        const auto not_reached =
            std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.not_reached(); });
        session.err() << "access " << DateText(report.from()) << " to " << DateText(report.to())
                      << ": " << not_reached << " of " << rows.size()
                      << " areas had no delivery from a convoy planned in the period; "
                      << "% PEOPLE REACHED is people reached of people requested, "
                      << "% CONVOYS DELIV counts convoys\n"
                      << "taken at convoys journal entry " << report.journal_tree_size()
                      << " (check: corridorctl audit verify --service=convoys)\n";
      });
}

}  // namespace corridor::cli
