#include "storage/tree_signer.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "storage/key_codec.h"

namespace corridor::storage {

struct TreeSigner::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

std::string TreeHeadSigningInput(absl::string_view service, uint64_t tree_size,
                                 int64_t timestamp_micros, const merkle::Hash& root) {
  std::string input = "corridor-tree-head-v1";
  input.push_back('\0');
  input.append(service.data(), service.size());
  input.push_back('\0');
  for (int shift = 56; shift >= 0; shift -= 8) input.push_back(char(tree_size >> shift));
  const uint64_t micros = static_cast<uint64_t>(timestamp_micros);
  for (int shift = 56; shift >= 0; shift -= 8) input.push_back(char(micros >> shift));
  input.append(merkle::ToBytes(root));
  return input;
}

absl::Status VerifyEd25519(absl::string_view public_key, absl::string_view message,
                           absl::string_view signature) {
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(public_key.data()),
      public_key.size());
  if (pkey == nullptr) return absl::DataLossError("the public key is not an Ed25519 key");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool valid =
      EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pkey) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  if (!valid) return absl::DataLossError("the tree head's signature does not verify");
  return absl::OkStatus();
}

namespace {

void AppendBigEndian(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(char(value >> shift));
}

}  // namespace

std::string KeyRotationSigningInput(absl::string_view service, uint64_t sequence,
                                    absl::string_view previous_key, absl::string_view next_key,
                                    uint64_t tree_size) {
  std::string input = "corridor-key-rotation-v1";
  input.push_back('\0');
  input.append(service.data(), service.size());
  input.push_back('\0');
  AppendBigEndian(sequence, &input);
  input.append(previous_key.data(), previous_key.size());
  input.append(next_key.data(), next_key.size());
  AppendBigEndian(tree_size, &input);
  return input;
}

absl::StatusOr<std::unique_ptr<TreeSigner>> TreeSigner::LoadOrCreate(const std::string& path) {
  std::unique_ptr<TreeSigner> signer(new TreeSigner());
  auto key = std::make_shared<Key>();
  absl::MutexLock lock(&signer->mu_);
  signer->key_ = key;
  if (FILE* file = std::fopen(path.c_str(), "r")) {
    key->pkey = PEM_read_PrivateKey(file, nullptr, nullptr, nullptr);
    std::fclose(file);
    if (key->pkey == nullptr || EVP_PKEY_get_id(key->pkey) != EVP_PKEY_ED25519) {
      return absl::DataLossError(absl::StrCat(
          "the journal signing key ", path,
          " is not an Ed25519 private key; restore it from a backup (a new key would not match "
          "tree heads already handed out)"));
    }
  } else {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    const bool made =
        ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &key->pkey) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!made) return absl::InternalError("could not generate an Ed25519 key (OpenSSL)");
    const std::string partial = path + ".partial";
    const mode_t old_mask = umask(077);  // the key is readable by its owner only
    FILE* out = std::fopen(partial.c_str(), "w");
    umask(old_mask);
    if (out == nullptr) {
      return absl::UnavailableError(absl::StrCat("cannot write the journal signing key to ",
                                                 partial, "; check the data folder"));
    }
    const bool written =
        PEM_write_PrivateKey(out, key->pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    const bool closed = std::fclose(out) == 0;
    if (!written || !closed || std::rename(partial.c_str(), path.c_str()) != 0) {
      return absl::UnavailableError(absl::StrCat("cannot write the journal signing key to ", path));
    }
  }
  unsigned char raw[32];
  size_t length = sizeof(raw);
  if (EVP_PKEY_get_raw_public_key(key->pkey, raw, &length) != 1 || length != 32) {
    return absl::InternalError("could not read the Ed25519 public key (OpenSSL)");
  }
  signer->public_key_.assign(reinterpret_cast<char*>(raw), length);
  return signer;
}

TreeSigner::~TreeSigner() = default;

std::string TreeSigner::public_key() const {
  absl::MutexLock lock(&mu_);
  return public_key_;
}

void TreeSigner::Replace(TreeSigner&& next) {
  absl::MutexLock next_lock(&next.mu_);
  absl::MutexLock lock(&mu_);
  key_ = std::move(next.key_);
  public_key_ = std::move(next.public_key_);
}

absl::StatusOr<std::string> TreeSigner::Sign(absl::string_view message) const {
  std::shared_ptr<const Key> key;
  {
    absl::MutexLock lock(&mu_);
    key = key_;
  }
  if (key == nullptr) return absl::FailedPreconditionError("the signer has no key");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char signature[64];
  size_t length = sizeof(signature);
  const bool signed_ok =
      EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key->pkey) == 1 &&
      EVP_DigestSign(ctx, signature, &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!signed_ok) return absl::InternalError("could not sign the tree head (OpenSSL)");
  return std::string(reinterpret_cast<char*>(signature), length);
}

}  // namespace corridor::storage
