// Every module xcli loads with import() at run time (packages left out of the bundle, a user's
// --tunnel-module) goes through importExternal. bin/xcli.js runs the bundle from V8's code cache
// (scripts/build.mjs), and code restored from that cache cannot call import() itself (Node throws
// ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so the bin supplies its own import() here.
type Importer = (specifier: string) => Promise<unknown>;

let importer: Importer = (specifier) => import(specifier);

/** Replaces how external modules are imported (bin/xcli.js, before main). */
export function setImporter(next: Importer): void {
  importer = next;
}

/** import() of a package name or a file: URL, typed by the caller. */
export function importExternal<T>(specifier: string): Promise<T> {
  return importer(specifier) as Promise<T>;
}
