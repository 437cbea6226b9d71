#include "clients/corridorctl/exchange_commands.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "clients/corridorctl/convoys_commands.h"
#include "clients/corridorctl/denials_commands.h"
#include "clients/corridorctl/import_rows.h"
#include "clients/corridorctl/incidents_commands.h"
#include "clients/exports/record_source.h"
#include "clients/exports/sheets.h"
#include "clients/exports/writers.h"
#include "clients/imports/import_stream.h"
#include "common/csv.h"
#include "common/enum_text.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "corridor/v1/areas.grpc.pb.h"
#include "corridor/v1/convoys.grpc.pb.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "corridor/v1/incidents.grpc.pb.h"

namespace corridor::cli {
namespace {

// ------------------------------------------------------------------ import

// Whether a record with this id is stored already (from an earlier run of
// the file): ids derive from idempotency keys (common/ids.h).
template <typename Stub, typename Request, typename Response>
bool Exists(Session& session, Stub& stub,
            grpc::Status (Stub::*get)(grpc::ClientContext*, const Request&, Response*),
            const std::string& id) {
  grpc::ClientContext context;
  session.Prepare(&context);
  Request request;
  request.set_id(id);
  Response response;
  return (stub.*get)(&context, request, &response).ok();
}

// The text of the file at `path` ("-": standard input).
absl::StatusOr<std::string> ReadImportText(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot read ", path, "; check the path"));
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// What an import run has done so far, and how it says so.
struct ImportTally {
  int64_t stored = 0;
  int64_t already = 0;
  std::vector<std::pair<int64_t, std::string>> refused;  // line, why

  // "1,000 of 5,000 rows (900 new, 90 already stored, 10 refused)".
  std::string Progress(int64_t done, int64_t total) const {
    return absl::StrCat(WithThousands(done), " of ", WithThousands(total), " rows (",
                        WithThousands(stored), " new, ", WithThousands(already),
                        " already stored, ", refused.size(), " refused)");
  }

  // Prints each refused line, in line order, and the closing tally of the
  // file's `rows`; the exit code.
  int Finish(Session& session, const std::string& kind, const std::string& path, int64_t rows) {
    std::stable_sort(refused.begin(), refused.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [line, problem] : refused) {
      session.err() << path << ": line " << line << ": " << problem << "\n";
    }
    session.err() << "import " << kind << ": " << WithThousands(rows)
                  << (rows == 1 ? " row: " : " rows: ") << WithThousands(stored) << " new, "
                  << WithThousands(already) << " already stored, " << refused.size() << " refused"
                  << (refused.empty() ? "" : " (fix those lines and re-run the same file)") << "\n";
    return refused.empty() ? kExitOk : kExitRejected;
  }
};

// Row `r` of `file` has as many fields as the header, or INVALID_ARGUMENT
// saying how many it has.
absl::Status CheckFieldCount(const ImportFile& file, size_t r) {
  if (file.rows[r].size() == file.header.size()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("has ", file.rows[r].size(), " fields but the header has ", file.header.size()));
}

// One run of `import incidents FILE`: stores the rows one at a time and
// tallies what became of them. (Denials and convoys go over their
// services' import streams: StreamImporter.)
class Importer {
 public:
  Importer(Session& session, std::string kind, std::string path)
      : session_(session),
        kind_(std::move(kind)),
        path_(std::move(path)),
        incidents_(v1::IncidentService::NewStub(session.ChannelFor("incidents"))),
        progress_(session, "import " + kind_) {}

  // Stores row `r`, or notes why not. kExitOk unless the run must stop.
  int Row(const ImportFile& file, size_t r);
  // Prints the refused lines and the tally; the exit code.
  int Finish() { return tally_.Finish(session_, kind_, path_, rows_); }

 private:
  // Sends one row's request: the call's status, or OK with `*problem` set
  // when the row is refused before sending.
  grpc::Status Store(const ImportRow& row, bool* is_new, std::string* problem);

  Session& session_;
  const std::string kind_, path_;
  std::unique_ptr<v1::IncidentService::Stub> incidents_;
  Progress progress_;
  int rows_ = 0, total_ = 0;
  ImportTally tally_;
};

grpc::Status Importer::Store(const ImportRow& row, bool* is_new, std::string* problem) {
  grpc::ClientContext context;
  session_.Prepare(&context);
  absl::StatusOr<v1::RecordIncidentRequest> request = IncidentFromRow(row);
  if (!request.ok()) {
    *problem = std::string(request.status().message());
    return grpc::Status::OK;
  }
  *is_new = !Exists(session_, *incidents_, &v1::IncidentService::Stub::GetIncident,
                    IncidentIdFor(request->idempotency_key()));
  v1::Incident incident;
  return incidents_->RecordIncident(&context, *request, &incident);
}

int Importer::Row(const ImportFile& file, size_t r) {
  const int line = file.lines[r];
  const std::vector<std::string>& cells = file.rows[r];
  total_ = static_cast<int>(file.rows.size());
  ++rows_;
  auto refuse = [&](absl::string_view problem) {
    tally_.refused.emplace_back(line, std::string(problem));
    return kExitOk;
  };
  if (absl::Status count = CheckFieldCount(file, r); !count.ok()) return refuse(count.message());
  bool is_new = false;
  std::string problem;
  const grpc::Status status = Store(ImportRow(file.header, cells), &is_new, &problem);
  if (!problem.empty()) return refuse(problem);
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
      status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    // Every row would be refused the same way: say so once.
    session_.err() << "import " << kind_ << ": stopped at line " << line
                   << "; nothing more can be stored with this token\n";
    return session_.Fail(status);
  }
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    session_.err() << "import " << kind_ << ": stopped at line " << line << " after "
                   << tally_.stored
                   << " new rows; re-run the same file once the server is "
                      "back: rows already stored are not stored twice\n";
    return session_.Fail(status);
  }
  if (!status.ok()) return refuse(status.error_message());
  ++(is_new ? tally_.stored : tally_.already);
  progress_.Update(tally_.Progress(rows_, total_));
  return kExitOk;
}

// One run of `import denials|convoys FILE` over the service's import
// stream (ImportDenials, ImportConvoys): rows go in requests of
// imports::kRowsPerRequest, each stored in one synced write, and the tally
// grows with each answer.
class StreamImporter {
 public:
  StreamImporter(Session& session, std::string kind, std::string path, const ImportFile& file)
      : session_(session),
        kind_(std::move(kind)),
        path_(std::move(path)),
        file_(file),
        progress_(session, "import " + kind_) {}

