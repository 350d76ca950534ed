/**
 * The ceiling of bench/relay-load.ts: a bare `ws` server on 127.0.0.1 that
 * accepts every upgrade on /agent (no authentication, no parsing, no
 * forwarding) and only counts the frames it receives. Forked by the
 * benchmark; reports its port and its counters over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { BareCommand, BareReport } from './relay-load-ipc.js';

const send = (msg: BareReport) => process.send?.(msg);

let frames = 0;
let bytes = 0;
let connections = 0;

// Same socket settings as the relay: no compression, no client tracking, 1 MiB frames.
const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: 1024 * 1024 });
const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => {
  socket.on('error', () => {});
  wss.handleUpgrade(req, socket, head, (ws) => {
    connections += 1;
    ws.on('message', (data: Buffer) => {
      frames += 1;
      bytes += data.length;
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      connections -= 1;
    });
  });
});
server.listen(0, '127.0.0.1', () =>
  send({ type: 'listening', port: (server.address() as AddressInfo).port }),
);

process.on('message', (msg: BareCommand) => {
  if (msg.type === 'count') send({ type: 'count', frames, bytes, connections });
  else process.exit(0);
});
process.on('disconnect', () => process.exit(0));
