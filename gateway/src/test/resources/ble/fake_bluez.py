'''A fake BlueZ for the hub's BLE tests: python3-dbusmock's bluez5 template, extended with GATT services and
characteristics of health devices and with their behaviour (indications, RACP, a device clock, a device that drops the
link mid-transfer, one that never answers).

Loaded as a dbusmock template from a file:
    python3 -m dbusmock --system -t fake_bluez.py -p '{"devices": [...], "passkey": 123456}'
with DBUS_SYSTEM_BUS_ADDRESS pointing at the test's private bus. Every event the tests check is printed to stdout as
one line "EVENT address detail" (flushed), so the test reads what the device saw.

A device is {"address", "name", "kind": "bp"|"scale"|"other", "uuids": ["1810", ...], "paired": bool,
"behaviour": "normal"|"drop-once"|"drop-before-delete"|"silent", "stored": [hex records],
"live": [hex values sent once notifying], "measured": [hex values sent once the hub's RACP report has ended: what
the cuff measures while connected], "clock": "2A08"|"2A2B"|null, "battery": 0-100,
"forgotBond": "connect"|"gatt"}.
It is in range: BlueZ reports it once discovery runs with a filter naming one of its services (or at once if paired).
"drop-before-delete" drops the link when asked to delete its stored records, keeps them, and goes out of range until
the test calls SetInRange (org.bluez.Mock) on the root object. "forgotBond": the device was reset and no longer knows
the bond BlueZ holds: BlueZ's Connect fails with AuthenticationFailed ("connect"), or the link comes up and every GATT
request fails with NotPermitted "Not paired", BlueZ's answer to the ATT error Insufficient Authentication ("gatt").
Removing the device (Adapter1.RemoveDevice) forgets BlueZ's bond too; still advertising, it is found again, unpaired.
The fake BlueZ keeps bonds while it runs, as BlueZ keeps them in /var/lib/bluetooth across the hub's restarts.
'''

import sys

import dbus
from gi.repository import GLib

from dbusmock import mockobject
from dbusmock.templates import bluez5
# The bluez5 template's D-Bus methods (AddAdapter, AddDevice, PairDevice, ...) become this template's too.
from dbusmock.templates.bluez5 import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import

BUS_NAME = 'org.bluez'
MAIN_OBJ = '/'
SYSTEM_BUS = True
IS_OBJECT_MANAGER = True

DEVICE_IFACE = 'org.bluez.Device1'
ADAPTER_IFACE = 'org.bluez.Adapter1'
SERVICE_IFACE = 'org.bluez.GattService1'
CHAR_IFACE = 'org.bluez.GattCharacteristic1'
OM_IFACE = 'org.freedesktop.DBus.ObjectManager'
AGENT_MANAGER_IFACE = 'org.bluez.AgentManager1'

STATE = {'devices': {}, 'filter': None, 'passkey': None, 'adapter': '/org/bluez/hci0'}


def event(*words):
    print(' '.join(str(w) for w in words), flush=True)


def uuid128(short):
    return f'0000{short.lower()}-0000-1000-8000-00805f9b34fb'


def short(uuid):
    return str(uuid)[4:8].upper()


def changed(obj, iface, props):
    for k, v in props.items():
        obj.props[iface][k] = v
    obj.EmitSignal(dbus.PROPERTIES_IFACE, 'PropertiesChanged', 'sa{sv}as', [iface, props, []])


def load(mock, parameters):
    bluez5.load(mock, parameters)
    # The root object is registered only after load(); the adapter and devices come right after.
    GLib.idle_add(setup, mock, parameters)


def setup(mock, parameters):
    mock.AddAdapter('hci0', 'nara-hub')
    adapter = mockobject.objects[STATE['adapter']]
    adapter.AddMethods(ADAPTER_IFACE, [
        ('StartDiscovery', '', '', StartDiscovery),
        ('SetDiscoveryFilter', 'a{sv}', '', SetDiscoveryFilter),
        ('RemoveDevice', 'o', '', RemoveDeviceWithGatt),
    ])
    mockobject.objects['/org/bluez'].AddMethods(AGENT_MANAGER_IFACE, [
        ('RegisterAgent', 'os', '', RegisterAgentAgain),
    ])
    STATE['passkey'] = parameters.get('passkey')
    for d in parameters.get('devices', []):
        STATE['devices'][d['address'].upper()] = dict(d, sessions=0, path=None, notifying=set())
        if d.get('paired'):
            appear(mock, d['address'].upper())
    event('READY')
    return False