  int Run() {
    // An import runs as long as its file takes; each row's checks have
    // their own time limit on the server.
    auto prepare = [this](grpc::ClientContext* context) {
      session_.Prepare(context);
      context->set_deadline(std::chrono::system_clock::time_point::max());
    };
    const grpc::Status status =
        kind_ == "denials" ? Send<v1::ImportDenialsRequest>(
                                 [&](grpc::ClientContext* context) {
                                   prepare(context);
                                   return v1::DenialService::NewStub(session_.ChannelFor("denials"))
                                       ->ImportDenials(context);
                                 },
                                 [](const ImportRow& row, const std::string&,
                                    v1::ImportDenialsRequest* request) -> absl::Status {
                                   CORRIDOR_ASSIGN_OR_RETURN(*request->add_rows()->mutable_denial(),
                                                             DenialFromRow(row));
                                   return absl::OkStatus();
                                 })
                           : Send<v1::ImportConvoysRequest>(
                                 [&](grpc::ClientContext* context) {
                                   prepare(context);
                                   return v1::ConvoyService::NewStub(session_.ChannelFor("convoys"))
                                       ->ImportConvoys(context);
                                 },
                                 [](const ImportRow& row, const std::string& note,
                                    v1::ImportConvoysRequest* request) -> absl::Status {
                                   CORRIDOR_ASSIGN_OR_RETURN(*request->add_rows()->mutable_convoy(),
                                                             ImportConvoyFromRow(row, note));
                                   return absl::OkStatus();
                                 });
    return Finish(status);
  }

 private:
  // Adds one row to a request; INVALID_ARGUMENT naming the column if it
  // cannot be read.
  template <typename Request>
  using AddRow =
      std::function<absl::Status(const ImportRow& row, const std::string& note, Request* request)>;

  template <typename Request>
  using Stream = grpc::ClientReaderWriterInterface<Request, v1::ImportBatchResponse>;

