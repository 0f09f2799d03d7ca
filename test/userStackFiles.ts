// The repository's own Pulumi.<stack>.yaml files are the user's: a user who adds an account or
// replaces the example ids must still see `npm test` pass (tests use their own fixtures). So no
// test reads them, except the one that plans them and asserts only what any valid set of them must
// give (test/plan/cli.spec.ts, through readingUserStackFiles). .mocharc.json loads this module
// before every spec; from then on a read of one of those files throws, naming the file and the
// fixture to use instead, so a test that slips in fails here whatever the files hold today.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../config/stackFile";

let allowed = 0;

/** Runs `f` with the repository's own stack files readable: for the one test that plans them. */
export async function readingUserStackFiles<T>(f: () => Promise<T>): Promise<T> {
    allowed++;
    try {
        return await f();
    } finally {
        allowed--;
    }
}

/** Whether `file` is one of the repository's own Pulumi.<stack>.yaml files (not Pulumi.yaml). */
export function isUserStackFile(file: unknown): boolean {
    if (typeof file !== "string") return false;
    const resolved = path.resolve(file);
    return (
        path.dirname(resolved) === PROJECT_ROOT &&
        /^Pulumi\.[^.]+\.yaml$/.test(path.basename(resolved))
    );
}

// The module object itself: `import * as fs` gives each importer read-only getters onto it, so
// patching it reaches every module of the program and of the tests.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsModule = require("fs") as { readFileSync: unknown };
const readFileSync = fs.readFileSync;
fsModule.readFileSync = function guarded(this: unknown, file: unknown, ...rest: unknown[]) {
    if (allowed === 0 && isUserStackFile(file))
        throw new Error(
            `a test read ${path.basename(String(file))}, the user's own stack file: plan a fixture ` +
                `project instead (test/helpers/preview.ts exampleProject(), runPlan's root, the plan's -C)`,
        );
    return (readFileSync as (...a: unknown[]) => unknown).call(this, file, ...rest);
};
