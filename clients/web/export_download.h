// GET /api/v1/export/<kind>?format=...&<filters>: an export (clients/exports)
// as a download, with the filters of `corridorctl export`.
#ifndef CORRIDOR_CLIENTS_WEB_EXPORT_DOWNLOAD_H_
#define CORRIDOR_CLIENTS_WEB_EXPORT_DOWNLOAD_H_

#include <map>
#include <string>

#include "absl/time/time.h"
#include "clients/web/gateway.h"
#include "common/service_channels.h"

namespace corridor::web {

// The export of `kind` the query `params` ask for, read from the services
// on `channels` with the caller's `token`, each call within `timeout`. A
// refusal is a JSON error whose message is the export library's status
// message; a file is never written on the server (`out` is refused).
HttpReply ExportDownload(const std::string& kind, std::map<std::string, std::string> params,
                         const std::string& token, ServiceChannels& channels,
                         absl::Duration timeout);

}  // namespace corridor::web

#endif  // CORRIDOR_CLIENTS_WEB_EXPORT_DOWNLOAD_H_
