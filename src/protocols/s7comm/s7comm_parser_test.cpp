// SPDX-License-Identifier: Apache-2.0
// Test vectors are TCP payloads (TPKT onwards) from captures under /work/shared/pcaps, extracted
// with `tshark -r FILE -T fields -e tcp.payload`; each names its file and frame number.
#include "protocols/s7comm/s7comm_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "protocols/s7comm/s7comm_analyzer.hpp"
#include "testutil/hex.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::s7comm {
namespace {

using testutil::from_hex;
using testutil::RecordingSink;

// ndpi/s7comm.pcap frame 1: COTP CR, src-ref 0x0007, calling TSAP 0100, called TSAP 0102
// (PG connection to rack 0 slot 2), TPDU size 1024.
constexpr std::string_view kCotpConnectRequest = "0300001611e00000000700c1020100c2020102c0010a";
// ndpi/s7comm.pcap frame 2: COTP CC answering it.
constexpr std::string_view kCotpConnectConfirm = "0300001611d00007000300c0010ac1020100c2020102";
// iti-ics/s7_snap7_s300_everything.pcapng frame 1: Job setup-communication (PDU size 480).
constexpr std::string_view kSetupCommunication =
    "0300001902f08032010000000000080000f0000001000101e0";
// Same capture, frame 2: Ack_Data setup-communication.
constexpr std::string_view kSetupCommunicationAck =
    "0300001b02f080320300000000000800000000f0000001000100f0";
// Same capture, frame 3: Userdata request, CPU functions / read SZL, SZL-ID 0x0011 index 0.
constexpr std::string_view kReadSzl0011 =
    "0300002102f080320700000100000800080001120411440100ff09000400110000";
// Same capture, frame 4: the response: 4 records of 28 bytes; record 1 MlfB
// "6ES7 315-2EH14-0AB0 ", record 7 Ausbg 0x5603 Ausbe 0x0207 = firmware V3.2.7.
constexpr std::string_view kSzl0011Response =
    "0300009902f080320700000100000c007c000112081284010200000000ff09007800110000001c00040001364553"
    "37203331352d32454831342d304142302000c000030001000636455337203331352d32454831342d3041423020"
    "00c0000300010007202020202020202020202020202020202020202000c0560302070081426f6f74204c6f6164"
    "6572202020202020202020000041200909";
// Same capture, frame 6: first fragment of the SZL 0x001C response (data unit 213, more data):
// 10 records of 34 bytes, this PDU holding records 1-6 and the index of record 7.
constexpr std::string_view kSzl001cFragment1 =
    "030000f702f080320700000200000c00da0001120812840102d5010000ff0900d6001c00000022000a00015337"
    "3330302f45543230304d2073746174696f6e5f31000000000000000000000002504c435f3100000000000000000000"
    "00000000000000000000000000000000000003000000000000000000000000000000000000000000000000000000"
    "000000000000044f726967696e616c205369656d656e732045717569706d656e7400000000000000055320432d42"
    "3155333933313432303131000000000000000000000000000000000007435055203331352d3220504e2f44500000"
    "0000000000000000000000000000000008";
// Same capture, frame 7: the client asks for the next data unit.
constexpr std::string_view kSzl001cNext =
    "0300002102f080320700000300000c00040001120812440102000000000a000000";
// Same capture, frame 8: the last fragment (records 7-10).
constexpr std::string_view kSzl001cFragment2 =
    "030000a702f080320700000300000c008a0001120812840102d5000000ff0900864d4d43203441314143303139"
    "00000000000000000000000000000000000000000009002af60000010000000000000000000000000000000000"
    "000000000000000000000a0000000000000000000000000000000000000000000000000000000000000000000b"
    "0000000000000000000000000000000000000000000000000000000000000000";
// Same capture, frame 49: Job write-var, one item (DB 1 byte 0, 4 bytes).
constexpr std::string_view kWriteVar =
    "0300002702f080320100001800000e00080501120a100800010000830000800007000479e9f642";
// Same capture, frame 63: Job plc-control (PI service "P_PROGRAM", parameter "C ": start).
constexpr std::string_view kPlcControlStart =
    "0300002702f080320100001f000016000028000000000000fd0002432009505f50524f4752414d";
// iti-ics/s7_snap7_s300_stop.pcapng frame 1: Job plc-stop, PI service "P_PROGRAM".
constexpr std::string_view kPlcStop =
    "0300002102f0803201000000020010000029000000000009505f50524f4752414d";
// Same capture, frame 2: Ack_Data plc-stop.
constexpr std::string_view kPlcStopAck = "0300001402f08032030000000200010000000029";
// iti-ics/s7_step7_s300_copyRamToRom.pcapng frame 1: Job PI service _MODU("EP").
constexpr std::string_view kPiModu =
    "0300002302f080320100000a000012000028000000000000fd00024550055f4d4f4455";
// iti-ics/s7_tia_s300_downloadHwConfig.pcapng frame 66: Job request-download of SDB7.
constexpr std::string_view kRequestDownload =
    "0300003102f080320100007700002000001a00010000000000095f30423030303037500d313030303039343030"
    "30303232";
// iti-ics/s7_step7_s300_AuthPassword.pcapng frame 3: Userdata request, security / PLC password
// (the 8 obfuscated password bytes are test data, never reported).
constexpr std::string_view kPlcPassword =
    "0300002502f0803207000006000008000c0001120411450100ff090008213a1b1d6e681b1d";
// ndpi/s7comm-plus.pcap frame 6: COTP CR to called TSAP "SIMATIC-ROOT-HMI".
constexpr std::string_view kPlusConnectRequest =
    "030000241fe00000011200c1020620c21053494d415449432d524f4f542d484d49c0010a";
// Same capture, frame 12: an S7comm-plus PDU (protocol id 0x72) from the PLC, first 0x89 bytes.
constexpr std::string_view kPlusResponse =
    "0300008902f0807201007a32000004ca00000001361102873e8723a100000120821f0000a38169001500a38232"
    "00170000013a823b00048200823c00048140823d00048480c040823e00048480c040823f00151b313b36455337"
    "203231312d31424533312d30584230203b56332e308240001505323b32383882410003000300a2000000007201"
    "0000";
// ndpi/iso9506-1-mms.pcap frame 7: MMS initiate over COTP DT (session SPDU 0x0d), not S7.
constexpr std::string_view kMmsInitiate =
    "030000a702f0800d9e0506130100160102140200023302000134020001c188318185a003800101a27e81040000"
    "0001820400000001a423300f0201010604520100013004060251013010020103060528ca220201300406025101"
    "8802060061473045020101a040603e80020780a107060528ca220203be2f282d020103a028a826800300fa0081"
    "010a82010a830105a416800101810305e100820c03a00000000000000000e110";

/// The S7 PDU of a TPKT+COTP DT packet (the 7 bytes of TPKT and COTP DT headers removed).
std::vector<std::uint8_t> s7_of(std::string_view packet_hex) {
  std::vector<std::uint8_t> bytes = from_hex(packet_hex);
  bytes.erase(bytes.begin(), bytes.begin() + 7);
  return bytes;
}

/// Plays the flow's role: per direction, buffers what the analyzer did not consume.
class Flow {
 public:
  /// Delivers `hex` in pieces of `chunk` bytes; false once the analyzer stopped the direction.
  bool feed(Direction dir, std::string_view hex, std::size_t chunk = 100000) {
    const std::vector<std::uint8_t> bytes = from_hex(hex);
    for (std::size_t offset = 0; offset < bytes.size(); offset += chunk) {
      auto& buffer = buffers_.at(static_cast<std::size_t>(dir));
      const auto end =
          bytes.begin() + static_cast<std::ptrdiff_t>(std::min(bytes.size(), offset + chunk));
      buffer.insert(buffer.end(), bytes.begin() + static_cast<std::ptrdiff_t>(offset), end);
      const auto used = analyzer.on_data(dir, buffer, sink);
      if (!used) {
        if (used.error().code != ParseErrorCode::Incomplete) {
          error = used.error().name;
          return false;
        }
        continue;
      }
      buffer.erase(buffer.begin(),
                   buffer.begin() + static_cast<std::ptrdiff_t>(std::min(*used, buffer.size())));
    }
    return true;
  }

