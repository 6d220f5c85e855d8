// SPDX-License-Identifier: Apache-2.0
// Real HTTP/1.x bytes (tcp.payload from tshark) shared by the HTTP tests and the benchmark.
#pragma once

#include <string_view>

namespace warden::proto::http::testdata {

using namespace std::string_view_literals;  // NOLINT(google-build-using-namespace): test data

// ndpi/http_auth.pcap frame 4, 192.168.0.4:54337 -> 192.254.189.169:80 (739 bytes): Chrome 30
// on macOS, "GET /password-ok.php", Host browserspy.dk, Authorization: Basic with the credential
// "test:fail2" (base64 dGVzdDpmYWlsMg==), and a Cookie of analytics tokens.
inline constexpr std::string_view kBasicAuthRequest =
    "GET /password-ok.php HTTP/1.1\r\n"
    "Host: browserspy.dk\r\n"
    "Connection: keep-alive\r\n"
    "Cache-Control: max-age=0\r\n"
    "Authorization: Basic dGVzdDpmYWlsMg==\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8\r\n"
    "User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_5) AppleWebKit/537.36 (KHTML, lik"
    "e Gecko) Chrome/30.0.1599.69 Safari/537.36\r\n"
    "Referer: http://browserspy.dk/password.php\r\n"
    "Accept-Encoding: gzip,deflate,sdch\r\n"
    "Accept-Language: en-US,en;q=0.8\r\n"
    "Cookie: __utma=190908281.1560095611.1381843968.1381843968.1381843968.1; __utmb=190908281."
    "2.10.1381843969; __utmc=190908281; __utmz=190908281.1381843969.1.1.utmcsr=google|utmccn=("
    "organic)|utmcmd=organic|utmctr=(not%20provided); __unam=6b6ab6d-141bc51a81e-4102a661-2\r\n"
    "\r\n"sv;

// ndpi/http_auth.pcap frame 6, the reply: its head only (405 of 1448 bytes; chunked HTML follows).
// 401 Authorization Required, Server Apache, WWW-Authenticate: Basic realm="...".
inline constexpr std::string_view kUnauthorizedResponseHead =
    "HTTP/1.1 401 Authorization Required\r\n"
    "Date: Tue, 15 Oct 2013 13:34:02 GMT\r\n"
    "Server: Apache\r\n"
    "WWW-Authenticate: Basic realm=\"BrowserSpy.dk - HTTP Password Test\"\r\n"
    "Expires: Mon, 26 Jul 1997 05:00:00 GMT\r\n"
    "Cache-Control: no-store, no-cache, must-revalidate, post-check=0, pre-check=0\r\n"
    "Pragma: no-cache\r\n"
    "Keep-Alive: timeout=5, max=75\r\n"
    "Connection: Keep-Alive\r\n"
    "Transfer-Encoding: chunked\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"sv;

// zeek/http__basic-auth-with-colon.pcap frame 4: curl, "Authorization: Basic  dGVzdDoxOjM0"
// (two spaces; the credential is "test:1:34").
inline constexpr std::string_view kBasicAuthColonRequest =
    "GET / HTTP/1.1\r\n"
    "Host: 172.24.133.205:8000\r\n"
    "User-Agent: python-requests/2.31.0\r\n"
    "Accept-Encoding: gzip, deflate\r\n"
    "Accept: */*\r\n"
    "Connection: keep-alive\r\n"
    "Authorization: Basic  dGVzdDoxOjM0\r\n"
    "\r\n"sv;

// ndpi/anyconnect-vpn.pcap frame 349 (tcp.stream 8), 10.0.0.227:56884 -> 184.25.56.77:80:
// Firefox 69 captive-portal probe "GET /success.txt?ipv4", Host detectportal.firefox.com.
inline constexpr std::string_view kPortalRequest =
    "GET /success.txt?ipv4 HTTP/1.1\r\n"
    "Host: detectportal.firefox.com\r\n"
    "User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10.13; rv:69.0) Gecko/20100101 Firefox"
    "/69.0\r\n"
    "Accept: */*\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate\r\n"
    "Connection: keep-alive\r\n"
    "Pragma: no-cache\r\n"
    "Cache-Control: no-cache\r\n"
    "\r\n"sv;

// ndpi/anyconnect-vpn.pcap frame 355, its reply in one segment: 200 OK, Server AmazonS3,
// Content-Length 8, body "success\n".
inline constexpr std::string_view kPortalResponse =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 8\r\n"
    "Last-Modified: Mon, 15 May 2017 18:04:40 GMT\r\n"
    "ETag: \"ae780585f49b94ce1444eb7d28906123\"\r\n"
    "Accept-Ranges: bytes\r\n"
    "Server: AmazonS3\r\n"
    "X-Amz-Cf-Id: Iq-hLdardgeEf90aSwlBVdD2Tn1scoarpeBS-mKMZgK4meXiVLJGMA==\r\n"
    "Cache-Control: no-cache, no-store, must-revalidate\r\n"
    "Date: Sat, 28 Sep 2019 16:14:27 GMT\r\n"
    "Connection: keep-alive\r\n"
    "\r\n"
    "success\n"sv;

// zeek/http__methods.pcap frame 609, 128.2.6.136:46606 -> 173.194.75.103:80: "HEAD /",
// Host www.google.com.
inline constexpr std::string_view kHeadRequest =
    "HEAD / HTTP/1.1\n"
    "Host: www.google.com\n"
    "\n"sv;

// zeek/http__methods.pcap frame 611, its reply: 200 OK, Server gws, Transfer-Encoding: chunked,
// two Set-Cookie fields, and no body since it answers a HEAD (RFC 9112 §6.3).
inline constexpr std::string_view kHeadResponse =
    "HTTP/1.1 200 OK\r\n"
    "Date: Sat, 01 Dec 2012 02:30:03 GMT\r\n"
    "Expires: -1\r\n"
    "Cache-Control: private, max-age=0\r\n"
    "Content-Type: text/html; charset=ISO-8859-1\r\n"
    "Set-Cookie: PREF=ID=b630fe750eabe904:FF=0:TM=1354329003:LM=1354329003:S=KQeNYr_FYF4VnQQ4;"
    " expires=Mon, 01-Dec-2014 02:30:03 GMT; path=/; domain=.google.com\r\n"
    "Set-Cookie: NID=66=lZQgnZd_UryasCHxCLBrdzbCh7pGIimWoKp-_n36689-s4ph-6a7ZS60pN8Pr7KdbMoZtu"
    "bla_01TPgpQZcWouOn7HYP_rs60-JoJu13nM-yayuQTDsNyN6O9S7Bsis0; expires=Sun, 02-Jun-2013 02:3"
    "0:03 GMT; path=/; domain=.google.com; HttpOnly\r\n"
    "P3P: CP=\"This is not a P3P policy! See http://www.google.com/support/accounts/bin/answer"
    ".py?hl=en&answer=151657 for more info.\"\r\n"
    "Server: gws\r\n"
    "X-XSS-Protection: 1; mode=block\r\n"
    "X-Frame-Options: SAMEORIGIN\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"sv;

// ndpi/1kxun.pcap frame 1050 (tcp.stream 37), 161.117.13.29:80 -> 192.168.2.126:47272 (265
// bytes): 200 OK, Server openresty/1.13.6.1, Content-Type text/xml, Content-Encoding gzip,
// chunked: one 0x1d-byte chunk of gzip data, then the last chunk.
inline constexpr std::string_view kChunkedGzipXmlResponse =
    "HTTP/1.1 200 OK\r\n"
    "Server: openresty/1.13.6.1\r\n"
    "Date: Sat, 04 Jun 2022 23:25:29 GMT\r\n"
    "Content-Type: text/xml; charset=utf-8\r\n"
    "Transfer-Encoding: chunked\r\n"
    "Connection: keep-alive\r\n"
    "X-Powered-By: PHP/7.1.17\r\n"
    "Content-Encoding: gzip\r\n"
    "\r\n"
    "1d\r\n"
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xb3)\xca\xcf/\xb1\xb3\xd1\x07S\x00\xd3\xe2\xd9"
    "4"
    "\r\x00\x00\x00\r\n"
    "0\r\n"
    "\r\n"sv;

