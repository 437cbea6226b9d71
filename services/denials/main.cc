// corridor-denials: the denials service in its own process. It checks areas
// and routes with the services given by
// --peers=areas=HOST:PORT,routes=HOST:PORT.
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  return corridor::ServerMain(argc, argv, "corridor-denials", "denials");
}
