/**
 * A TCP proxy in front of PostgreSQL that can lose an answer, as a network failure right after COMMIT would: armed,
 * it lets the next statement on any of its connections run and commit, then cuts that connection instead of passing
 * PostgreSQL's answer on. Everything else goes through untouched.
 *
 * It reads the backend's side of the protocol only to find where a statement ends: every message PostgreSQL sends is
 * one type byte and a 32-bit length (SSL is not negotiated on 127.0.0.1 here). A statement has committed when its
 * CommandComplete ('C') has been followed by ReadyForQuery ('Z'): an autocommit statement commits at the Sync that
 * ReadyForQuery answers.
 */
import net from "node:net";

export interface AnswerLossProxy {
  /** The database URL through the proxy. */
  url: string;
  /** Lose the answer of the next statement that completes; resolves once its connection has been cut. */
  loseNextAnswer(): Promise<void>;
  /** Statements whose answers were lost so far. */
  readonly lost: number;
  close(): Promise<void>;
}

export async function startAnswerLossProxy(databaseUrl: string): Promise<AnswerLossProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  let armed: (() => void) | null = null;
  let lost = 0;

  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", cut).on("close", cut);
    upstream.on("error", cut).on("close", cut);
    client.pipe(upstream);

    let pending: Buffer = Buffer.alloc(0);
    let losing: (() => void) | null = null; // set on the connection whose statement's answer is being lost
    let completed = false;
    upstream.on("data", (chunk: Buffer) => {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      const passed: Buffer[] = [];
      let at = 0;
      while (pending.length - at >= 5) {
        const size = 1 + pending.readInt32BE(at + 1);
        if (pending.length - at < size) break;
        const message = pending.subarray(at, at + size);
        at += size;
        const type = String.fromCharCode(message[0]!);
        if (!losing && armed && type === "C") {
          losing = armed;
          armed = null;
        }
        if (!losing) {
          passed.push(message);
          continue;
        }
        // From the statement's CommandComplete on, nothing reaches the client.
        if (type === "C") completed = true;
        if (type === "Z" && completed) {
          if (passed.length > 0) client.write(Buffer.concat(passed));
          lost += 1;
          cut();
          losing();
          return;
        }
      }
      pending = pending.subarray(at);
      if (passed.length > 0) client.write(Buffer.concat(passed));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);

  return {
    url: url.toString(),
    loseNextAnswer: () => new Promise<void>((resolve) => (armed = resolve)),
    get lost() {
      return lost;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
