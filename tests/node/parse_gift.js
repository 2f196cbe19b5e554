// Parse a GIFT file with gift-pegjs (an independent GIFT parser) and print the result as JSON.
// Usage: node parse_gift.js FILE   (exit 1 with the parser's message on a syntax error)
"use strict";
const fs = require("fs");
const gift = require("gift-pegjs");
try {
  const parsed = gift.parse(fs.readFileSync(process.argv[2], "utf8"));
  process.stdout.write(JSON.stringify(parsed));
} catch (err) {
  const where = err.location ? ` at line ${err.location.start.line}, column ${err.location.start.column}` : "";
  process.stderr.write(`GIFT syntax error${where}: ${err.message}\n`);
  process.exit(1);
}
