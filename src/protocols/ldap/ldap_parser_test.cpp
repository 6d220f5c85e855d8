// SPDX-License-Identifier: Apache-2.0
#include "protocols/ldap/ldap_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocols/ldap/ldap_analyzer.hpp"
#include "testutil/hex.hpp"
#include "testutil/stream_feeder.hpp"

namespace warden::proto::ldap {
namespace {

using testutil::from_hex;
using testutil::RecordingSink;

// zeek/ldap__simpleauth.pcap, 10.0.0.1:25936 -> 10.0.0.2:3268 (the global catalog): two simple
// binds, both accepted, with a search between them. TCP payloads as tshark prints them.
// Frame 4: bindRequest(1), simple, name "xxxxxxxxxxx@xx.xxx.xxxxx.net".
constexpr std::string_view kSimpleBind1 =
    "3032020101602d020103041c78787878787878787878784078782e7878782e78787878782e6e6574800a7061"
    "7373776f72386431";

// Frame 5: bindResponse(1) success (Active Directory's four-octet lengths).
constexpr std::string_view kBindSuccess1 = "3084000000100201016184000000070a010004000400";

// Frame 7: searchRequest(2).
constexpr std::string_view kSearch2 =
    "306f020102636a041c44433d78782c44433d7878782c44433d78787878782c44433d6e65740a01020a010302"
    "0100020100010100a029870b6f626a656374636c617373a31a040e73414d4163636f756e744e616d65040878"
    "787878787878783010040e73414d4163636f756e744e616d65";

// Frame 8: searchResEntry(2) and searchResDone(2) in one segment.
constexpr std::string_view kSearchResults2 =
    "30840000007402010264840000006b043d434e3d78787878787878782c4f553d55736572732c4f553d416363"
    "6f756e74732c44433d78782c44433d7878782c44433d78787878782c44433d6e657430840000002630840000"
    "0020040e73414d4163636f756e744e616d6531840000000a0408787878787878787830840000001002010265"
    "84000000070a010004000400";

// Frame 9: bindRequest(3), simple, name "CN=xxxxxxxx,OU=Users,...".
constexpr std::string_view kSimpleBind3 =
    "305b0201036056020103043d434e3d78787878787878782c4f553d55736572732c4f553d4163636f756e7473"
    "2c44433d78782c44433d7878782c44433d78787878782c44433d6e657480122f6465762f7264736b2f633074"
    "3064307330";

// Frame 10: bindResponse(3) success.
constexpr std::string_view kBindSuccess3 = "3084000000100201036184000000070a010004000400";

// zeek/ldap__ldap_invalid_credentials.pcap, 192.168.66.141:53653 -> 192.168.66.138:389: the first
// of twelve NTLM binds over SASL GSS-SPNEGO on one connection, refused.
// Frame 1: bindRequest(65), SASL GSS-SPNEGO carrying NTLMSSP_NEGOTIATE.
constexpr std::string_view kNtlmNegotiate =
    "30840000004a0201416084000000410201030400a38400000036040a4753532d53504e45474f04284e544c4d"
    "5353500001000000b78208e2000000000000000000000000000000000a00ba470000000f";

// Frame 2: bindResponse(65) saslBindInProgress with NTLMSSP_CHALLENGE.
constexpr std::string_view kNtlmChallenge =
    "3084000000f60201416184000000ed0a010e04000400878200e24e544c4d53535000020000000c000c003800"
    "0000358289e2de7955981f35f59f00000000000000009e009e00440000000a0063450000000f4d0041005400"
    "52004900580002000c004d00410054005200490058000100120044004300300031002d005a0049004f004e00"
    "040018006d00610074007200690078002e006c006f00630061006c0003002c0044004300300031002d005a00"
    "69006f006e002e006d00610074007200690078002e006c006f00630061006c00050018006d00610074007200"
    "690078002e006c006f00630061006c000700080041bd020c7819d60100000000";

// Frame 3: bindRequest(66), NTLMSSP_AUTH for user "Administrator", no domain.
constexpr std::string_view kNtlmAuthenticate =
    "3084000002320201426084000002290201030400a3840000021e040a4753532d53504e45474f0482020e4e54"
    "4c4d5353500003000000180018008a0000005c015c01a200000000000000580000001a001a00580000001800"
    "18007200000010001000fe010000358288e20a00ba470000000f6f824e26a3020e1b1f1656b3a7d5dd454100"
    "64006d0069006e006900730074007200610074006f0072004400450053004b0054004f0050002d0045005600"
    "49004c000000000000000000000000000000000000000000000000004590b3a683c3236c9586f0b2bf3b16cc"
    "010100000000000041bd020c7819d601ae4b544d2e80a2b70000000002000c004d0041005400520049005800"
    "0100120044004300300031002d005a0049004f004e00040018006d00610074007200690078002e006c006f00"
    "630061006c0003002c0044004300300031002d005a0069006f006e002e006d00610074007200690078002e00"
    "6c006f00630061006c00050018006d00610074007200690078002e006c006f00630061006c000700080041bd"
    "020c7819d601060004000200000008003000300000000000000000000000003000004961155c7e2111fa8475"
    "4c489cf981281425c0f3d3816af7624277b539ec2c310a001000000000000000000000000000000000000900"
    "36006c006400610070002f0044004300300031002d005a0069006f006e002e006d0061007400720069007800"
    "2e006c006f00630061006c000000000000000000000000008d613b895dd258738d4e0fc5c3597ba3";

// Frame 4: bindResponse(66) invalidCredentials (AD's "data 52e").
constexpr std::string_view kNtlmInvalid =
    "30840000006802014261840000005f0a01310400045838303039303330433a204c6461704572723a20445349"
    "442d30433039303536392c20636f6d6d656e743a204163636570745365637572697479436f6e746578742065"
    "72726f722c2064617461203532652c20763435363300";

// Constructed from RFC 4511 §4.14 (no public capture here has StartTLS): ExtendedRequest(1)
// "1.3.6.1.4.1.1466.20037" and its success response.
constexpr std::string_view kStartTls =
    "301d02010177188016312e332e362e312e342e312e313436362e3230303337";
constexpr std::string_view kStartTlsSuccess = "300c02010178070a010004000400";
// Constructed from RFC 4616: bindRequest(2), SASL PLAIN, authcid "admin", password "admin",
// and its success response.
constexpr std::string_view kPlainBind =
    "3021020102601c0201030400a3150405504c41494e040c0061646d696e0061646d696e";
constexpr std::string_view kPlainSuccess = "300c02010261070a010004000400";

/// The flow's role (testutil::StreamFeeder) with the LDAP analyzer; test data in hex.
class Feeder : public testutil::StreamFeeder {
 public:
  explicit Feeder(RecordingSink& sink) : StreamFeeder(make_ldap_analyzer(), sink) {}
  bool to_server(std::string_view hex) { return feed(Direction::ToServer, from_hex(hex)); }
  bool to_client(std::string_view hex) { return feed(Direction::ToClient, from_hex(hex)); }
};

TEST(LdapParser, ReadsAMessageHeadWithFourOctetLengths) {
  const std::vector<std::uint8_t> bytes = from_hex(kBindSuccess1);
  const auto head = read_message_head(bytes);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->total_length, bytes.size());
  EXPECT_EQ(head->message_id, 1U);
  EXPECT_EQ(head->op, static_cast<std::uint8_t>(Op::BindResponse));
  // The head needs only the first bytes: the rest of a large message may still be on its way.
  const auto partial = read_message_head(Bytes(bytes).first(10));
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(partial->total_length, bytes.size());
  const auto cut = read_message_head(Bytes(bytes).first(7));
  ASSERT_FALSE(cut.has_value());
  EXPECT_EQ(cut.error().code, ParseErrorCode::Incomplete);
}

TEST(LdapParser, ParsesASimpleBind) {
  const std::vector<std::uint8_t> bytes = from_hex(kSimpleBind1);
  const auto head = read_message_head(bytes);
  ASSERT_TRUE(head.has_value());
  ASSERT_EQ(head->op, static_cast<std::uint8_t>(Op::BindRequest));
  const auto op = read_header(Bytes(bytes).subspan(head->op_offset));
  ASSERT_TRUE(op.has_value());
  const auto bind = parse_bind_request(Bytes(bytes).subspan(head->op_offset + op->header_length));
  ASSERT_TRUE(bind.has_value());
  EXPECT_EQ(bind->version, 3U);
  EXPECT_EQ(bind->kind, AuthKind::Simple);
  EXPECT_EQ(bind->name, "xxxxxxxxxxx@xx.xxx.xxxxx.net");
  EXPECT_EQ(bind->password.size(), 10U);
}

TEST(LdapParser, FindsTheUserOfAnNtlmAuthenticateMessage) {
  const std::vector<std::uint8_t> bytes = from_hex(kNtlmAuthenticate);
  const auto user = find_ntlm_user(bytes);
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->view(), "Administrator");
  // NEGOTIATE and CHALLENGE messages carry no user.
  EXPECT_FALSE(find_ntlm_user(from_hex(kNtlmNegotiate)).has_value());
  EXPECT_FALSE(find_ntlm_user(from_hex(kNtlmChallenge)).has_value());
}