// zeek/http__post.pcap frame 4, 141.142.228.5:53595 -> 54.243.55.129:80: curl 7.29.0
// "POST /post", Host httpbin.org, Content-Length 11, body "hello world".
inline constexpr std::string_view kPostRequest =
    "POST /post HTTP/1.1\r\n"
    "User-Agent: curl/7.29.0\r\n"
    "Host: httpbin.org\r\n"
    "Accept: */*\r\n"
    "Content-Length: 11\r\n"
    "Content-Type: application/x-www-form-urlencoded\r\n"
    "\r\n"
    "hello world"sv;

// zeek/http__post.pcap frames 6 and 8: the reply, its status line alone in the first segment;
// then Server gunicorn/0.16.1, Content-Type application/json, Content-Length 366 and the body.
inline constexpr std::string_view kPostResponseStatusLine = "HTTP/1.1 200 OK\r\n"sv;

inline constexpr std::string_view kPostResponseRest =
    "Server: gunicorn/0.16.1\r\n"
    "Date: Tue, 19 Mar 2013 16:05:11 GMT\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 366\r\n"
    "Connection: close\r\n"
    "\r\n"
    "{\n"
    "  \"origin\": \"10.142.133.148\",\n"
    "  \"files\": {},\n"
    "  \"form\": null,\n"
    "  \"url\": \"http://httpbin.org/post\",\n"
    "  \"args\": {},\n"
    "  \"headers\": {\n"
    "    \"Content-Length\": \"11\",\n"
    "    \"Connection\": \"close\",\n"
    "    \"Accept\": \"*/*\",\n"
    "    \"User-Agent\": \"curl/7.29.0\",\n"
    "    \"Host\": \"httpbin.org\",\n"
    "    \"Content-Type\": \"application/x-www-form-urlencoded\"\n"
    "  },\n"
    "  \"json\": null,\n"
    "  \"data\": \"hello world\"\n"
    "}"sv;