def SetDiscoveryFilter(adapter, discovery_filter):
    uuids = [short(u) for u in discovery_filter.get('UUIDs', [])]
    STATE['filter'] = uuids
    event('FILTER', ','.join(sorted(uuids)), discovery_filter.get('Transport', ''))


def StartDiscovery(adapter):
    changed(adapter, ADAPTER_IFACE, {'Discovering': dbus.Boolean(True, variant_level=1)})
    event('DISCOVERY')
    root = mockobject.objects['/']
    for address, d in STATE['devices'].items():
        wanted = STATE['filter'] is None or any(u.upper() in STATE['filter'] for u in d.get('uuids', []))
        if wanted and d['path'] is None:
            appear(root, address)


def appear(root, address):
    d = STATE['devices'][address]
    path = root.AddDevice('hci0', address, d.get('name', address))
    d['path'] = path
    dev = mockobject.objects[path]
    dev.address = address
    dev.AddMethods(DEVICE_IFACE, [
        ('Connect', '', '', Connect),
        ('Disconnect', '', '', Disconnect),
        ('Pair', '', '', Pair),
    ])
    dev.props[DEVICE_IFACE]['UUIDs'] = dbus.Array([uuid128(u) for u in d.get('uuids', [])], signature='s',
                                                  variant_level=1)
    if d.get('paired'):
        dev.props[DEVICE_IFACE]['Paired'] = dbus.Boolean(True, variant_level=1)
        dev.paired = True
    add_gatt(dev, d)
    event('ADVERTISES', address)


def RegisterAgentAgain(manager, agent_path, capability):
    '''BlueZ forgets an agent when the connection that registered it closes (a hub that stopped); the template cannot
    see connections close, so the same path registering again (a restarted hub) replaces the old one.'''
    if agent_path in manager.agent_paths:
        bluez5.UnregisterAgent(manager, agent_path)
    bluez5.RegisterAgent(manager, agent_path, capability)


def RemoveDeviceWithGatt(adapter, path):
    root = mockobject.objects['/']
    address = next(a for a, d in STATE['devices'].items() if d['path'] == path)
    for child in sorted((p for p in mockobject.objects if p.startswith(path + '/')), reverse=True):
        ifaces = [i for i in (CHAR_IFACE, SERVICE_IFACE) if i in mockobject.objects[child].props]
        adapter.RemoveObject(child)
        root.EmitSignal(OM_IFACE, 'InterfacesRemoved', 'oas', [dbus.ObjectPath(child), ifaces])
    bluez5.RemoveDevice(adapter, path)
    d = STATE['devices'][address]
    d.update(path=None, paired=False, notifying=set())
    d.pop('forgotBond', None)  # BlueZ's stale keys are gone; the next pairing makes new ones on both sides
    event('REMOVED', address)
    GLib.idle_add(lambda: appear(root, address) and False)


@dbus.service.method('org.bluez.Mock', in_signature='sb', out_signature='')
def SetInRange(_self, address, in_range):
    STATE['devices'][address.upper()]['away'] = not in_range
    event('IN-RANGE' if in_range else 'AWAY', address.upper())


def Pair(device):
    d = STATE['devices'][device.address]
    bluez = mockobject.objects['/org/bluez']
    agent = getattr(bluez, 'default_agent', None)
    capability = bluez.capabilities.get(agent) if agent else None
    if agent is None:
        event('PAIR-FAILED', device.address, 'no-agent')
        raise dbus.exceptions.DBusException('No agent', name='org.bluez.Error.AuthenticationFailed')
    if d.get('needsPasskey'):
        # The device shows no passkey; it expects the one printed on it, which BlueZ asks the agent for.
        given = ask_agent_for_passkey(agent, device)
        if given != d['needsPasskey']:
            event('PAIR-FAILED', device.address, 'passkey', given)
            raise dbus.exceptions.DBusException('Authentication Failed',
                                                name='org.bluez.Error.AuthenticationFailed')
    device.paired = True
    d['paired'] = True
    changed(device, DEVICE_IFACE, {'Paired': dbus.Boolean(True, variant_level=1),
                                   'Bonded': dbus.Boolean(True, variant_level=1)})
    event('PAIRED', device.address, capability)


