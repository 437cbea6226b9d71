// Real bearer tokens for tests that host services in-process: the auth
// service's token store in a temporary folder, and tokens made on demand.
#ifndef CORRIDOR_TESTS_TESTING_TEST_CREDENTIALS_H_
#define CORRIDOR_TESTS_TESTING_TEST_CREDENTIALS_H_

#include <grpcpp/client_context.h>

#include <map>
#include <memory>
#include <string>

#include "services/common/access.h"
#include "services/auth/auth_module.h"

namespace corridor::testing {

class TestCredentials {
 public:
  // Opens a token store in `dir`; fails the current test on error.
  explicit TestCredentials(const std::string& dir);

  // Admits calls against the token store, as ModuleOptions::access.
  const AccessControl* access() const { return &access_; }

  // A token of `role` named `name` (acting for `agency`, for partners),
  // made on first use.
  std::string Token(v1::Role role, const std::string& name = "tester",
                    const std::string& agency = "");

  // Revokes the token Token(role, name, agency) made; fails the current
  // test on error.
  void Revoke(v1::Role role, const std::string& name = "tester", const std::string& agency = "");

  // A context with that token and a 15 s deadline.
  std::unique_ptr<grpc::ClientContext> Context(v1::Role role, const std::string& name = "tester",
                                               const std::string& agency = "");

 private:
  std::unique_ptr<auth::AuthModule> module_;
  AccessControl access_;
  std::map<std::string, std::string> tokens_;  // role/name/agency -> token
  std::map<std::string, std::string> ids_;     // role/name/agency -> its id
};

}  // namespace corridor::testing

#endif  // CORRIDOR_TESTS_TESTING_TEST_CREDENTIALS_H_
