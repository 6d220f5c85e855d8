// SPDX-License-Identifier: Apache-2.0
// UPnP device descriptions shared by the UPnP and HTTP tests: real bodies captured from devices,
// and one written by hand where no capture had the shape needed.
#pragma once

#include <string_view>

namespace warden::proto::upnp::testdata {

using namespace std::string_view_literals;  // NOLINT(google-build-using-namespace): test data

// ndpi/anyconnect-vpn.pcap frame 513 (tcp.stream 20), 10.0.0.149:8008 -> 10.0.0.227:56954: the
// body of the response to "GET /ssdp/device-desc.xml" (1079 bytes; the head is
// http::testdata::kChromecastResponseHead). A Google Chromecast: deviceType
// urn:dial-multiscreen-org:device:dial:1, friendlyName Chromecast1699, manufacturer Google Inc.,
// modelName Eureka Dongle, UDN uuid:79d88e83-725c-b71b-bad0-5862d5b22386, iconList, serviceList.
inline constexpr std::string_view kChromecastDescription =
    "<?xml version=\"1.0\"?>\r\n"
    "<root xmlns=\"urn:schemas-upnp-org:device-1-0\">\r\n"
    "  <specVersion>\r\n"
    "    <major>1</major>\r\n"
    "    <minor>0</minor>\r\n"
    "  </specVersion>\r\n"
    "  <URLBase>http://10.0.0.149:8008</URLBase>\r\n"
    "  <device>\r\n"
    "    <deviceType>urn:dial-multiscreen-org:device:dial:1</deviceType>\r\n"
    "    <friendlyName>Chromecast1699</friendlyName>\r\n"
    "    <manufacturer>Google Inc.</manufacturer>\r\n"
    "    <modelName>Eureka Dongle</modelName>\r\n"
    "    <UDN>uuid:79d88e83-725c-b71b-bad0-5862d5b22386</UDN>\r\n"
    "    <iconList>\r\n"
    "      <icon>\r\n"
    "        <mimetype>image/png</mimetype>\r\n"
    "        <width>98</width>\r\n"
    "        <height>55</height>\r\n"
    "        <depth>32</depth>\r\n"
    "        <url>/setup/icon.png</url>\r\n"
    "      </icon>\r\n"
    "    </iconList>\r\n"
    "    <serviceList>\r\n"
    "      <service>\r\n"
    "        <serviceType>urn:dial-multiscreen-org:service:dial:1</serviceType>\r\n"
    "        <serviceId>urn:dial-multiscreen-org:serviceId:dial</serviceId>\r\n"
    "        <controlURL>/ssdp/notfound</controlURL>\r\n"
    "        <eventSubURL>/ssdp/notfound</eventSubURL>\r\n"
    "        <SCPDURL>/ssdp/notfound</SCPDURL>\r\n"
    "      </service>\r\n"
    "    </serviceList>\r\n"
    "  </device>\r\n"
    "</root>\r\n"sv;

// ndpi/anyconnect-vpn.pcap frame 518 (tcp.stream 21), 10.0.0.151:8060 -> 10.0.0.227:56955: the
// whole 1140-byte body of the response to "GET /dial/dd.xml", in a segment of its own after the
// head (frame 516, http::testdata::kRokuResponseHead). A Roku Express: deviceType
// urn:roku-com:device:player:1-0, friendlyName Express, manufacturer Roku, modelName Roku Express,
// modelNumber 3900X, serialNumber YG004J486863, UDN uuid:295c0004-6807-106d-80cf-d831342077fb.
inline constexpr std::string_view kRokuDescription =
    "<?xml version=\"1.0\"?>\r\n"
    "<root xmlns=\"urn:schemas-upnp-org:device-1-0\">\r\n"
    "<specVersion>\r\n"
    "<major>1</major>\r\n"
    "<minor>0</minor>\r\n"
    "</specVersion>\r\n"
    "<device>\r\n"
    "<deviceType>urn:roku-com:device:player:1-0</deviceType>\r\n"
    "<friendlyName>Express</friendlyName>\r\n"
    "<manufacturer>Roku</manufacturer>\r\n"
    "<manufacturerURL>http://www.roku.com/</manufacturerURL>\r\n"
    "<modelDescription>Roku Streaming Player Network Media</modelDescription>\r\n"
    "<modelName>Roku Express</modelName>\r\n"
    "<modelNumber>3900X</modelNumber>\r\n"
    "<modelURL>http://www.roku.com/</modelURL>\r\n"
    "<serialNumber>YG004J486863</serialNumber>\r\n"
    "<UDN>uuid:295c0004-6807-106d-80cf-d831342077fb</UDN>\r\n"
    "<serviceList>\r\n"
    "<service>\r\n"
    "<serviceType>urn:roku-com:service:ecp:1</serviceType>\r\n"
    "<serviceId>urn:roku-com:serviceId:ecp1-0</serviceId>\r\n"
    "<controlURL></controlURL>\r\n"
    "<eventSubURL></eventSubURL>\r\n"
    "<SCPDURL>ecp_SCPD.xml</SCPDURL>\r\n"
    "</service>\r\n"
    "<service>\r\n"
    "<serviceType>urn:dial-multiscreen-org:service:dial:1</serviceType>\r\n"
    "<serviceId>urn:dial-multiscreen-org:serviceId:dial1-0</serviceId>\r\n"
    "<controlURL></controlURL>\r\n"
    "<eventSubURL></eventSubURL>\r\n"
    "<SCPDURL>dial_SCPD.xml</SCPDURL>\r\n"
    "</service>\r\n"
    "</serviceList>\r\n"
    "</device>\r\n"
    "</root>\r\n"sv;

// Written by hand (no capture holds a description with embedded devices), modelled on the
// InternetGatewayDevice:1 template of the UPnP IGD specification as served by MiniUPnPd
// (rootDesc.xml, announced as LOCATION by the router in suricata-verify/sip-ssdp-pm__ssdp.pcap).
// The root device's fields use an entity (&amp;), a character reference (&#174;), a CDATA
// section, attributes and a namespace prefix; its deviceList holds a WANDevice holding a
// WANConnectionDevice, each with fields of its own that must not be taken; presentationURL comes
// after the deviceList, as MiniUPnPd writes it.
inline constexpr std::string_view kIgdDescription =
    "<?xml version=\"1.0\"?>\r\n"
    "<root xmlns=\"urn:schemas-upnp-org:device-1-0\" configId=\"1337\">"
    "<specVersion><major>1</major><minor>1</minor></specVersion>"
    "<!-- <device><friendlyName>commented out</friendlyName></device> -->"
    "<device>"
    "<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>"
    "<friendlyName>Tomato &amp; Toastman&#174; Router</friendlyName>"
    "<manufacturer><![CDATA[Tomato Firmware <Toastman>]]></manufacturer>"
    "<manufacturerURL>http://www.linksysbycisco.com/</manufacturerURL>"
    "<modelDescription>Tomato Router</modelDescription>"
    "<modelName lang=\"en\">Tomato Router</modelName>"
    "<modelNumber>1.28.7500</modelNumber>"
    "<serialNumber>00000000</serialNumber>"
    "<UDN>uuid:04645c3d-e6b4-4eea-bd35-5c320c12969f</UDN>"
    "<serviceList><service>"
    "<serviceType>urn:schemas-microsoft-com:service:OSInfo:1</serviceType>"
    "<serviceId>urn:microsoft-com:serviceId:OSInfo1</serviceId>"
    "<SCPDURL>/OSInfo.xml</SCPDURL>"
    "</service></serviceList>"
    "<deviceList><device>"
    "<deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>"
    "<friendlyName>WANDevice</friendlyName>"
    "<manufacturer>MiniUPnP</manufacturer>"
    "<modelName>WAN Device</modelName>"
    "<serialNumber>11111111</serialNumber>"
    "<UDN>uuid:04645c3d-e6b4-4eea-bd35-5c320c1296a0</UDN>"
    "<deviceList><device>"
    "<deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>"
    "<friendlyName>WANConnectionDevice</friendlyName>"
    "<UDN>uuid:04645c3d-e6b4-4eea-bd35-5c320c1296a1</UDN>"
    "</device></deviceList>"
    "</device></deviceList>"
    "<u:presentationURL "
    "xmlns:u=\"urn:schemas-upnp-org:device-1-0\">http://192.168.1.1/</u:presentationURL>"
    "</device>"
    "</root>\r\n"sv;

}  // namespace warden::proto::upnp::testdata
