/**
 * A websocket message framed once, to be written as is to every socket it goes to.
 *
 * `ws` frames each `send` anew: a header buffer, then a corked write of header and payload (a `writev`), with its
 * bookkeeping objects — per recipient. A relayed edit goes to every other person in the room, so the room frames it
 * once here and writes the same bytes to each socket. Frames from a server are never masked (RFC 6455, 5.1), so the
 * bytes are the same for everyone: FIN + binary opcode, the payload length (7 bits, or 126 + 16 bits, or 127 + 64
 * bits), the payload.
 */
const FIN_BINARY = 0x82;

export function binaryFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN_BINARY;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(payload, header);
  return frame;
}
