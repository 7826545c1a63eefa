// @ts-check
/**
 * Preloaded with `node --import ./test/support/record-modules.mjs …`: appends the URL of every module the process
 * loads to the file named by RECORD_MODULES, one a line. The CLI tests use it to see what a command really loads.
 */
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data; }
export async function load(url, context, nextLoad) {
  appendFileSync(file, url + '\\n');
  return nextLoad(url, context);
}`;

const file = process.env.RECORD_MODULES;
if (!file) throw new Error('record-modules: set RECORD_MODULES to the file that receives the module URLs');
register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: file });
