// corridor-agreements: the agreements service in its own process. It
// follows the routes, convoys and denials services' change feeds and asks
// the areas service, all given by --peers.
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  return corridor::ServerMain(argc, argv, "corridor-agreements", "agreements");
}
