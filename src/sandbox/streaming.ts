// Long-lived streaming responses as X sends them: NDJSON records ending in `\r\n`, `\r\n`
// keep-alives, and on request a drop or a stall after N records (for reconnect tests).
import type { SandboxApp } from './app.js';
import type { SandboxRequest } from './router.js';
import type { StreamConnection } from './state.js';

export function openStream(app: SandboxApp, req: SandboxRequest, kind: StreamConnection['kind']): StreamConnection {
  const res = req.raw;
  const behaviour = { ...app.settings.stream };
  let sent = 0;
  let stalled = false;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const heartbeat = setInterval(() => {
    if (!stalled && !res.writableEnded) res.write('\r\n');
  }, behaviour.heartbeatMs);
  const connection: StreamConnection = {
    kind,
    res,
    query: req.query,
    send(record) {
      if (res.writableEnded || res.destroyed) return false;
      if (stalled) return true;
      res.write(`${JSON.stringify(record)}\r\n`);
      sent++;
      if (behaviour.dropAfterRecords !== undefined && sent >= behaviour.dropAfterRecords) res.end();
      else if (behaviour.stallAfterRecords !== undefined && sent >= behaviour.stallAfterRecords) stalled = true;
      return true;
    },
  };
  app.state.streams.add(connection);
  res.on('close', () => {
    clearInterval(heartbeat);
    app.state.streams.delete(connection);
  });
  return connection;
}
