// Generates src/api/schema.d.ts from docs/openapi.json (the server's
// contract) with openapi-typescript. Run by `npm run build` (prebuild), so
// the types can never drift from the committed document; `--check` (npm run
// check:api) only reports whether the committed file is current.
//
// operationIds are dropped first: the document has had duplicates (`list`,
// `get`), and without them every operation is typed inline under its path,
// which is all the client uses.

import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import openapiTS, { astToString } from 'openapi-typescript'

const here = dirname(fileURLToPath(import.meta.url))
const source = process.env.TIX_OPENAPI ?? join(here, '..', '..', 'docs', 'openapi.json')
const target = join(here, '..', 'src', 'api', 'schema.d.ts')

const document = JSON.parse(readFileSync(source, 'utf8'))
for (const item of Object.values(document.paths ?? {})) {
  for (const operation of Object.values(item)) {
    if (operation && typeof operation === 'object') delete operation.operationId
  }
}
const ast = await openapiTS(document, { alphabetize: true, emptyObjectsUnknown: true })
const header = '// Generated from docs/openapi.json by scripts/gen-api.mjs (npm run gen:api). Do not edit.\n\n'
const text = header + astToString(ast)
let old = ''
try {
  old = readFileSync(target, 'utf8')
} catch {
  // first run
}
if (process.argv.includes('--check')) {
  if (old !== text) {
    console.error('gen-api: src/api/schema.d.ts is out of date with docs/openapi.json: run `npm run gen:api`')
    process.exit(1)
  }
  console.log('gen-api: schema.d.ts is current')
} else if (old !== text) {
  writeFileSync(target, text)
  console.log(`gen-api: wrote ${target}`)
} else if (process.argv.includes('--verbose')) {
  console.log('gen-api: schema.d.ts is current')
}