// zeek/http__get.pcap frame 4, 141.142.228.5:59856 -> 192.150.187.43:80: Wget/1.14
// "GET /download/CHANGES.bro-aux.txt", Host bro.org.
inline constexpr std::string_view kGetRequest =
    "GET /download/CHANGES.bro-aux.txt HTTP/1.1\r\n"
    "User-Agent: Wget/1.14 (darwin12.2.0)\r\n"
    "Accept: */*\r\n"
    "Host: bro.org\r\n"
    "Connection: Keep-Alive\r\n"
    "\r\n"sv;

// zeek/http__get.pcap frame 6, its reply: the head only (302 bytes of the segment): 200 OK, Server
// Apache/2.4.3 (Fedora), Content-Length 4705 (the body spans frames 6 to 9).
inline constexpr std::string_view kGetResponseHead =
    "HTTP/1.1 200 OK\r\n"
    "Date: Thu, 07 Mar 2013 21:43:07 GMT\r\n"
    "Server: Apache/2.4.3 (Fedora)\r\n"
    "Last-Modified: Wed, 29 Aug 2012 23:49:27 GMT\r\n"
    "ETag: \"1261-4c870358a6fc0\"\r\n"
    "Accept-Ranges: bytes\r\n"
    "Content-Length: 4705\r\n"
    "Keep-Alive: timeout=5, max=100\r\n"
    "Connection: Keep-Alive\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "\r\n"sv;