  template <typename Request>
  grpc::Status Send(
      const std::function<std::unique_ptr<Stream<Request>>(grpc::ClientContext*)>& open,
      const AddRow<Request>& add_row) {
    size_t next_row = 0;
    auto next = [&](Request* request) {
      size_t bytes = 0;
      while (next_row < file_.rows.size() && request->rows_size() < imports::kRowsPerRequest &&
             bytes < imports::kBytesPerRequest) {
        const size_t r = next_row++;
        const int line = file_.lines[r];
        absl::Status added = CheckFieldCount(file_, r);
        if (added.ok()) {
          added = add_row(ImportRow(file_.header, file_.rows[r]),
                          absl::StrCat("imported from ", path_, " line ", line), request);
        }
        if (added.ok()) {
          auto* row = request->mutable_rows(request->rows_size() - 1);
          row->set_line(line);
          bytes += row->ByteSizeLong();
        } else {
          Refuse(line, std::string(added.message()));
        }
      }
      return request->rows_size() > 0;
    };
    return imports::SendImportInParallel<Request>(
        imports::kImportStreams, open, next,
        [&](const v1::ImportBatchResponse& answer, int rows) { Answered(answer, rows); });
  }

  void Refuse(int64_t line, std::string problem) {
    absl::MutexLock lock(&mu_);
    tally_.refused.emplace_back(line, std::move(problem));
    ++unsendable_;
  }

  void Answered(const v1::ImportBatchResponse& answer, int rows) {
    absl::MutexLock lock(&mu_);
    answered_ += rows;
    tally_.stored += answer.rows_stored();
    tally_.already += answer.rows_already_stored();
    for (const v1::ImportRowRefusal& refusal : answer.refused()) {
      tally_.refused.emplace_back(refusal.line(),
                                  RefusalInColumns(kind_, refusal.field(), refusal.message()));
    }
    progress_.Update(
        tally_.Progress(answered_ + unsendable_, static_cast<int64_t>(file_.rows.size())));
  }

  int Finish(const grpc::Status& status) {
    absl::MutexLock lock(&mu_);
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
        status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
      session_.err() << "import " << kind_ << ": stopped after " << WithThousands(answered_)
                     << " rows: the server does not accept this token for importing " << kind_
                     << "\n";
      return session_.Fail(status);
    }
    if (!status.ok()) {
      session_.err() << "import " << kind_ << ": stopped after " << WithThousands(tally_.stored)
                     << " new rows (" << WithThousands(answered_)
                     << " rows answered); re-run the same file once the problem below is "
                        "fixed: rows already stored are not stored twice\n";
      return session_.Fail(status);
    }
    return tally_.Finish(session_, kind_, path_, static_cast<int64_t>(file_.rows.size()));
  }

  Session& session_;
  const std::string kind_, path_;
  const ImportFile& file_;
  absl::Mutex mu_;
  Progress progress_ ABSL_GUARDED_BY(mu_);
  int64_t answered_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t unsendable_ ABSL_GUARDED_BY(mu_) = 0;  // rows refused before sending
  ImportTally tally_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<exports::ExportQuery> TakeExportQuery(Flags& flags, exports::ExportKind kind,
                                                     absl::string_view command) {
  exports::ExportQuery query;
  query.kind = kind;
  if (kind == exports::ExportKind::kDenials) {
    CORRIDOR_RETURN_IF_ERROR(TakeDenialFilters(flags, &query.denials));
  } else if (kind == exports::ExportKind::kConvoys) {
    CORRIDOR_RETURN_IF_ERROR(TakeConvoyFilters(flags, &query.convoys));
  } else if (kind == exports::ExportKind::kIncidents) {
    CORRIDOR_RETURN_IF_ERROR(TakeIncidentFilters(flags, &query.incidents));
  }
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed(command));
  return query;
}

