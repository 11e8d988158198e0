// Baseline of the "100 pages" case: what `xcli --paginate` does with node:http and nothing else.
// One keep-alive connection; each page's body is written to stdout and its meta.next_token is put
// in the next page's pagination_token, until a page has none.
// Usage: node pages.mjs URL (the bearer token in X_BEARER_TOKEN).
import { Agent, get } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const headers = { authorization: `Bearer ${process.env.X_BEARER_TOKEN}` };
const first = new URL(process.argv[2]);

function page(url) {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    }).on('error', reject);
  });
}

for (let url = first; url; ) {
  const body = await page(url);
  process.stdout.write(body);
  process.stdout.write('\n');
  const token = JSON.parse(body).meta?.next_token;
  url = token ? new URL(first) : undefined;
  url?.searchParams.set('pagination_token', token);
}
agent.destroy();
