import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';

/**
 * WebSocket clients for hostile tests: `exchange` speaks graphql-transport-ws through the `ws` library (any frame,
 * text or binary, valid or not), `oversizedFrame` writes the protocol by hand to announce a frame of any size and
 * stream it from a small buffer, so that a 50 MB frame costs the test no memory.
 */

export const GRAPHQL_WS_PROTOCOL = 'graphql-transport-ws';
const WAIT_MS = 3_000;

export interface WebSocketOutcome {
  /** `close:<code>` when the server closed the socket, then the codes of the errors received, `OK` for a result. */
  readonly codes: readonly string[];
  readonly closeCode: number | undefined;
  readonly ms: number;
  readonly messages: readonly Record<string, unknown>[];
}

export type Frame = string | { readonly text: Buffer } | { readonly binary: Buffer };

export interface ExchangeOptions {
  /** The connection_init frame; `undefined` sends none. */
  readonly init: Frame | undefined;
  /** Sent once the server has acknowledged (or at once when `init` is undefined or `waitForAck` is false). */
  readonly frames: readonly Frame[];
  readonly waitForAck?: boolean;
  readonly protocol?: string | null;
  /** Stop once this many operations have ended (error, complete, or a next when `endOnNext`). */
  readonly operations?: number;
}

export function initFrame(apiKey: string | undefined, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'connection_init', payload: apiKey === undefined ? extra : { authorization: `Bearer ${apiKey}`, ...extra } });
}

export function subscribeFrame(id: string, payload: { query: string; variables?: unknown; operationName?: unknown }): string {
  return JSON.stringify({ id, type: 'subscribe', payload });
}

/** Opens a socket, sends the frames, and collects what comes back until every operation ended or the socket closed. */
export function exchange(httpUrl: string, options: ExchangeOptions): Promise<WebSocketOutcome> {
  const started = performance.now();
  const url = httpUrl.replace(/^http/, 'ws');
  const protocol = options.protocol === undefined ? GRAPHQL_WS_PROTOCOL : options.protocol;
  return new Promise((resolve) => {
    const messages: Record<string, unknown>[] = [];
    const codes: string[] = [];
    let ended = 0;
    let done = false;
    const socket = protocol === null ? new WebSocket(url) : new WebSocket(url, protocol);
    const finish = (closeCode?: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (closeCode !== undefined) codes.push(`close:${closeCode}`);
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.terminate();
      resolve({ codes, closeCode, ms: performance.now() - started, messages });
    };
    const timer = setTimeout(() => {
      codes.push('TIMEOUT');
      finish();
    }, WAIT_MS);
    const sendAll = () => {
      for (const frame of options.frames) send(socket, frame);
      if (options.frames.length === 0 && !options.operations) finish();
    };
    socket.on('open', () => {
      if (options.init !== undefined) send(socket, options.init);
      if (options.init === undefined || options.waitForAck === false) sendAll();
    });
    socket.on('message', (data) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        codes.push('UNPARSABLE');
        return;
      }
      messages.push(message);
      if (message.type === 'connection_ack') {
        if (options.waitForAck !== false) sendAll();
        return;
      }
      if (message.type === 'error') {
        const errors = message.payload as { extensions?: { code?: string } }[];
        codes.push(...errors.map((error) => error.extensions?.code ?? 'NO_CODE'));
        ended += 1;
      } else if (message.type === 'next') {
        const errors = (message.payload as { errors?: { extensions?: { code?: string } }[] }).errors;
        codes.push(...(errors && errors.length > 0 ? errors.map((error) => error.extensions?.code ?? 'NO_CODE') : ['OK']));
      } else if (message.type === 'complete') {
        ended += 1;
      }
      if (options.operations !== undefined && ended >= options.operations) finish();
    });
    socket.on('close', (code) => finish(code));
    socket.on('error', () => {
      codes.push('HANDSHAKE_REFUSED');
      finish();
    });
  });
}

function send(socket: WebSocket, frame: Frame): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  if (typeof frame === 'string') socket.send(frame);
  else if ('text' in frame) socket.send(frame.text, { binary: false });
  else socket.send(frame.binary, { binary: true });
}

/**
 * Announces one text frame of `announcedBytes` and streams it (zeros, masked) until the server closes the socket or
 * everything was sent; before that, optionally authenticates. Returns the close code the server sent.
 */
export function oversizedFrame(httpUrl: string, announcedBytes: number, apiKey: string | undefined): Promise<WebSocketOutcome & { readonly bytesSent: number }> {
  const started = performance.now();
  const { hostname, port } = new URL(httpUrl);
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port: Number(port) });
    let received = Buffer.alloc(0);
    let upgraded = false;
    let acknowledged = apiKey === undefined;
    let bytesSent = 0;
    let done = false;
    const finish = (codes: string[], closeCode?: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ codes, closeCode, ms: performance.now() - started, messages: [], bytesSent });
    };
    const timer = setTimeout(() => finish(['TIMEOUT']), WAIT_MS * 4);
    const streamFrame = () => {
      socket.write(frameHeader(0x1, announcedBytes));
      const chunk = Buffer.alloc(64 * 1024); // zeros, masked with a zero key: still zeros
      const pump = () => {
        while (!done && bytesSent < announcedBytes) {
          const size = Math.min(chunk.length, announcedBytes - bytesSent);
          bytesSent += size;
          if (!socket.write(size === chunk.length ? chunk : chunk.subarray(0, size))) return void socket.once('drain', pump);
        }
      };
      pump();
    };
    socket.on('connect', () => {
      const key = randomBytes(16).toString('base64');
      socket.write(
        `GET /graphql HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${GRAPHQL_WS_PROTOCOL}\r\n\r\n`,
      );
    });
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!received.subarray(0, end).toString().startsWith('HTTP/1.1 101')) return finish([`HTTP:${received.subarray(9, 12).toString()}`]);
        upgraded = true;
        received = received.subarray(end + 4);
        if (apiKey !== undefined) socket.write(maskedTextFrame(initFrame(apiKey)));
        else streamFrame();
      }
      for (;;) {
        const frame = readServerFrame(received);
        if (!frame) return;
        received = received.subarray(frame.length);
        if (frame.opcode === 0x8) return finish([`close:${frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005}`], frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005);
        if (!acknowledged && frame.opcode === 0x1 && frame.payload.toString().includes('connection_ack')) {
          acknowledged = true;
          streamFrame();
        }
      }
    });
    socket.on('error', () => finish(['RESET']));
    socket.on('close', () => finish(['RESET']));
  });
}

/** A client frame header with the mask bit and an all-zero mask key (the payload is then sent as is). */
function frameHeader(opcode: number, length: number): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, 0x80 | length, 0, 0, 0, 0]);
  if (length < 65_536) {
    const header = Buffer.alloc(8);
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.alloc(14);
  header[0] = 0x80 | opcode;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  return Buffer.concat([frameHeader(0x1, payload.length), payload]);
}

function readServerFrame(buffer: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (buffer.length < 2) return undefined;
  const opcode = buffer[0]! & 0x0f;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return undefined;
  return { opcode, payload: buffer.subarray(offset, offset + length), length: offset + length };
}