def ask_agent_for_passkey(agent, device):
    '''BlueZ calls the agent at the connection that registered it; this fake asks each client on the bus.'''
    bus = dbus.SystemBus()
    me = bus.get_unique_name()
    names = bus.call_blocking('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'ListNames',
                              '', [])
    for name in names:
        if not name.startswith(':') or name == me:
            continue
        try:
            return int(bus.call_blocking(name, agent, 'org.bluez.Agent1', 'RequestPasskey', 'o',
                                         [dbus.ObjectPath(device.__dbus_object_path__)], timeout=5))
        except dbus.exceptions.DBusException:
            continue
    return -1


def Connect(device):
    d = STATE['devices'][device.address]
    if d.get('away'):
        event('CONNECT-FAILED', device.address, 'away')
        raise dbus.exceptions.DBusException('le-connection-abort-by-local', name='org.bluez.Error.Failed')
    if d.get('forgotBond') == 'connect':
        event('AUTH-REJECTED', device.address, 'connect')
        raise dbus.exceptions.DBusException('Authentication Failed', name='org.bluez.Error.AuthenticationFailed')
    d['sessions'] += 1
    event('CONNECT', device.address, d['sessions'])
    device.connected = True
    changed(device, DEVICE_IFACE, {'Connected': dbus.Boolean(True, variant_level=1)})
    if d.get('behaviour') == 'silent':
        return  # the link layer came up, but the device never answers GATT discovery
    changed(device, DEVICE_IFACE, {'ServicesResolved': dbus.Boolean(True, variant_level=1)})


def Disconnect(device):
    drop(device)


def drop(device):
    d = STATE['devices'][device.address]
    d['notifying'].clear()
    if device.connected:
        device.connected = False
        changed(device, DEVICE_IFACE, {'Connected': dbus.Boolean(False, variant_level=1),
                                       'ServicesResolved': dbus.Boolean(False, variant_level=1)})
        event('DISCONNECTED', device.address)


SERVICES = {
    'bp': [('1810', [('2A35', ['indicate']), ('2A49', ['read']), ('2A52', ['write', 'indicate']),
                     ('2A08', ['read', 'write'])]),
           ('1805', [('2A2B', ['read', 'write', 'notify'])]),
           ('180F', [('2A19', ['read', 'notify'])])],
    'scale': [('181D', [('2A9D', ['indicate']), ('2A9E', ['read'])]),
              ('180F', [('2A19', ['read', 'notify'])])],
    'other': [('1812', [('2A4D', ['read', 'notify'])])],
}


def add_gatt(dev, d):
    base = dev.__dbus_object_path__
    handle = 0x10
    dev.chars = {}
    for service, chars in SERVICES[d.get('kind', 'other')]:
        spath = f'{base}/service{handle:04x}'
        handle += 1
        props = {'UUID': dbus.String(uuid128(service), variant_level=1),
                 'Device': dbus.ObjectPath(base, variant_level=1),
                 'Primary': dbus.Boolean(True, variant_level=1),
                 'Includes': dbus.Array([], signature='o', variant_level=1)}
        dev.AddObject(spath, SERVICE_IFACE, props, [])
        announce(spath, SERVICE_IFACE, props)
        for uuid, flags in chars:
            cpath = f'{spath}/char{handle:04x}'
            handle += 1
            value = [d.get('battery', 80)] if uuid == '2A19' else []
            cprops = {'UUID': dbus.String(uuid128(uuid), variant_level=1),
                      'Service': dbus.ObjectPath(spath, variant_level=1),
                      'Value': dbus.Array(value, signature='y', variant_level=1),
                      'Notifying': dbus.Boolean(False, variant_level=1),
                      'Flags': dbus.Array(flags, signature='s', variant_level=1)}
            dev.AddObject(cpath, CHAR_IFACE, cprops, [
                ('ReadValue', 'a{sv}', 'ay', ReadValue),
                ('WriteValue', 'aya{sv}', '', WriteValue),
                ('StartNotify', '', '', StartNotify),
                ('StopNotify', '', '', StopNotify),
            ])
            announce(cpath, CHAR_IFACE, cprops)
            ch = mockobject.objects[cpath]
            ch.device = dev
            ch.uuid = uuid
            dev.chars[uuid] = ch


