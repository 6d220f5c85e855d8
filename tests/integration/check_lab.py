#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Asserts the inventory `warden devices --format json` built from the lab capture."""
import json
import sys

devices = {d["mac"]: d for d in json.load(open(sys.argv[1])) if d["mac"]}
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


GW, CAM, SPEAKER, PHONE = ("00:1b:21:77:00:01", "44:19:b6:77:00:02", "b8:27:eb:77:00:03",
                           "da:a1:19:77:00:04")
for mac in (GW, CAM, SPEAKER, PHONE):
    check(mac in devices, f"{mac} missing")
if failures:
    sys.exit("\n".join(failures))
gw, cam, speaker, phone = devices[GW], devices[CAM], devices[SPEAKER], devices[PHONE]

# Identity of each device.
check(gw["ips"] == ["10.77.0.1"], f"gateway ips {gw['ips']}")
# The IEEE registry's names, and the identified brands (an Intel NIC names no brand).
check(gw["oui_vendor"] == "Intel Corporate", f"gateway registry vendor {gw['oui_vendor']}")
check(gw["vendor"] is None, f"gateway identified vendor {gw['vendor']}")
check(cam["oui_vendor"] == "Hangzhou Hikvision Digital Technology Co.,Ltd.",
      f"camera registry vendor {cam['oui_vendor']}")
check(cam["vendor"] == "Hikvision" and cam["type"] == "ip_camera",
      f"camera identity {cam['vendor']} {cam['type']}")
check(speaker["oui_vendor"] == "Raspberry Pi Foundation", f"speaker registry vendor {speaker['oui_vendor']}")
check(speaker["vendor"] == "Raspberry Pi" and speaker["type"] == "smart_speaker",
      f"speaker identity {speaker['vendor']} {speaker['type']}")
check(phone["vendor"] is None and phone["oui_vendor"] is None and phone["locally_administered"],
      "phone should be randomized, no vendor")
for device, name in ((cam, "lab-camera"), (speaker, "lab-speaker"), (phone, "lab-phone")):
    check(len(device["ips"]) == 1 and device["ips"][0].startswith("10.77.0."), f"{name} ips {device['ips']}")
    check(name in device["hostnames"], f"{name} hostnames {device['hostnames']}")
check(cam["dhcp"]["vendor_classes"] == ["Hikvision-IPC"], f"camera vendor class {cam['dhcp']}")
check(phone["dhcp"]["vendor_classes"] == ["android-dhcp-13"], f"phone vendor class {phone['dhcp']}")
check(all(d["dhcp"]["fingerprints"] for d in (cam, speaker, phone)), "DHCP fingerprints missing")

# Services each device offers.
def ports(device):
    return {(s["transport"], s["port"]) for s in device["services"]}

check({("udp", 67), ("udp", 53), ("tcp", 443)} <= ports(gw), f"gateway services {ports(gw)}")
check({("tcp", 80), ("tcp", 49152)} <= ports(cam), f"camera services {ports(cam)}")
check(not ports(phone), f"phone offers nothing, got {ports(phone)}")

# Application identity.
check(cam["upnp"]["manufacturer"] == "Hikvision", f"camera upnp {cam['upnp']}")
check(cam["upnp"]["model_name"] == "DS-2CD2042WD-I", f"camera upnp {cam['upnp']}")
check(cam["upnp"]["friendly_name"] == "Lab Camera & Doorbell", f"camera upnp {cam['upnp']}")
check(any("Hikvision-Webs" in s for s in cam["ssdp"]["servers"]), f"camera ssdp {cam['ssdp']}")
check(any(s.startswith("lighttpd") for s in cam["http_servers"]), f"camera http {cam['http_servers']}")
check("Lab Speaker._googlecast._tcp.local" in speaker["mdns"]["services"], f"speaker mdns {speaker['mdns']}")
check("speaker.cloud.example" in speaker["tls"]["sni"], f"speaker tls {speaker['tls']}")
check(speaker["tls"]["ja3"] and speaker["tls"]["ja4"], f"speaker tls {speaker['tls']}")
check("LabPhone/13 (Android)" in phone["user_agents"], f"phone user agents {phone['user_agents']}")
check("gw.lab" in phone["dns_queries"], f"phone dns {phone['dns_queries']}")
check(any("CN=gw.lab" in c for c in gw["tls"]["cert_subjects"]), f"gateway tls {gw['tls']}")

# Nothing on the wrong device: the DHCP server echoes client hostnames, the phone fetched the
# camera's UPnP description, the speaker asked for the SNI, not the gateway.
check(gw["hostnames"] == [], f"gateway got client hostnames {gw['hostnames']}")
check(gw["dhcp"]["vendor_classes"] == [], "gateway got a client's vendor class")
check(phone["upnp"]["manufacturer"] is None, "phone got the camera's UPnP description")
check(not phone["http_servers"] and not phone["ssdp"]["servers"], "phone got server identity")
check(not gw["tls"]["sni"], "gateway got the client's SNI")
check(not cam["user_agents"], "camera got the phone's user agent")
check(not speaker["upnp"]["manufacturer"], "speaker got UPnP identity")
check(len(devices) == 4, f"unexpected devices: {sorted(devices)}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"lab: {len(devices)} devices, every identity and attribute where it belongs")
