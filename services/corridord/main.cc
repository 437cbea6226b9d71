// corridord: any set of Corridor services in one process, each with its own
// RocksDB under --data_dir. The embedded default runs them all.
#include "services/common/server_main.h"

int main(int argc, char** argv) { return corridor::ServerMain(argc, argv, "corridord", ""); }