  S7commAnalyzer analyzer;
  RecordingSink sink;
  std::string error;

 private:
  std::array<std::vector<std::uint8_t>, 2> buffers_;
};

bool has(const RecordingSink& sink, Who who, Attr attr, std::string_view value,
         std::string_view protocol = "s7comm") {
  return sink.has(who, attr, value, protocol);
}

TEST(S7commTpkt, ParsesLengthAndRejectsWrongVersion) {
  const auto header = parse_tpkt_header(from_hex(kPlcStop));
  ASSERT_TRUE(header);
  EXPECT_EQ(header->length, 0x21);

  std::vector<std::uint8_t> bad = from_hex(kPlcStop);
  bad[0] = 2;
  const auto wrong = parse_tpkt_header(bad);
  ASSERT_FALSE(wrong);
  EXPECT_STREQ(wrong.error().name, "s7comm.bad_tpkt");

  bad = from_hex(kPlcStop);
  bad[3] = 6;  // shorter than TPKT + COTP DT
  EXPECT_FALSE(parse_tpkt_header(bad));
  EXPECT_EQ(parse_tpkt_header(Bytes(bad).first(3)).error().code, ParseErrorCode::Incomplete);
}

TEST(S7commCotp, ReadsTsapsOfConnectionRequestAndConfirm) {
  const std::vector<std::uint8_t> request = from_hex(kCotpConnectRequest);
  const auto cr = parse_cotp(Bytes(request).subspan(kTpktHeaderLength));
  ASSERT_TRUE(cr);
  EXPECT_EQ(cr->type, CotpType::ConnectionRequest);
  EXPECT_EQ(to_hex(cr->calling_tsap), "0100");
  EXPECT_EQ(to_hex(cr->called_tsap), "0102");

  const std::vector<std::uint8_t> confirm = from_hex(kCotpConnectConfirm);
  const auto cc = parse_cotp(Bytes(confirm).subspan(kTpktHeaderLength));
  ASSERT_TRUE(cc);
  EXPECT_EQ(cc->type, CotpType::ConnectionConfirm);
  EXPECT_EQ(to_hex(cc->called_tsap), "0102");
}

TEST(S7commCotp, RejectsParameterOverrunningTheHeader) {
  std::vector<std::uint8_t> request = from_hex(kCotpConnectRequest);
  request[request.size() - 2] = 9;  // TPDU-size parameter claims 9 bytes, 1 present
  const auto cr = parse_cotp(Bytes(request).subspan(kTpktHeaderLength));
  ASSERT_FALSE(cr);
  EXPECT_STREQ(cr.error().name, "s7comm.bad_cotp");
}

TEST(S7commCotp, DataCarriesTheS7Pdu) {
  const std::vector<std::uint8_t> packet = from_hex(kPlcStop);
  const auto dt = parse_cotp(Bytes(packet).subspan(kTpktHeaderLength));
  ASSERT_TRUE(dt);
  EXPECT_EQ(dt->type, CotpType::Data);
  EXPECT_TRUE(dt->last_data_unit);
  ASSERT_FALSE(dt->payload.empty());
  EXPECT_EQ(dt->payload[0], kProtocolIdS7);
}

TEST(S7commPdu, ParsesJobAndAckDataHeaders) {
  const std::vector<std::uint8_t> job_bytes = s7_of(kPlcStop);
  const auto job = parse_s7_pdu(job_bytes);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->rosctr, static_cast<std::uint8_t>(Rosctr::Job));
  EXPECT_EQ(job->pdu_reference, 0x0002);
  ASSERT_EQ(job->parameter.size(), 16U);
  EXPECT_EQ(job->parameter[0], 0x29);
  EXPECT_TRUE(job->data.empty());

