// corridor-incidents: the incidents service in its own process. It checks
// areas, routes, convoys and parties with the services given by
// --peers=areas=HOST:PORT,routes=HOST:PORT,convoys=HOST:PORT.
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  return corridor::ServerMain(argc, argv, "corridor-incidents", "incidents");
}
