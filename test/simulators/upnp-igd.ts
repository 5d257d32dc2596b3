// A UPnP Internet Gateway Device (v1) as miniupnpd serves it: the device description XML, and the
// WANIPConnection:1 control URL answering GetExternalIPAddress in SOAP — or a UPnPError fault.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const SERVICE = 'urn:schemas-upnp-org:service:WANIPConnection:1';

export interface UpnpGateway {
  /** The description URL a router advertises in its SSDP LOCATION header. */
  location: string;
  externalIp: string | null;
  close(): Promise<void>;
}

function description(): string {
  return `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
  <specVersion><major>1</major><minor>0</minor></specVersion>
  <device>
    <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
    <friendlyName>Test router</friendlyName>
    <UDN>uuid:00000000-0000-0000-0000-000000000001</UDN>
    <deviceList>
      <device>
        <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
        <UDN>uuid:00000000-0000-0000-0000-000000000002</UDN>
        <deviceList>
          <device>
            <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
            <UDN>uuid:00000000-0000-0000-0000-000000000003</UDN>
            <serviceList>
              <service>
                <serviceType>${SERVICE}</serviceType>
                <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
                <controlURL>/ctl/IPConn</controlURL>
                <eventSubURL>/evt/IPConn</eventSubURL>
                <SCPDURL>/WANIPCn.xml</SCPDURL>
              </service>
            </serviceList>
          </device>
        </deviceList>
      </device>
    </deviceList>
  </device>
</root>`;
}

const envelope = (body: string) =>
  `<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>${body}</s:Body></s:Envelope>`;

export async function startUpnpGateway(externalIp: string | null): Promise<UpnpGateway> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/rootDesc.xml') {
      res.writeHead(200, { 'content-type': 'text/xml; charset="utf-8"' }).end(description());
      return;
    }
    if (req.method === 'POST' && req.url === '/ctl/IPConn') {
      const action = String(req.headers.soapaction ?? '').replace(/"/g, '');
      req.resume();
      req.on('end', () => {
        if (action !== `${SERVICE}#GetExternalIPAddress`) {
          res
            .writeHead(500, { 'content-type': 'text/xml; charset="utf-8"' })
            .end(
              envelope(
                '<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>401</errorCode><errorDescription>Invalid Action</errorDescription></UPnPError></detail></s:Fault>',
              ),
            );
          return;
        }
        res
          .writeHead(200, { 'content-type': 'text/xml; charset="utf-8"' })
          .end(
            envelope(
              `<u:GetExternalIPAddressResponse xmlns:u="${SERVICE}"><NewExternalIPAddress>${gw.externalIp ?? ''}</NewExternalIPAddress></u:GetExternalIPAddressResponse>`,
            ),
          );
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const gw: UpnpGateway = {
    location: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rootDesc.xml`,
    externalIp,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return gw;
}
