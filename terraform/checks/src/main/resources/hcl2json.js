// Parses each .tf file named on the command line with @cdktf/hcl2json (HashiCorp's HCL parser,
// compiled to WebAssembly) and prints {"<file>": <json>, ...}. Any syntax error: exit 1, naming it.
// Usage: node hcl2json.js <path to node_modules/@cdktf/hcl2json> <file.tf>...
'use strict';
const fs = require('fs');
const hcl = require(process.argv[2]);

(async () => {
  const out = {};
  for (const file of process.argv.slice(3)) {
    try {
      out[file] = await hcl.parse(file, fs.readFileSync(file, 'utf8'));
    } catch (e) {
      process.stderr.write(String(e && e.message ? e.message : e) + '\n');
      process.exit(1);
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