TEST(LdapParser, RejectsWhatIsNotBer) {
  const std::string_view http = "GET / HTTP/1.1\r\n";
  const auto head = read_message_head(as_bytes(http));
  ASSERT_FALSE(head.has_value());
  EXPECT_STREQ(head.error().name, "ldap.bad_message");
  const auto indefinite = read_header(from_hex("3080"));
  ASSERT_FALSE(indefinite.has_value());
  EXPECT_STREQ(indefinite.error().name, "ldap.indefinite_length");
  const auto too_long = read_header(from_hex("30850000000010"));
  ASSERT_FALSE(too_long.has_value());
  EXPECT_STREQ(too_long.error().name, "ldap.length_too_long");
  const auto high_tag = read_header(from_hex("1f0100"));
  ASSERT_FALSE(high_tag.has_value());
  EXPECT_STREQ(high_tag.error().name, "ldap.high_tag_number");
}

TEST(LdapParser, SplitsSaslPlainCredentials) {
  const std::string_view with_authzid{"dn:admin\0bob\0secret", 19};
  const auto plain = parse_sasl_plain(as_bytes(with_authzid));
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->user, "bob");
  EXPECT_EQ(plain->password, "secret");
  EXPECT_FALSE(parse_sasl_plain(as_bytes("no separators")).has_value());
  EXPECT_FALSE(parse_sasl_plain(as_bytes(std::string_view{"a\0b\0c\0d", 7})).has_value());
}

