/**
 * A TCP proxy in front of PostgreSQL that loses answers the way a broken network does. Armed, it either
 * - lets the next statement on any of its connections run and commit, then cuts that connection instead of passing
 *   PostgreSQL's answer on (`loseNextAnswer`: the break came right after COMMIT), or
 * - cuts the client's side as soon as the client has sent its next statement, while PostgreSQL, still connected to
 *   the proxy, goes on running it and commits whenever it can (`abandonNextStatement`: the break came while the
 *   statement waited, say for a lock).
 * Everything else goes through untouched.
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
  /** Cut the client off right after it sends its next statement; resolves once PostgreSQL has finished that statement. */
  abandonNextStatement(): { cut: Promise<void>; finished: Promise<void> };
  /** Answers lost so far (by either fault). */
  readonly lost: number;
  close(): Promise<void>;
}

export async function startAnswerLossProxy(databaseUrl: string): Promise<AnswerLossProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  let loseArmed: (() => void) | null = null;
  let abandonArmed: { cut: () => void; finished: () => void } | null = null;
  let lost = 0;

  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    let abandoned: (() => void) | null = null; // PostgreSQL is finishing a statement nobody will hear the answer of
    const cut = () => {
      client.destroy();
      if (!abandoned) upstream.destroy();
    };
    client.on("error", cut).on("close", cut);
    upstream.on("error", () => upstream.destroy()).on("close", () => client.destroy());
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      if (abandonArmed && !abandoned) {
        const { cut: onCut, finished } = abandonArmed;
        abandonArmed = null;
        abandoned = finished;
        lost += 1;
        client.destroy();
        onCut();
      }
    });

    let pending: Buffer = Buffer.alloc(0);
    let losing: (() => void) | null = null; // this connection's statement is the one whose answer is being lost
    let completed = false;
    upstream.on("data", (chunk: Buffer) => {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      const passed: Buffer[] = [];
      let at = 0;
      while (pending.length - at >= 5) {
        const size = 1 + pending.readInt32BE(at + 1);
        if (pending.length - at < size) break;
        const type = String.fromCharCode(pending[at]!);
        const message = pending.subarray(at, at + size);
        at += size;
        if (!losing && !abandoned && loseArmed && type === "C") {
          losing = loseArmed;
          loseArmed = null;
          lost += 1;
        }
        if (!losing && !abandoned) {
          passed.push(message);
          continue;
        }
        // From here on nothing reaches the client; the connection ends once the statement has committed.
        if (type === "C") completed = true;
        if (type === "Z" && completed) {
          if (passed.length > 0 && !client.destroyed) client.write(Buffer.concat(passed));
          const done = (losing ?? abandoned)!;
          abandoned = null;
          cut();
          upstream.destroy();
          done();
          return;
        }
      }
      pending = pending.subarray(at);
      if (passed.length > 0 && !client.destroyed) client.write(Buffer.concat(passed));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);

  return {
    url: url.toString(),
    loseNextAnswer: () => new Promise<void>((resolve) => (loseArmed = resolve)),
    abandonNextStatement: () => {
      let cutResolve!: () => void;
      let finishedResolve!: () => void;
      const cutPromise = new Promise<void>((resolve) => (cutResolve = resolve));
      const finished = new Promise<void>((resolve) => (finishedResolve = resolve));
      abandonArmed = { cut: cutResolve, finished: finishedResolve };
      return { cut: cutPromise, finished };
    },
    get lost() {
      return lost;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
