// SPDX-License-Identifier: Apache-2.0
#include "protocols/credentials/basic_auth.hpp"

#include <gtest/gtest.h>

#include <string>

namespace warden::proto::credentials {
namespace {

TEST(BasicAuth, DecodesUserAndPassword) {
  std::array<char, kMaxBasicBytes> storage{};
  // RFC 7617 §2's example: "Aladdin:open sesame".
  const auto credentials = decode_basic("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", storage);
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->user, "Aladdin");
  EXPECT_EQ(credentials->password, "open sesame");
}

TEST(BasicAuth, RejectsWhatIsNotBasic) {
  std::array<char, kMaxBasicBytes> storage{};
  BasicError error{};
  EXPECT_FALSE(decode_basic("Digest username=\"a\"", storage, &error));
  EXPECT_EQ(error, BasicError::NotBasic);
  EXPECT_FALSE(decode_basic("Basic !!!!", storage, &error));
  EXPECT_EQ(error, BasicError::BadBase64);
  EXPECT_FALSE(decode_basic("Basic dXNlcg==", storage, &error));  // "user": no colon
  EXPECT_EQ(error, BasicError::NoColon);
  EXPECT_FALSE(decode_basic("Basic " + std::string(400, 'A'), storage, &error));
  EXPECT_EQ(error, BasicError::TooLong);
}

TEST(BasicAuth, LoginKeepsTheUserAndTheListNeverThePassword) {
  BasicLogin login;
  ASSERT_TRUE(login.read("Basic YWRtaW46MTIzNDU="));  // admin:12345, Hikvision's old default
  EXPECT_EQ(login.user(), "admin");
  EXPECT_EQ(login.default_list, DefaultList::Mirai);
  BasicLogin other;
  ASSERT_TRUE(other.read("Basic dGVzdDpmYWlsMg=="));  // test:fail2
  EXPECT_EQ(other.user(), "test");
  EXPECT_EQ(other.default_list, DefaultList::None);
  BasicLogin long_user;
  // 100 "a" then ":x": the user name is cut to kMaxUserLength.
  ASSERT_TRUE(
      long_user.read("Basic "
                     "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhY"
                     "WFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp4"));
  EXPECT_EQ(long_user.user(), std::string(kMaxUserLength, 'a'));
}

}  // namespace
}  // namespace warden::proto::credentials
