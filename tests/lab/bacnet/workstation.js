// SPDX-License-Identifier: Apache-2.0
// A BACnet workstation for Warden's lab, on @bacnet-js/client: a Who-Is to BROADCAST, then one
// ReadPropertyMultiple of the first device that answers, of its identity (and its location, which the lab
// controller lacks) and of analog input 1, as building-management front ends read a new device.
// Repeats the Who-Is until a device answers (10 s at most), prints one line for the device it
// read, and exits.
//   node workstation.js BROADCAST
const bacnet = require('@bacnet-js/client');

const Client = bacnet.default;
const { ObjectType, PropertyIdentifier: P } = bacnet;
const [broadcast] = process.argv.slice(2);
const client = new Client({ interface: '0.0.0.0', broadcastAddress: broadcast, apduTimeout: 3000 });
const all = (ids) => ids.map((id) => ({ id, index: bacnet.ASN1_ARRAY_ALL }));
const asked = new Set();
// Who-Is again every half second until a device answers: the controller may not listen yet.
const ask = setInterval(() => client.whoIs(), 500);
const deadline = setTimeout(() => {
  console.error('workstation: no device answered in 10 s');
  process.exitCode = 1;
  done();
}, 10000);
function done() {
  clearInterval(ask);
  clearTimeout(deadline);
  client.close();
}
client.on('iAm', async (message) => {
  const { address } = message.header.sender;
  if (asked.has(address)) {
    return;
  }
  asked.add(address);
  clearInterval(ask);
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
  done();  // the lab has one controller: read once, exit
});
client.whoIs();