TEST(LdapAnalyzer, SimpleBindsGiveCleartextCredentialsAndSuccessfulLogins) {
  RecordingSink sink;
  Feeder feeder(sink);
  for (const auto& [to_server, hex] :
       std::vector<std::pair<bool, std::string_view>>{{true, kSimpleBind1},
                                                      {false, kBindSuccess1},
                                                      {true, kSearch2},
                                                      {false, kSearchResults2},
                                                      {true, kSimpleBind3},
                                                      {false, kBindSuccess3}}) {
    ASSERT_TRUE(to_server ? feeder.to_server(hex) : feeder.to_client(hex));
  }
  EXPECT_TRUE(sink.anomalies.empty());
  const std::string first = "ldap user=xxxxxxxxxxx@xx.xxx.xxxxx.net";
  const std::string second =
      "ldap user=CN=xxxxxxxx,OU=Users,OU=Accounts,DC=xx,DC=xxx,DC=xxxxx,DC=net";
  EXPECT_EQ(sink.values(Attr::CleartextCredential), (std::vector<std::string>{first, second}));
  EXPECT_TRUE(sink.has(Who::Receiver, Attr::CleartextCredential, first, "ldap"));
  EXPECT_TRUE(sink.has(Who::Sender, Attr::LoginAttempt, first + " result=success", "ldap"));
  EXPECT_TRUE(sink.has(Who::Sender, Attr::LoginAttempt, second + " result=success", "ldap"));
  EXPECT_EQ(sink.values(Attr::Protocol), (std::vector<std::string>{"ldap", "ldap"}));
  EXPECT_TRUE(sink.values(Attr::DefaultCredential).empty());
  // No password anywhere in what was reported.
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.value.find("passwor8d1"), std::string::npos);
    EXPECT_EQ(record.value.find("/dev/rdsk"), std::string::npos);
  }
}

