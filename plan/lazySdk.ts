/**
 * Imported first by the plan's CLI (plan/cli.ts) and its worker processes (plan/worker.ts), before
 * anything loads @pulumi/pulumi.
 *
 * @pulumi/pulumi loads at once three modules the plan never calls: its automation API
 * (`exports.automation`), and the runtime's closure serialization (which loads TypeScript) and
 * code-path computation (which loads npm's arborist), used only to serialize a JavaScript function
 * into a Lambda or a dynamic provider. Together about 0.4 s of CPU in every process that plans:
 * the CLI and each worker (docs/BENCHMARKS.md). So the plan puts a stand-in for each in Node's
 * module cache that loads the real module the first time anything reads from it and from then on
 * forwards to it: whatever uses them gets the SDK's own code. The SDK reads them through getters
 * (runtime/index.js: `get: function () { return serializeClosure_1.serializeFunction; }`), so
 * nothing is read at load time. Only when the plan is the program being run: a test or a tool
 * importing these modules keeps the SDK as it is (policypack/cli/noServer.ts does the same for the
 * pack's server).
 */
import Module from "module";
import * as path from "path";
import { dispatchedCommand } from "../cli/entry";

const main = require.main?.filename;
/** `npx org-access [plan] ...`: the dispatcher (cli/main.ts) imports this module first. */
const isDispatchedPlan = dispatchedCommand() === "plan";
const isPlanProcess =
    isDispatchedPlan ||
    (main !== undefined &&
        path.dirname(main) === __dirname &&
        /^(cli|worker)\.[jt]s$/.test(path.basename(main)));

/**
 * Each deferred module, with the functions the SDK copies from it at load time (runtime/index.js:
 * `exports.serializeFunction = serializeClosure_1.serializeFunction`): the stand-in answers those
 * with functions that load the real module when called.
 */
const DEFERRED: Readonly<Record<string, readonly string[]>> = {
    "@pulumi/pulumi/automation": [],
    "@pulumi/pulumi/runtime/closure/serializeClosure": [
        "serializeFunctionAsync",
        "serializeFunction",
    ],
    "@pulumi/pulumi/runtime/closure/codePaths": ["computeCodePaths"],
};

/** The real module, in the cache in place of the stand-in, which forwards to it from then on. */
function loadReal(file: string): object {
    delete require.cache[file];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as object;
}

function defer(file: string, functions: readonly string[]): void {
    const standIn = new Module(file, module);
    let real: object | undefined;
    const target = () => (real ??= loadReal(file));
    const calls = new Map(
        functions.map((name) => [
            name,
            (...args: unknown[]) =>
                (Reflect.get(target(), name) as (...a: unknown[]) => unknown)(...args),
        ]),
    );
    standIn.filename = file;
    standIn.loaded = true;
    standIn.exports = new Proxy(
        {},
        {
            // __importStar (the SDK's index) asks this first; each of these modules is one.
            get: (_, key) =>
                key === "__esModule"
                    ? true
                    : typeof key === "string" && calls.has(key) && real === undefined
                      ? calls.get(key)
                      : Reflect.get(target(), key),
            has: (_, key) => Reflect.has(target(), key),
            ownKeys: () => Reflect.ownKeys(target()),
            getOwnPropertyDescriptor: (_, key) => {
                const d = Reflect.getOwnPropertyDescriptor(target(), key);
                // A proxy may not report a property its (empty) target lacks as non-configurable.
                return d && { ...d, configurable: true };
            },
        },
    );
    require.cache[file] = standIn;
}

if (isPlanProcess)
    for (const [id, functions] of Object.entries(DEFERRED)) {
        const file = require.resolve(id);
        if (!require.cache[file]) defer(file, functions);
    }
