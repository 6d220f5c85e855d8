// SPDX-License-Identifier: Apache-2.0
// A BACnet/IP building controller for Warden's lab, on @bacnet-js/client (a real BACnet stack):
// answers Who-Is with I-Am, and ReadProperty and ReadPropertyMultiple of its device object and
// one analog input from a property table; a property it lacks is read with an error.
//   node controller.js INSTANCE VENDOR_ID VENDOR_NAME MODEL FIRMWARE OBJECT_NAME
const bacnet = require('@bacnet-js/client');

const Client = bacnet.default;
const { ObjectType, PropertyIdentifier: P, ApplicationTag: T } = bacnet;
const [instance, vendorId, vendorName, model, firmware, objectName] = process.argv.slice(2);
const text = (value) => [{ type: T.CHARACTER_STRING, value }];
const device = { type: ObjectType.DEVICE, instance: Number(instance) };
const input = { type: ObjectType.ANALOG_INPUT, instance: 1 };
const objects = {
  [`${device.type}:${device.instance}`]: {
    [P.OBJECT_IDENTIFIER]: [{ type: T.OBJECTIDENTIFIER, value: device }],
    [P.OBJECT_NAME]: text(objectName),
    [P.OBJECT_TYPE]: [{ type: T.ENUMERATED, value: ObjectType.DEVICE }],
    [P.VENDOR_NAME]: text(vendorName),
    [P.VENDOR_IDENTIFIER]: [{ type: T.UNSIGNED_INTEGER, value: Number(vendorId) }],
    [P.MODEL_NAME]: text(model),
    [P.FIRMWARE_REVISION]: text(firmware),
    [P.APPLICATION_SOFTWARE_VERSION]: text(firmware),
  },
  [`${input.type}:${input.instance}`]: {
    [P.OBJECT_IDENTIFIER]: [{ type: T.OBJECTIDENTIFIER, value: input }],
    [P.OBJECT_NAME]: text('Supply air temperature'),
    [P.PRESENT_VALUE]: [{ type: T.REAL, value: 13.5 }],
  },
};
const unknownProperty = [{ value: { type: 'BacnetError', errorClass: 2, errorCode: 32 } }];

function read(objectId, id) {
  const table = objects[`${objectId.type}:${objectId.instance}`] || {};
  return table[id] || unknownProperty;
}

// Bound to every address: a socket bound to the unicast address does not get broadcasts.
const client = new Client({ interface: '0.0.0.0' });
client.on('whoIs', (message) => {
  client.iAmResponse(message.header.sender, device.instance, bacnet.Segmentation.NO_SEGMENTATION,
    Number(vendorId));
});
client.on('readProperty', (message) => {
  const { objectId, property } = message.payload;
  client.readPropertyResponse(message.header.sender, message.invokeId, objectId, property,
    read(objectId, property.id));
});
client.on('readPropertyMultiple', (message) => {
  const values = message.payload.properties.map((spec) => ({
    objectId: spec.objectId,
    values: spec.properties.map((property) => ({
      property: { id: property.id, index: bacnet.ASN1_ARRAY_ALL },
      value: read(spec.objectId, property.id),
    })),
  }));
  client.readPropertyMultipleResponse(message.header.sender, message.invokeId, values);
});
client.on('error', (error) => console.error(`controller: ${error.message}`));
