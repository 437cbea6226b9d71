#include "services/common/access.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/credentials.h"
#include "common/ids.h"
#include "common/server.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/descriptor.h"

namespace corridor {
namespace {

constexpr char kBearerPrefix[] = "Bearer ";

absl::StatusOr<std::string> BearerTokenOf(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kAuthorizationHeader);
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "this call needs a bearer token: send \"authorization: Bearer <token>\" (gRPC "
        "metadata; through the JSON gateway, the HTTP Authorization header); corridorctl reads it "
        "from $CORRIDOR_TOKEN_FILE or $CORRIDOR_TOKEN, and the platform "
        "wrote its first admin token to <data_dir>/credentials/admin.token");
  }
  absl::string_view value(it->second.data(), it->second.size());
  if (!absl::ConsumePrefix(&value, kBearerPrefix)) {
    return absl::UnauthenticatedError(
        "the authorization metadata (through the JSON gateway, the HTTP Authorization header) "
        "must be \"Bearer <token>\"; other schemes are not accepted");
  }
  return std::string(absl::StripAsciiWhitespace(value));
}

}  // namespace

v1::Principal PrincipalFor(const v1::TokenInfo& token) {
  v1::Principal principal;
  principal.set_name(token.name());
  principal.set_authenticated(true);
  principal.set_role(token.role());
  principal.set_agency(token.agency());
  principal.set_token_id(token.id());
  return principal;
}

std::string RoleName(v1::Role role) {
  absl::string_view name = v1::Role_Name(role);
  absl::ConsumePrefix(&name, "ROLE_");
  return absl::AsciiStrToLower(name);
}

absl::StatusOr<storage::Origin> AccessControl::Admit(const grpc::ServerContext& context,
                                                     absl::string_view service,
                                                     absl::string_view method) const {
  absl::StatusOr<std::string> token = BearerTokenOf(context);
  if (!token.ok()) return token.status();
  absl::StatusOr<v1::TokenInfo> info = authenticator_->Authenticate(*token, CallDeadline(context));
  if (!info.ok()) return info.status();

  storage::Origin origin;
  origin.rpc = absl::StrCat("/", service, "/", method);
  if (!mirror_of_.empty() && !MirrorServes(origin.rpc)) {
    return absl::FailedPreconditionError(
        absl::StrCat("this is a mirror, a read-only copy of the record kept at ", mirror_of_,
                     ": send ", origin.rpc, " there"));
  }
  if (!RoleMayCall(info->role(), origin.rpc)) {
    std::vector<std::string> names;
    for (v1::Role role : RolesAllowed(origin.rpc)) names.push_back(RoleName(role));
    return absl::PermissionDeniedError(absl::StrCat(
        "the ", RoleName(info->role()), " token \"", info->name(), "\" may not call ", origin.rpc,
        names.empty() ? "; no role may"
                      : absl::StrCat("; it is open to: ", absl::StrJoin(names, ", ")),
        ". Ask an admin for a token with the right role"));
  }
  origin.principal = PrincipalFor(*info);
  return origin;
}

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

bool IsPrincipalOrAny(const Descriptor* type) {
  return type == v1::Principal::descriptor() || type == google::protobuf::Any::descriptor();
}

// Whether a message of `type` can hold a Principal (or an Any, which may),
// not counting types already in `visiting`.
bool CanReachPrincipal(const Descriptor* type, absl::flat_hash_set<const Descriptor*>* visiting) {
  if (IsPrincipalOrAny(type)) return true;
  if (!visiting->insert(type).second) return false;  // a cycle adds nothing new
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        CanReachPrincipal(field->message_type(), visiting)) {
      return true;
    }
  }
  return false;
}

// CanReachPrincipal, worked out once per type: most fields cannot hold a
// Principal, and are not walked.
bool MayHoldPrincipal(const Descriptor* type) {
  static absl::Mutex mu(absl::kConstInit);
  static auto* known = new absl::flat_hash_map<const Descriptor*, bool>();
  {
    absl::ReaderMutexLock lock(&mu);
    if (auto it = known->find(type); it != known->end()) return it->second;
  }
  absl::flat_hash_set<const Descriptor*> visiting;
  const bool may = CanReachPrincipal(type, &visiting);
  absl::MutexLock lock(&mu);
  known->emplace(type, may);
  return may;
}

