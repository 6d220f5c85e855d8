// SPDX-License-Identifier: Apache-2.0
// A BACnet workstation for Warden's lab, on @bacnet-js/client: a Who-Is to BROADCAST, then one
// ReadPropertyMultiple per device that answers, of its identity (and its location, which the lab
// controller lacks) and of analog input 1, as building-management front ends read a new device.
// Prints one line per device read, and exits.
//   node workstation.js BROADCAST
const bacnet = require('@bacnet-js/client');

const Client = bacnet.default;
const { ObjectType, PropertyIdentifier: P } = bacnet;
const [broadcast] = process.argv.slice(2);
const client = new Client({ interface: '0.0.0.0', broadcastAddress: broadcast, apduTimeout: 3000 });
const all = (ids) => ids.map((id) => ({ id, index: bacnet.ASN1_ARRAY_ALL }));
const asked = new Set();
client.on('iAm', async (message) => {
  const { address } = message.header.sender;
  if (asked.has(address)) {
    return;
  }
  asked.add(address);
  const device = { type: ObjectType.DEVICE, instance: message.payload.deviceId };
  try {
    const answer = await client.readPropertyMultiple(message.header.sender, [
      { objectId: device, properties: all([P.OBJECT_NAME, P.VENDOR_NAME, P.VENDOR_IDENTIFIER,
        P.MODEL_NAME, P.FIRMWARE_REVISION, P.APPLICATION_SOFTWARE_VERSION, P.LOCATION]) },
      { objectId: { type: ObjectType.ANALOG_INPUT, instance: 1 },
        properties: all([P.OBJECT_NAME, P.PRESENT_VALUE]) },
    ]);
    const read = answer.values.reduce((count, object) => count + object.values.length, 0);
    console.log(`read device ${device.instance} at ${address}: ${read} properties`);
  } catch (error) {
    console.error(`workstation: reading device ${device.instance}: ${error.message}`);
    process.exitCode = 1;
  }
});
client.whoIs();
setTimeout(() => client.close(), 3000);
