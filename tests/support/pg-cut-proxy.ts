/**
 * A TCP proxy in front of PostgreSQL that can cut it off, as a stopped server or a broken network would: `cut()`
 * destroys every connection through it and refuses new ones (accepted, then closed at once) until `restore()`.
 * `reset()` breaks the connections through it with a TCP reset instead, as a crashed host would, and lets new ones in.
 */
import net from "node:net";

export interface CutProxy {
  /** The database URL through the proxy. */
  url: string;
  cut(): void;
  restore(): void;
  reset(): void;
  /** Connections refused while cut. */
  readonly refused: number;
  close(): Promise<void>;
}

export async function startCutProxy(databaseUrl: string): Promise<CutProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  let isCut = false;
  let refused = 0;
  const server = net.createServer((client) => {
    if (isCut) {
      refused += 1;
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String((server.address() as net.AddressInfo).port);
  const destroyAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    url: url.toString(),
    cut: () => {
      isCut = true;
      destroyAll();
    },
    restore: () => {
      isCut = false;
    },
    reset: () => {
      for (const s of sockets) s.resetAndDestroy();
      sockets.clear();
    },
    get refused() {
      return refused;
    },
    close: async () => {
      destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