TEST(LdapAnalyzer, AnNtlmBindThatFailsIsAFailedLoginWithoutACleartextCredential) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kNtlmNegotiate));
  ASSERT_TRUE(feeder.to_client(kNtlmChallenge));
  EXPECT_TRUE(sink.values(Attr::LoginAttempt).empty());  // saslBindInProgress is no verdict
  ASSERT_TRUE(feeder.to_server(kNtlmAuthenticate));
  ASSERT_TRUE(feeder.to_client(kNtlmInvalid));
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            (std::vector<std::string>{"ldap user=Administrator result=failure"}));
  EXPECT_TRUE(sink.values(Attr::CleartextCredential).empty());
}

TEST(LdapAnalyzer, MessagesSplitAcrossSegmentsAreReassembled) {
  RecordingSink sink;
  Feeder feeder(sink);
  const std::vector<std::uint8_t> request = from_hex(kNtlmAuthenticate);
  for (const std::uint8_t byte : from_hex(kNtlmNegotiate)) {
    ASSERT_TRUE(feeder.feed(Direction::ToServer, Bytes(&byte, 1)));
  }
  ASSERT_TRUE(feeder.to_client(kNtlmChallenge));
  ASSERT_TRUE(feeder.feed(Direction::ToServer, Bytes(request).first(5)));
  ASSERT_TRUE(feeder.feed(Direction::ToServer, Bytes(request).subspan(5, 300)));
  ASSERT_TRUE(feeder.feed(Direction::ToServer, Bytes(request).subspan(305)));
  ASSERT_TRUE(feeder.to_client(kNtlmInvalid));
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            (std::vector<std::string>{"ldap user=Administrator result=failure"}));
}

TEST(LdapAnalyzer, SaslPlainIsACleartextCredentialAndIsComparedWithTheDefaultLists) {
  RecordingSink sink;
  Feeder feeder(sink);
  ASSERT_TRUE(feeder.to_server(kPlainBind));
  ASSERT_TRUE(feeder.to_client(kPlainSuccess));
  EXPECT_TRUE(sink.has(Who::Receiver, Attr::CleartextCredential, "ldap user=admin", "ldap"));
  EXPECT_TRUE(
      sink.has(Who::Receiver, Attr::DefaultCredential, "ldap user=admin list=mirai", "ldap"));
  EXPECT_TRUE(sink.has(Who::Sender, Attr::LoginAttempt, "ldap user=admin result=success", "ldap"));
}

TEST(LdapAnalyzer, StartTlsEndsTheAnalysis) {
  RecordingSink sink;
  auto analyzer = make_ldap_analyzer();
  const std::vector<std::uint8_t> request = from_hex(kStartTls);
  const std::vector<std::uint8_t> response = from_hex(kStartTlsSuccess);
  ASSERT_TRUE(analyzer->on_data(Direction::ToServer, request, sink).has_value());
  EXPECT_FALSE(analyzer->is_done());
  ASSERT_TRUE(analyzer->on_data(Direction::ToClient, response, sink).has_value());
  EXPECT_TRUE(analyzer->is_done());
  EXPECT_TRUE(sink.anomalies.empty());
}

