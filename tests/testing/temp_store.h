// A store for tests, in a folder of a TempDir.
#ifndef CORRIDOR_TESTS_TESTING_TEMP_STORE_H_
#define CORRIDOR_TESTS_TESTING_TEMP_STORE_H_

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "storage/store.h"

namespace corridor::testing {

// Opens (creating) a store at `path`, unsynced unless `sync`: these tests
// are about what is stored, not about surviving a power cut. Fails the
// test and returns null if it cannot be opened.
inline std::unique_ptr<storage::Store> OpenTestStore(const std::string& path, bool sync = false) {
  storage::StoreOptions options;
  options.path = path;
  options.sync = sync;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

}  // namespace corridor::testing

#endif  // CORRIDOR_TESTS_TESTING_TEMP_STORE_H_
