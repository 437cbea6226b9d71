// corridor-routes: the routes service in its own process.
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  return corridor::ServerMain(argc, argv, "corridor-routes", "routes");
}
