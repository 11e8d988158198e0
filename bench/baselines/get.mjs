// Baseline of the "one request" case: the same GET with node:http and nothing else.
import { get } from 'node:http';
get(process.argv[2], { headers: { authorization: `Bearer ${process.env.X_BEARER_TOKEN}` } }, (res) => {
  res.pipe(process.stdout);
});