  const std::vector<std::uint8_t> ack_bytes = s7_of(kPlcStopAck);
  const auto ack = parse_s7_pdu(ack_bytes);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->rosctr, static_cast<std::uint8_t>(Rosctr::AckData));
  EXPECT_EQ(ack->error_class, 0);
  ASSERT_EQ(ack->parameter.size(), 1U);
  EXPECT_EQ(ack->parameter[0], 0x29);
}

TEST(S7commPdu, RejectsLengthsPastTheEndAndOtherProtocols) {
  std::vector<std::uint8_t> pdu = s7_of(kPlcStop);
  pdu[7] = 0x20;  // parameter length 32, 16 present
  const auto long_param = parse_s7_pdu(pdu);
  ASSERT_FALSE(long_param);
  EXPECT_STREQ(long_param.error().name, "s7comm.bad_length");

  pdu = s7_of(kPlcStop);
  pdu[1] = 5;  // no such ROSCTR
  EXPECT_STREQ(parse_s7_pdu(pdu).error().name, "s7comm.bad_header");
  EXPECT_STREQ(parse_s7_pdu(s7_of(kPlusResponse)).error().name, "s7comm.bad_header");
}

TEST(S7commPiService, ReadsServiceNames) {
  EXPECT_EQ(parse_pi_service(parse_s7_pdu(s7_of(kPlcStop))->parameter).value(), "P_PROGRAM");
  EXPECT_EQ(parse_pi_service(parse_s7_pdu(s7_of(kPiModu))->parameter).value(), "_MODU");
  EXPECT_EQ(parse_pi_service(parse_s7_pdu(s7_of(kPlcControlStart))->parameter).value(),
            "P_PROGRAM");
  std::vector<std::uint8_t> cut = s7_of(kPiModu);
  cut[7] = 0x11;  // parameter length one short: the name is cut
  cut.pop_back();
  const auto pdu = parse_s7_pdu(cut);
  ASSERT_TRUE(pdu);
  EXPECT_STREQ(parse_pi_service(pdu->parameter).error().name, "s7comm.bad_pi_service");
}

