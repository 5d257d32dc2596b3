// node:tls, without its ES module facade. `import tls from 'node:tls'` in an ES module makes Node
// build the module's ESM namespace by reading every export once, and one of them,
// `tls.rootCertificates`, is a getter that copies Node's ~140 bundled root certificates into
// JavaScript strings, held for the life of the process: ~200 KiB of heap in an idle agent that
// never reads them (issue 12). The CommonJS exports object reads nothing until it is used.
// Types come from `import type … from 'node:tls'`, which compiles to nothing.
export const tls = process.getBuiltinModule('node:tls');