int RunExportCommand(Session& session, Flags& flags, const std::string& kind, const Args& args) {
  absl::StatusOr<exports::ExportKind> parsed_kind = exports::ParseExportKind(kind);
  if (!parsed_kind.ok()) {
    return session.UsageFailure(
        "export needs what to export: denials, convoys, incidents or areas, e.g. corridorctl "
        "export denials "
        "--format=hxl --party=P --month=2016-09");
  }
  if (!args.empty()) return session.UsageFailure("export takes flags only; see corridorctl help");
  absl::StatusOr<exports::ExportFormat> format =
      exports::ParseExportFormat("--format", flags.Take("format", "csv"));
  if (!format.ok()) return session.UsageFailure(format.status().message());
  const std::string path = flags.Take("out");
  absl::StatusOr<exports::ExportQuery> query =
      TakeExportQuery(flags, *parsed_kind, "export " + kind);
  if (!query.ok()) return session.UsageFailure(query.status().message());

  Progress progress(session, "export " + kind);
  std::unique_ptr<exports::RecordSource> source = exports::NewGrpcRecordSource(
      {[&](const std::string& service) { return session.ChannelFor(service); },
       [&](grpc::ClientContext* context) { session.Prepare(context); },
       [&](const std::string& what, size_t read) {
         progress.Update(
             absl::StrCat(WithThousands(static_cast<int64_t>(read)), " ", what, " read"));
       }});
  absl::StatusOr<exports::Sheet> sheet = exports::SheetFor(*source, *query);
  if (!sheet.ok()) return session.Fail(sheet.status());

  std::ofstream file;
  if (!path.empty()) {
    file.open(path, std::ios::binary | std::ios::trunc);
    if (!file) {
      session.err() << "corridorctl: cannot write " << path
                    << "; check the folder exists and is writable\n";
      return kExitError;
    }
  }
  std::ostream& out = path.empty() ? session.out() : file;
  exports::Write(*format, *sheet, out);
  out.flush();
  session.err() << "export " << kind << ": "
                << WithThousands(static_cast<int64_t>(sheet->rows.size())) << " rows"
                << (path.empty() ? "" : " written to " + path) << "\n";
  const std::vector<std::string> without_point = exports::RowsWithoutPoint(*sheet);
  if (*format == exports::ExportFormat::kGeoJson && !without_point.empty()) {
    session.err() << "export " << kind << ": " << without_point.size()
                  << " features have no coordinates (their area has none in the reference data) "
                     "and are included with \"geometry\": null: "
                  << absl::StrJoin(without_point, ", ") << "\n";
  }
  return kExitOk;
}

int RunImportCommand(Session& session, Flags& flags, const std::string& kind, const Args& args) {
  if (kind != "denials" && kind != "convoys" && kind != "incidents") {
    return session.UsageFailure(
        "import needs what to import: convoys, denials or incidents, e.g. corridorctl import "
        "denials denials.csv");
  }
  if (args.size() != 1) {
    return session.UsageFailure(
        absl::StrCat("import ", kind, " takes one CSV file (\"-\" for standard input)"));
  }
  if (absl::Status s = flags.CheckAllUsed("import"); !s.ok()) {
    return session.UsageFailure(s.message());
  }
  const std::string& path = args[0];
  absl::StatusOr<std::string> text = ReadImportText(path);
  if (!text.ok()) return session.UsageFailure(text.status().message());
  absl::StatusOr<ImportFile> file = ParseImportFile(*text);
  if (!file.ok()) {
    session.err() << "corridorctl: " << path << " " << file.status().message()
                  << "; nothing was imported\n";
    return kExitUsage;
  }
  std::vector<std::string> not_read;
  absl::StatusOr<exports::ExportKind> export_kind = exports::ParseExportKind(kind);
  if (absl::Status header = CheckImportHeader(
          kind, file->header,
          export_kind.ok() ? exports::ColumnNames(*export_kind) : std::vector<std::string>(),
          &not_read);
      !header.ok()) {
    session.err() << "corridorctl: " << path << " " << header.message()
                  << "; nothing was imported\n";
    return kExitUsage;
  }
  if (!not_read.empty()) {
    session.err() << "import " << kind << ": not imported (derived by the service, or not "
                  << "restorable by an import): " << absl::StrJoin(not_read, ", ") << "\n";
  }
  if (kind != "incidents") return StreamImporter(session, kind, path, *file).Run();
  Importer importer(session, kind, path);
  for (size_t r = 0; r < file->rows.size(); ++r) {
    if (const int code = importer.Row(*file, r); code != kExitOk) return code;
  }
  return importer.Finish();
}

}  // namespace corridor::cli