TEST(S7commUserdata, ParsesRequestAndResponseParameters) {
  const std::vector<std::uint8_t> request_bytes = s7_of(kReadSzl0011);
  const auto request = parse_s7_pdu(request_bytes);
  ASSERT_TRUE(request);
  const auto param = parse_userdata_parameter(request->parameter);
  ASSERT_TRUE(param);
  EXPECT_EQ(param->type, kUserdataRequest);
  EXPECT_EQ(param->function_group, group::kCpu);
  EXPECT_EQ(param->subfunction, 1);

  const std::vector<std::uint8_t> fragment_bytes = s7_of(kSzl001cFragment1);
  const auto fragment = parse_s7_pdu(fragment_bytes);
  ASSERT_TRUE(fragment);
  const auto more = parse_userdata_parameter(fragment->parameter);
  ASSERT_TRUE(more);
  EXPECT_EQ(more->type, kUserdataResponse);
  EXPECT_EQ(more->data_unit_reference, 0xD5);
  EXPECT_FALSE(more->last_data_unit);
}

TEST(S7commSzl, ReadsModuleIdentification) {
  const std::vector<std::uint8_t> bytes = s7_of(kSzl0011Response);
  const auto pdu = parse_s7_pdu(bytes);
  ASSERT_TRUE(pdu);
  const auto data = parse_userdata_data(pdu->data);
  ASSERT_TRUE(data);
  EXPECT_EQ(data->return_code, kReturnSuccess);
  const auto szl = parse_szl(data->value);
  ASSERT_TRUE(szl);
  EXPECT_EQ(szl->id, 0x0011);
  EXPECT_EQ(szl->record_length, 28);
  EXPECT_EQ(szl->record_count, 4);
  const ModuleIdentity identity = parse_identity(*szl);
  EXPECT_EQ(identity.order_number, "6ES7 315-2EH14-0AB0");
  ASSERT_TRUE(identity.firmware);
  EXPECT_EQ(identity.firmware->major, 3);
  EXPECT_EQ(identity.firmware->minor, 2);
  EXPECT_EQ(identity.firmware->patch, 7);
}