bool RedactPrincipal(const v1::Principal& viewer, v1::Principal* principal) {
  bool removed = !principal->peer().empty();
  principal->clear_peer();
  const bool own_agency = principal->role() == v1::ROLE_PARTNER &&
                          SameAgency(principal->agency(), viewer.agency()) &&
                          !viewer.agency().empty();
  // A service (the relay of convoy denials) or the reference-data loader is
  // no one's staff: a partner sees them, and can check what they wrote.
  const bool machine =
      principal->role() == v1::ROLE_SERVICE || principal->role() == v1::ROLE_UNSPECIFIED;
  if (viewer.role() == v1::ROLE_PARTNER && !own_agency && !machine &&
      (!principal->name().empty() || !principal->token_id().empty())) {
    principal->clear_name();
    principal->clear_token_id();
    removed = true;
  }
  return removed;
}

bool RedactAny(const v1::Principal& viewer, google::protobuf::Any* any) {
  const absl::string_view url = any->type_url();
  const google::protobuf::Descriptor* type =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          std::string(url.substr(url.rfind('/') + 1)));
  if (type == nullptr || !MayHoldPrincipal(type)) return false;
  std::unique_ptr<google::protobuf::Message> inner(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
  if (!inner->ParseFromString(any->value())) return false;
  if (!RedactPrincipals(viewer, inner.get())) return false;
  any->set_value(inner->SerializeAsString());
  return true;
}

}  // namespace

bool SeesEveryPrincipal(const v1::Principal& viewer) {
  return viewer.role() == v1::ROLE_OVERSIGHT || viewer.role() == v1::ROLE_ADMIN ||
         viewer.role() == v1::ROLE_SERVICE;
}

bool RedactPrincipals(const v1::Principal& viewer, google::protobuf::Message* message) {
  const Descriptor* type = message->GetDescriptor();
  if (type == v1::Principal::descriptor()) {
    return RedactPrincipal(viewer, static_cast<v1::Principal*>(message));
  }
  if (type == google::protobuf::Any::descriptor()) {
    return RedactAny(viewer, static_cast<google::protobuf::Any*>(message));
  }
  if (!MayHoldPrincipal(type)) return false;
  const google::protobuf::Reflection* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  bool removed = false;
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        !MayHoldPrincipal(field->message_type())) {
      continue;
    }
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
        removed |= RedactPrincipals(viewer, reflection->MutableRepeatedMessage(message, field, i));
      }
    } else {
      removed |= RedactPrincipals(viewer, reflection->MutableMessage(message, field));
    }
  }
  return removed;
}

absl::StatusOr<storage::Origin> AccessControl::AdmitStream(const grpc::ServerContext& context,
                                                           absl::string_view service,
                                                           absl::string_view method,
                                                           StreamSlot* slot) const {
  absl::StatusOr<storage::Origin> origin = Admit(context, service, method);
  if (!origin.ok()) return origin.status();
  const std::string& token_id = origin->principal.token_id();
  {
    absl::MutexLock lock(&streams_mu_);
    int& open = open_streams_[token_id];
    if (open >= max_streams_per_token_) {
      if (open == 0) open_streams_.erase(token_id);
      return absl::ResourceExhaustedError(absl::StrCat(
          "the token \"", origin->principal.name(), "\" already holds ", open,
          open == 1 ? " open stream" : " open streams",
          ", the most one token may hold here (--max_streams_per_token); close one "
          "(a change stream resumes from its position; an import, from its first unanswered "
          "request) or use another token"));
    }
    ++open;
  }
  *slot = StreamSlot(this, token_id);
  return origin;
}

void AccessControl::ReleaseStream(const std::string& token_id) const {
  absl::MutexLock lock(&streams_mu_);
  auto it = open_streams_.find(token_id);
  if (it == open_streams_.end()) return;
  if (--it->second <= 0) open_streams_.erase(it);
}

StreamSlot::StreamSlot(StreamSlot&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), token_id_(std::move(other.token_id_)) {}

StreamSlot& StreamSlot::operator=(StreamSlot&& other) noexcept {
  if (this != &other) {
    if (owner_ != nullptr) owner_->ReleaseStream(token_id_);
    owner_ = std::exchange(other.owner_, nullptr);
    token_id_ = std::move(other.token_id_);
  }
  return *this;
}

StreamSlot::~StreamSlot() {
  if (owner_ != nullptr) owner_->ReleaseStream(token_id_);
}

}  // namespace corridor