def announce(path, iface, props):
    '''BlueZ announces every GATT object on its ObjectManager (AddObject does not): tinyb relies on it.'''
    mockobject.objects['/'].EmitSignal(OM_IFACE, 'InterfacesAdded', 'oa{sa{sv}}',
                                       [dbus.ObjectPath(path), {iface: props}])


def require_link(ch):
    if not ch.device.connected:
        raise dbus.exceptions.DBusException('Not connected', name='org.bluez.Error.NotConnected')
    if STATE['devices'][ch.device.address].get('forgotBond') == 'gatt':
        event('AUTH-REJECTED', ch.device.address, 'gatt', ch.uuid)
        raise dbus.exceptions.DBusException('Not paired', name='org.bluez.Error.NotPermitted')


def ReadValue(ch, _options):
    require_link(ch)
    return ch.props[CHAR_IFACE]['Value']


def WriteValue(ch, value, _options):
    require_link(ch)
    data = bytes(value)
    ch.props[CHAR_IFACE]['Value'] = dbus.Array(list(data), signature='y', variant_level=1)
    event('WRITE', ch.device.address, ch.uuid, data.hex())
    if ch.uuid == '2A52':
        GLib.idle_add(racp, ch, data)


def StartNotify(ch):
    require_link(ch)
    d = STATE['devices'][ch.device.address]
    d['notifying'].add(ch.uuid)
    changed(ch, CHAR_IFACE, {'Notifying': dbus.Boolean(True, variant_level=1)})
    event('NOTIFY', ch.device.address, ch.uuid)
    if ch.uuid in ('2A35', '2A9D'):
        for live in d.get('live', []):
            GLib.timeout_add(50, indicate, ch, bytes.fromhex(live))
        d['live'] = []


def StopNotify(ch):
    d = STATE['devices'][ch.device.address]
    d['notifying'].discard(ch.uuid)
    changed(ch, CHAR_IFACE, {'Notifying': dbus.Boolean(False, variant_level=1)})
    event('STOP-NOTIFY', ch.device.address, ch.uuid)


def indicate(ch, data):
    '''An indication: BlueZ shows it as PropertiesChanged(Value) on the characteristic.'''
    d = STATE['devices'][ch.device.address]
    if ch.device.connected and ch.uuid in d['notifying']:
        changed(ch, CHAR_IFACE, {'Value': dbus.Array(list(data), signature='y', variant_level=1)})
        event('INDICATED', ch.device.address, ch.uuid, data.hex())
    return False


def racp(ch, data):
    dev = ch.device
    d = STATE['devices'][dev.address]
    measurement = dev.chars['2A35']
    if data[:2] == b'\x01\x01':  # report stored records, all
        records = list(d.get('stored', []))
        for i, record in enumerate(records):
            if d.get('behaviour') == 'drop-once' and d['sessions'] == 1 and i == len(records) // 2:
                event('DROP', dev.address, i)
                drop(dev)
                return False
            indicate(measurement, bytes.fromhex(record))
        response = bytes([0x06, 0x00, 0x01, 0x01 if records else 0x06])
    elif data[:2] == b'\x02\x01':  # delete stored records, all
        if d.get('behaviour') == 'drop-before-delete' and not d.get('dropped'):
            d.update(dropped=True, away=True)
            event('DROP-BEFORE-DELETE', dev.address)
            drop(dev)
            return False
        event('DELETED', dev.address, len(d.get('stored', [])))
        d['stored'] = []
        response = bytes([0x06, 0x00, 0x02, 0x01])
    else:
        response = bytes([0x06, 0x00, data[0], 0x02])
    indicate(ch, response)
    if data[:2] == b'\x01\x01':
        for value in d.get('measured', []):
            GLib.timeout_add(100, indicate, measurement, bytes.fromhex(value))
        d['measured'] = []
    return False