TEST(S7commSzl, CapsRecordCountToTheBytesPresent) {
  std::vector<std::uint8_t> pdu = s7_of(kSzl0011Response);
  pdu[33] = 0xFF;  // record count 255 of 4 present
  const auto parsed = parse_s7_pdu(pdu);
  ASSERT_TRUE(parsed);
  const auto szl = parse_szl(parse_userdata_data(parsed->data)->value);
  ASSERT_TRUE(szl);
  EXPECT_EQ(szl->record_count, 0xFF);
  EXPECT_EQ(parse_identity(*szl).order_number, "6ES7 315-2EH14-0AB0");
}

TEST(S7commAnalyzer, ReportsIdentityOfTheSnap7Session) {
  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, kSetupCommunication));
  ASSERT_TRUE(flow.feed(Direction::ToClient, kSetupCommunicationAck));
  ASSERT_TRUE(flow.feed(Direction::ToServer, kReadSzl0011));
  ASSERT_TRUE(flow.feed(Direction::ToClient, kSzl0011Response));
  ASSERT_TRUE(flow.feed(Direction::ToClient, kSzl001cFragment1));
  ASSERT_TRUE(flow.feed(Direction::ToServer, kSzl001cNext));
  ASSERT_TRUE(flow.feed(Direction::ToClient, kSzl001cFragment2));
  ASSERT_TRUE(flow.feed(Direction::ToClient, kSzl0011Response));  // re-read: not reported again
  const RecordingSink& sink = flow.sink;
  EXPECT_EQ(sink.values(Attr::IcsRevision).size(), 1U);
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_TRUE(has(sink, Who::Sender, Attr::Protocol, "s7comm"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "s7 setup-communication"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "s7 read-szl"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsProduct, "6ES7 315-2EH14-0AB0"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsRevision, "V3.2.7"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsObjectName, "PLC_1"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsSerial, "S C-B1U393142011"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsProduct, "CPU 315-2 PN/DP"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsVendor, "Siemens"));
  EXPECT_EQ(sink.values(Attr::IcsFunction).size(), 2U);
  EXPECT_TRUE(sink.values(Attr::IcsControl).empty());
}

TEST(S7commAnalyzer, ReportsPlcStopAndItsPiService) {
  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, kPlcStop));
  ASSERT_TRUE(flow.feed(Direction::ToClient, kPlcStopAck));
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsFunction, "s7 plc-stop"));
  EXPECT_TRUE(has(flow.sink, Who::Receiver, Attr::IcsControl, "s7 plc-stop"));
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsFunction, "s7 pi-service P_PROGRAM"));
  EXPECT_TRUE(flow.sink.anomalies.empty());
}

TEST(S7commAnalyzer, ReportsControlOperationsOncePerFlow) {
  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, kWriteVar));
  ASSERT_TRUE(flow.feed(Direction::ToServer, kWriteVar));
  ASSERT_TRUE(flow.feed(Direction::ToServer, kRequestDownload));
  ASSERT_TRUE(flow.feed(Direction::ToServer, kPlcControlStart));
  ASSERT_TRUE(flow.feed(Direction::ToServer, kPiModu));
  const RecordingSink& sink = flow.sink;
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsControl, "s7 write-var"));
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsControl, "s7 download"));
  EXPECT_TRUE(has(sink, Who::Receiver, Attr::IcsControl, "s7 plc-control"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "s7 write-var"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "s7 request-download"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "s7 plc-control"));
  EXPECT_TRUE(has(sink, Who::Sender, Attr::IcsFunction, "s7 pi-service _MODU"));
  EXPECT_EQ(sink.values(Attr::IcsControl).size(), 3U);
}

