// Whether the program being run is the dispatcher, `npx org-access` (bin/org-access.js, or
// cli/main.ts run itself), and with which command. Read by the modules that must act before
// anything else loads (plan/lazySdk.ts, policypack/cli/noServer.ts): plain path logic, no imports
// that load anything.
import * as path from "path";

/** The dispatcher's command (`plan` when none or options only), or undefined when it is not the program. */
export function dispatchedCommand(
    main = require.main?.filename,
    argv: readonly string[] = process.argv,
): string | undefined {
    if (main === undefined) return undefined;
    const isBin =
        path.basename(main) === "org-access.js" && path.basename(path.dirname(main)) === "bin";
    const isMain = path.dirname(main) === __dirname && /^main\.[jt]s$/.test(path.basename(main));
    if (!isBin && !isMain) return undefined;
    const first = argv[2];
    return first === undefined || first.startsWith("-") ? "plan" : first;
}
