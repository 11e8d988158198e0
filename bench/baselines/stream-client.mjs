// Reference of the stream case: the fastest a Node process reads the stream, with node:http and
// nothing else (no line handling), written to stdout. Shows what Node itself costs against curl.
import { get } from 'node:http';
get(process.argv[2], (res) => res.pipe(process.stdout));