TEST(S7commAnalyzer, NeverReportsThePasswordBytes) {
  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, kPlcPassword));
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsFunction, "s7 plc-password"));
  for (const auto& record : flow.sink.records) {
    EXPECT_EQ(record.value.find("213a1b1d"), std::string::npos);
  }
}

TEST(S7commAnalyzer, ReportsCalledTsapAboutTheServer) {
  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, kCotpConnectRequest));
  ASSERT_TRUE(flow.feed(Direction::ToClient, kCotpConnectConfirm));
  EXPECT_TRUE(flow.sink.records.empty());  // not yet known to be S7
  ASSERT_TRUE(flow.feed(Direction::ToServer, kSetupCommunication));
  EXPECT_TRUE(has(flow.sink, Who::Receiver, Attr::IcsAddress, "s7 tsap 0102"));
}

TEST(S7commAnalyzer, ReportsS7commPlus) {
  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, kPlusConnectRequest));
  ASSERT_TRUE(flow.feed(Direction::ToClient, kPlusResponse));
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::Protocol, "s7comm-plus", "s7comm-plus"));
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsAddress,
                  "s7 tsap 53494d415449432d524f4f542d484d49", "s7comm-plus"));
  // A PLC response is not a function the PLC used.
  EXPECT_TRUE(flow.sink.values(Attr::IcsFunction).empty());
  EXPECT_TRUE(flow.sink.anomalies.empty());
}

TEST(S7commAnalyzer, HandlesPdusSplitAndCoalescedAcrossSegments) {
  Flow split;
  const std::string both = std::string(kSzl0011Response) + std::string(kSzl001cFragment1) +
                           std::string(kSzl001cFragment2);
  ASSERT_TRUE(split.feed(Direction::ToClient, both, 1));
  EXPECT_TRUE(has(split.sink, Who::Sender, Attr::IcsRevision, "V3.2.7"));
  EXPECT_TRUE(has(split.sink, Who::Sender, Attr::IcsSerial, "S C-B1U393142011"));
  Flow coalesced;
  ASSERT_TRUE(coalesced.feed(Direction::ToClient, both));
  EXPECT_EQ(coalesced.sink.records.size(), split.sink.records.size());
}

TEST(S7commAnalyzer, StopsOnABrokenTpkt) {
  Flow flow;
  EXPECT_FALSE(
      flow.feed(Direction::ToServer, "0400001902f08032010000000000080000f0000001000101e0"));
  EXPECT_EQ(flow.error, "s7comm.bad_tpkt");
}

TEST(S7commAnalyzer, CountsABadS7PduAndGoesOn) {
  Flow flow;
  std::string bad(kSetupCommunication);
  bad.replace(28, 2, "09");  // parameter length 0x0009 > 8 present
  ASSERT_TRUE(flow.feed(Direction::ToServer, bad + std::string(kPlcStop)));
  ASSERT_EQ(flow.sink.anomalies.size(), 1U);
  EXPECT_EQ(flow.sink.anomalies[0], "s7comm.bad_length");
  EXPECT_TRUE(has(flow.sink, Who::Sender, Attr::IcsFunction, "s7 plc-stop"));
}

TEST(S7commAnalyzer, LeavesOtherCotpProtocolsAlone) {
  Flow flow;
  ASSERT_TRUE(flow.feed(Direction::ToServer, kMmsInitiate));
  EXPECT_TRUE(flow.analyzer.is_done());
  EXPECT_TRUE(flow.sink.records.empty());
  EXPECT_TRUE(flow.sink.anomalies.empty());
}

}  // namespace
}  // namespace warden::proto::s7comm
