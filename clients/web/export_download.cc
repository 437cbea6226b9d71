#include "clients/web/export_download.h"

#include <sstream>

#include "absl/strings/str_cat.h"
#include "clients/corridorctl/exchange_commands.h"
#include "clients/exports/record_source.h"
#include "clients/exports/sheets.h"
#include "clients/exports/writers.h"
#include "common/credentials.h"
#include "common/status.h"

namespace corridor::web {
namespace {

HttpReply Refused(const absl::Status& status) {
  if (absl::IsInvalidArgument(status)) return InvalidFieldReply(status.message());
  return ErrorReply(
      grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message())));
}

absl::StatusOr<exports::ExportQuery> QueryOf(const std::string& kind,
                                             std::map<std::string, std::string> params) {
  if (params.count("out") > 0) {
    return absl::InvalidArgumentError("out: exports are downloaded, never written on the server");
  }
  CORRIDOR_ASSIGN_OR_RETURN(exports::ExportKind parsed, exports::ParseExportKind(kind));
  // The query's parameters are the command's flags, and mean the same.
  cli::Flags filters(std::move(params));
  return cli::TakeExportQuery(filters, parsed, absl::StrCat("export ", kind));
}

}  // namespace

HttpReply ExportDownload(const std::string& kind, std::map<std::string, std::string> params,
                         const std::string& token, ServiceChannels& channels,
                         absl::Duration timeout) {
  const auto format_param = params.find("format");
  absl::StatusOr<exports::ExportFormat> format = exports::ParseExportFormat(
      "format", format_param == params.end() ? "csv" : format_param->second);
  if (!format.ok()) return Refused(format.status());
  params.erase("format");
  absl::StatusOr<exports::ExportQuery> query = QueryOf(kind, std::move(params));
  if (!query.ok()) return Refused(query.status());

  std::unique_ptr<exports::RecordSource> source = exports::NewGrpcRecordSource(
      {[&channels](const std::string& service) { return channels.For(service); },
       [&token, timeout](grpc::ClientContext* context) {
         context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
         AttachBearerToken(context, token);
       },
       nullptr});
  absl::StatusOr<exports::Sheet> sheet = exports::SheetFor(*source, *query);
  if (!sheet.ok()) return Refused(sheet.status());

  std::ostringstream body;
  exports::Write(*format, *sheet, body);
  HttpReply reply;
  reply.content_type = exports::ContentType(*format);
  reply.body = body.str();
  reply.headers["Content-Disposition"] =
      absl::StrCat("attachment; filename=\"", exports::FileName(kind, *format), "\"");
  return reply;
}

}  // namespace corridor::web
