// corridor-convoys: the convoys service in its own process. It calls the
// areas and routes services given by --peers=areas=HOST:PORT,routes=HOST:PORT.
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  return corridor::ServerMain(argc, argv, "corridor-convoys", "convoys");
}