// ndpi/xiaomi.pcap frame 52, 192.168.2.100:48698 -> 203.107.1.65:80 (348 bytes): a Redmi Note 9
// Pro (Android 10, MIUI) "GET /164566/sign_d?...", User-Agent Dalvik/2.1.0, Host 203.107.1.65.
inline constexpr std::string_view kXiaomiRequest =
    "GET /164566/sign_d?host=appmarket.micloud.xiaomi.net&sdk=android_1.3.3&t=1650284179&s=762"
    "f2c07cf9262c61753f45b4117c232&sid=jccM7PF4XY0T&net=wifi&bssid=02%3A00%3A00%3A00%3A00%3A00"
    " HTTP/1.1\r\n"
    "User-Agent: Dalvik/2.1.0 (Linux; U; Android 10; Redmi Note 9 Pro MIUI/V12.0.3.0.QJZMIXM)\r"
    "\n"
    "Host: 203.107.1.65\r\n"
    "Connection: Keep-Alive\r\n"
    "Accept-Encoding: gzip\r\n"
    "\r\n"sv;

// ndpi/anyconnect-vpn.pcap frame 508 (tcp.stream 20), 10.0.0.227:56954 -> 10.0.0.149:8008:
// Chrome 77 fetching a Chromecast's description, "GET /ssdp/device-desc.xml".
inline constexpr std::string_view kChromecastDescriptionRequest =
    "GET /ssdp/device-desc.xml HTTP/1.1\r\n"
    "Host: 10.0.0.149:8008\r\n"
    "Connection: keep-alive\r\n"
    "User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/537.36 (KHTML, li"
    "ke Gecko) Chrome/77.0.3865.90 Safari/537.36\r\n"
    "Accept-Encoding: gzip, deflate\r\n"
    "\r\n"sv;

// ndpi/anyconnect-vpn.pcap frame 513, the reply: its head (116 bytes) without spaces after the
// colons, Content-Type application/xml, Content-Length 1079; upnp::testdata::kChromecastDescription
// is the rest of the segment.
inline constexpr std::string_view kChromecastResponseHead =
    "HTTP/1.1 200 OK\r\n"
    "Application-URL:http://10.0.0.149:8008/apps/\r\n"
    "Content-Length:1079\r\n"
    "Content-Type:application/xml\r\n"
    "\r\n"sv;

// ndpi/anyconnect-vpn.pcap frame 512 (tcp.stream 21), 10.0.0.227:56955 -> 10.0.0.151:8060:
// Chrome 77 fetching a Roku's DIAL description, "GET /dial/dd.xml".
inline constexpr std::string_view kRokuDescriptionRequest =
    "GET /dial/dd.xml HTTP/1.1\r\n"
    "Host: 10.0.0.151:8060\r\n"
    "Connection: keep-alive\r\n"
    "User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/537.36 (KHTML, li"
    "ke Gecko) Chrome/77.0.3865.90 Safari/537.36\r\n"
    "Accept-Encoding: gzip, deflate\r\n"
    "\r\n"sv;

// ndpi/anyconnect-vpn.pcap frame 516, the reply's head in a segment of its own: Server Roku
// UPnP/1.0 MiniUPnPd/1.4, Content-Type text/xml, Content-Length 1140; the body
// (upnp::testdata::kRokuDescription) is frame 518.
inline constexpr std::string_view kRokuResponseHead =
    "HTTP/1.1 200 OK\r\n"
    "Server: Roku UPnP/1.0 MiniUPnPd/1.4\r\n"
    "Content-Length: 1140\r\n"
    "Cache-Control: no-cache\r\n"
    "Content-Type: text/xml; charset=\"utf-8\"\r\n"
    "Application-URL: http://10.0.0.151:8060/dial\r\n"
    "\r\n"sv;

}  // namespace warden::proto::http::testdata
