// What a watch stream (WatchRouteStatus, WatchChanges) tells its client
// before its first event.
#ifndef CORRIDOR_COMMON_STREAM_HEADERS_H_
#define CORRIDOR_COMMON_STREAM_HEADERS_H_

namespace corridor {

// Initial metadata a watch stream sends once the server has admitted it,
// valued with the position it starts from: the client knows it is
// subscribed before any event arrives, and a refusal comes without it.
inline constexpr char kSubscribedHeader[] = "corridor-subscribed";

}  // namespace corridor

#endif  // CORRIDOR_COMMON_STREAM_HEADERS_H_
