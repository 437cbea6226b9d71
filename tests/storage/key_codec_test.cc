#include "storage/key_codec.h"

#include <algorithm>
#include <random>
#include <tuple>

#include "gtest/gtest.h"

namespace corridor::storage {
namespace {

std::string RandomString(std::mt19937_64& rng) {
  // Bias towards the bytes that matter to the escaping: 0x00, 0x01, 0xFF.
  static const char kAlphabet[] = {'\x00', '\x01', '\xFF', 'a', 'b', '\x7F', '\x80'};
  std::string s(rng() % 6, '\0');
  for (char& c : s) c = kAlphabet[rng() % sizeof(kAlphabet)];
  return s;
}

TEST(KeyCodecTest, Uint64OrderMatchesNumericOrder) {
  std::mt19937_64 rng(1);
  std::vector<uint64_t> values = {0, 1, 255, 256, UINT64_MAX, UINT64_MAX - 1};
  for (int i = 0; i < 2000; ++i) values.push_back(rng() >> (rng() % 64));
  for (uint64_t a : values) {
    uint64_t b = values[rng() % values.size()];
    EXPECT_EQ(a < b, KeyWriter().Uint64(a).key() < KeyWriter().Uint64(b).key())
        << a << " vs " << b;
  }
}

TEST(KeyCodecTest, Int64OrderMatchesNumericOrderAcrossSign) {
  std::mt19937_64 rng(2);
  std::vector<int64_t> values = {INT64_MIN, INT64_MIN + 1, -256, -1, 0, 1, 255, INT64_MAX};
  for (int i = 0; i < 2000; ++i) values.push_back(static_cast<int64_t>(rng()) >> (rng() % 64));
  for (int64_t a : values) {
    for (int j = 0; j < 5; ++j) {
      int64_t b = values[rng() % values.size()];
      EXPECT_EQ(a < b, KeyWriter().Int64(a).key() < KeyWriter().Int64(b).key())
          << a << " vs " << b;
    }
  }
}

TEST(KeyCodecTest, Uint32OrderMatchesNumericOrder) {
  EXPECT_LT(KeyWriter().Uint32(9).key(), KeyWriter().Uint32(10).key());
  EXPECT_LT(KeyWriter().Uint32(0xFF).key(), KeyWriter().Uint32(0x100).key());
  EXPECT_LT(KeyWriter().Uint32(20161231).key(), KeyWriter().Uint32(20170101).key());
}

TEST(KeyCodecTest, CompositeKeysSortByTupleOrder) {
  std::mt19937_64 rng(3);
  using Tuple = std::tuple<std::string, int64_t, std::string>;
  std::vector<Tuple> tuples;
  for (int i = 0; i < 3000; ++i) {
    tuples.emplace_back(RandomString(rng), static_cast<int64_t>(rng() % 5) - 2,
                        RandomString(rng));
  }
  auto encode = [](const Tuple& t) {
    return KeyWriter().String(std::get<0>(t)).Int64(std::get<1>(t)).String(std::get<2>(t)).Release();
  };
  for (size_t i = 0; i + 1 < tuples.size(); ++i) {
    const Tuple& a = tuples[i];
    const Tuple& b = tuples[i + 1];
    // std::string compares as signed or unsigned char depending on the
    // platform; keys are compared as unsigned bytes (RocksDB's order).
    auto bytes_less = [](const std::string& x, const std::string& y) {
      return std::lexicographical_compare(
          x.begin(), x.end(), y.begin(), y.end(),
          [](char l, char r) { return static_cast<unsigned char>(l) < static_cast<unsigned char>(r); });
    };
    bool tuple_less;
    if (std::get<0>(a) != std::get<0>(b)) tuple_less = bytes_less(std::get<0>(a), std::get<0>(b));
    else if (std::get<1>(a) != std::get<1>(b)) tuple_less = std::get<1>(a) < std::get<1>(b);
    else tuple_less = bytes_less(std::get<2>(a), std::get<2>(b));
    EXPECT_EQ(tuple_less, bytes_less(encode(a), encode(b)))
        << "tuples " << i << " and " << i + 1;
  }
}

TEST(KeyCodecTest, StringIsNotAPrefixOfALongerStringsEncoding) {
  // "a" must sort before "a\0" and before "ab", with anything after it.
  std::string a = KeyWriter().String("a").Uint64(UINT64_MAX).Release();
  std::string a0 = KeyWriter().String(std::string("a\0", 2)).Release();
  std::string ab = KeyWriter().String("ab").Release();
  EXPECT_LT(a, a0);
  EXPECT_LT(a, ab);
}

TEST(KeyCodecTest, RoundTripsEveryType) {
  std::mt19937_64 rng(4);
  for (int i = 0; i < 500; ++i) {
    std::string s = RandomString(rng);
    uint64_t u = rng();
    int64_t n = static_cast<int64_t>(rng());
    uint32_t w = static_cast<uint32_t>(rng());
    std::string key = KeyWriter().String(s).Uint64(u).Int64(n).Uint32(w).Release();
    KeyReader reader(key);
    std::string s2;
    uint64_t u2;
    int64_t n2;
    uint32_t w2;
    ASSERT_TRUE(reader.String(&s2));
    ASSERT_TRUE(reader.Uint64(&u2));
    ASSERT_TRUE(reader.Int64(&n2));
    ASSERT_TRUE(reader.Uint32(&w2));
    EXPECT_TRUE(reader.done());
    EXPECT_EQ(s, s2);
    EXPECT_EQ(u, u2);
    EXPECT_EQ(n, n2);
    EXPECT_EQ(w, w2);
  }
}

TEST(KeyCodecTest, ReaderRefusesTruncatedAndMalformedInput) {
  std::string out;
  EXPECT_FALSE(KeyReader("abc").String(&out));                     // no terminator
  EXPECT_FALSE(KeyReader(std::string("a\0\x02", 3)).String(&out));  // bad escape
  uint64_t u;
  EXPECT_FALSE(KeyReader("1234567").Uint64(&u));
  uint32_t w;
  EXPECT_FALSE(KeyReader("123").Uint32(&w));
}

// Keys in messages: a statistics counter, a primary key, and what is not
// strings and 32-bit numbers.
TEST(KeyCodecTest, DescribeKeyShowsStringsAndNumbersAsAPersonReadsThem) {
  EXPECT_EQ(DescribeKey(KeyWriter().String("p").Uint32(201609).String("isis").Release()),
            "\"p\" 201609 \"isis\"");
  EXPECT_EQ(DescribeKey(KeyWriter().String("dn-5da77dded5ec5792").Release()),
            "\"dn-5da77dded5ec5792\"");
  // Neither: shown escaped, whole.
  EXPECT_EQ(DescribeKey("\x01\x02\x03"), "\"\\x01\\x02\\x03\"");
}

TEST(KeyCodecTest, PrefixSuccessorBoundsEveryKeyWithThePrefix) {
  std::string prefix = KeyWriter().String("areas").Release();
  std::string successor = PrefixSuccessor(prefix);
  EXPECT_LT(prefix + std::string(100, '\xFF'), successor);
  EXPECT_LT(prefix, successor);
  EXPECT_EQ(PrefixSuccessor("a\xFF\xFF"), "b");
  EXPECT_EQ(PrefixSuccessor("\xFF\xFF"), "");
}

}  // namespace
}  // namespace corridor::storage