TEST(LdapAnalyzer, ASuccessfulBindThatMaySealEndsTheAnalysis) {
  // Constructed: bindRequest(5), SASL GSS-SPNEGO without credentials, and its success. Active
  // Directory signs and seals what follows such a bind: no longer LDAP messages in the clear.
  RecordingSink sink;
  auto analyzer = make_ldap_analyzer();
  const std::vector<std::uint8_t> request =
      from_hex("301802010560130201030400a30c040a4753532d53504e45474f");
  const std::vector<std::uint8_t> response = from_hex("300c02010561070a010004000400");
  ASSERT_TRUE(analyzer->on_data(Direction::ToServer, request, sink).has_value());
  ASSERT_TRUE(analyzer->on_data(Direction::ToClient, response, sink).has_value());
  EXPECT_TRUE(analyzer->is_done());
  EXPECT_EQ(sink.values(Attr::LoginAttempt),
            (std::vector<std::string>{"ldap user=(none) result=success"}));
  // A refused one does not: the client may try again in the clear.
  RecordingSink refused_sink;
  Feeder feeder(refused_sink);
  ASSERT_TRUE(feeder.to_server(kNtlmNegotiate));
  ASSERT_TRUE(feeder.to_client(kNtlmChallenge));
  ASSERT_TRUE(feeder.to_server(kNtlmAuthenticate));
  ASSERT_TRUE(feeder.to_client(kNtlmInvalid));
  ASSERT_TRUE(feeder.to_server(kSimpleBind1));
  EXPECT_EQ(refused_sink.values(Attr::CleartextCredential),
            (std::vector<std::string>{"ldap user=xxxxxxxxxxx@xx.xxx.xxxxx.net"}));
}

TEST(LdapAnalyzer, LargeResultsAreSkippedUnbufferedAndHugeBindsAreCounted) {
  RecordingSink sink;
  auto analyzer = make_ldap_analyzer();
  // A searchResEntry announcing 1 MiB: skipped from its first bytes on.
  const std::vector<std::uint8_t> entry = from_hex("308310000a02010264831000030400");
  const auto skipped = analyzer->on_data(Direction::ToClient, entry, sink);
  ASSERT_TRUE(skipped.has_value());
  EXPECT_EQ(*skipped, std::size_t{0x10000a} + 5);
  // A bindRequest announcing 1 MiB is not buffered either: counted and skipped.
  const std::vector<std::uint8_t> bind = from_hex("308310000a02010360831000030201030400");
  const auto too_large = analyzer->on_data(Direction::ToServer, bind, sink);
  ASSERT_TRUE(too_large.has_value());
  EXPECT_GT(*too_large, bind.size());
  EXPECT_EQ(sink.anomalies, (std::vector<std::string>{"ldap.message_too_large"}));
}

TEST(LdapAnalyzer, OtherBytesStopTheDirection) {
  RecordingSink sink;
  Feeder feeder(sink);
  EXPECT_FALSE(feeder.feed(Direction::ToServer, as_bytes("GET / HTTP/1.1\r\n\r\n")));
  EXPECT_EQ(sink.anomalies, (std::vector<std::string>{"ldap.bad_message"}));
  EXPECT_TRUE(sink.records.empty());
}

TEST(LdapAnalyzer, ProbeRecognisesABindRequestOnly) {
  EXPECT_TRUE(probe_ldap(from_hex(kSimpleBind1)));
  EXPECT_TRUE(probe_ldap(from_hex(kNtlmNegotiate)));
  EXPECT_FALSE(probe_ldap(from_hex(kSearch2)));
  EXPECT_FALSE(probe_ldap(as_bytes("SSH-2.0-OpenSSH_9.2\r\n")));
  EXPECT_FALSE(probe_ldap(Bytes(from_hex(kSimpleBind1)).first(20)));
}

}  // namespace
}  // namespace warden::proto::ldap
