// Lints Cypher statements with Neo4j's own linter (@neo4j-cypher/language-support).
//
// stdin:  a JSON object {name: statement}
// stdout: a JSON array of {name, severity: "error"|"warning", message, line, column}
//         (line and column are 1-based, like an editor shows them)
// exit:   0 whenever the linting ran, whatever it found: tests/test_cypher_lint.py decides
//         what fails the build. Non-zero only if this script itself could not run.
//
// Every statement of iprgraph is linted in isolation and without a database schema, so
// the linter cannot know labels, property keys or parameter values: with no `labels`,
// `relationshipTypes`, `propertyKeys`, `functions` or `procedures` in the schema it
// skips those checks, and what remains is the grammar plus Neo4j's semantic analysis
// (undefined variables, type errors, ...). Parameters are supplied at run time, so it
// reports every `$param` as undefined; the Python test excepts exactly that message.
import { lintCypherQuery } from '@neo4j-cypher/language-support';

// The production graph is Neo4j 5 community, which speaks Cypher 5 only (Cypher 25
// arrived with Neo4j 2025.x). Pin it so a change of the package's default dialect
// cannot silently lint for another language than the one production runs.
const DB_SCHEMA = Object.freeze({ defaultLanguage: 'CYPHER 5' });

// LSP DiagnosticSeverity: 1 Error, 2 Warning, 3 Information, 4 Hint. The linter emits
// only the first two; anything else is reported as a warning rather than dropped, so
// the Python side sees it and has to decide.
const SEVERITY = { 1: 'error', 2: 'warning' };

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function lintAll(statements) {
  const out = [];
  for (const [name, statement] of Object.entries(statements)) {
    if (typeof statement !== 'string') {
      throw new TypeError(`statement ${name} is not a string`);
    }
    // consoleCommandsEnabled: false because these go to the driver, not to a Neo4j
    // browser or cypher-shell; `:param ...` in one of them must be an error.
    const { diagnostics } = lintCypherQuery(statement, DB_SCHEMA, {
      consoleCommandsEnabled: false,
    });
    for (const d of diagnostics) {
      out.push({
        name,
        severity: SEVERITY[d.severity] ?? 'warning',
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
      });
    }
  }
  return out;
}

const input = JSON.parse(await readStdin());
if (input === null || typeof input !== 'object' || Array.isArray(input)) {
  throw new TypeError('stdin must be a JSON object {name: statement}');
}
process.stdout.write(JSON.stringify(lintAll(input), null, 1) + '\n');
