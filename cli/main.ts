// `npx org-access [COMMAND] [OPTIONS]`: the one command of the project (package.json's `bin`,
// bin/org-access.js), dispatching to each command's own module as `pulumi <command>` and
// `checkov` do. `plan` is the default: `npx org-access --stack workload` plans that stack. Each
// command module is loaded only when it runs: `check` never pays for loading the Pulumi SDK. The
// npm scripts (`npm start`, `npm run policy:check`, ...) are aliases of these commands.
// First: the start-up savings of `plan` (plan/lazySdk.ts) and `check` (policypack/cli/noServer.ts)
// apply when this is the program and the command is theirs; anything else leaves them be.
import "../plan/lazySdk";
import "../policypack/cli/noServer";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../config/stackFile";
import { fail, Io, start, STDIO, UsageError } from "./command";
import { EXIT } from "./exitCodes";
import { didYouMean } from "./suggest";

/* eslint-disable @typescript-eslint/no-require-imports -- each command loads on demand */

/** A command of `npx org-access`: one line of the overview, and how to run it. */
interface Entry {
    readonly summary: string;
    readonly run: (argv: readonly string[], io: Io) => number | Promise<number>;
}

export const COMMANDS: Readonly<Record<string, Entry>> = {
    plan: {
        summary: "(default) plan every stack offline: resources, evidence, proofs, policy pack",
        run: (argv, io) =>
            (require("../plan/cli") as typeof import("../plan/cli")).main(argv, io.out, io.err),
    },
    check: {
        summary: "run the policy pack over a plan's --json, a stack export or a preview",
        run: (argv, io) =>
            (require("../policypack/cli/check") as typeof import("../policypack/cli/check")).main(
                argv,
                io,
            ),
    },
    verify: {
        summary: "prove the access evidence against real AWS, after pulumi up",
        run: (argv, io) =>
            (require("../verify/cli") as typeof import("../verify/cli")).main(argv, io.out, io.err),
    },
    account: {
        summary: "add, remove, move or import workload accounts in the stack files",
        run: (argv, io) =>
            (require("../scripts/account") as typeof import("../scripts/account")).main(argv, io),
    },
    stacks: {
        summary: "list the project's stacks in the order CI previews them",
        run: (argv, io) =>
            (require("../scripts/stacks") as typeof import("../scripts/stacks")).main(argv, io),
    },
    bench: {
        summary: "time the plan at scale; bench policy: time the policy pack",
        run: (argv, io) => {
            if (argv[0] === "policy")
                return (
                    require("../scripts/bench-policy") as typeof import("../scripts/bench-policy")
                ).main(argv.slice(1), io);
            const bench = require("../scripts/bench") as typeof import("../scripts/bench");
            // `bench polcy`: a typo of the subcommand, not bench's own unexpected argument.
            const hint = argv[0]?.startsWith("-") ? "" : didYouMean(argv[0] ?? "", ["policy"]);
            if (hint !== "")
                return fail(new UsageError(`unknown bench command "${argv[0]}"${hint}`), io, {
                    json: argv.includes("--json"),
                    shortUsage: bench.command.shortUsage,
                });
            return bench.main(argv, io);
        },
    },
};

export const USAGE = `usage: npx org-access [COMMAND] [OPTIONS]

Safe, auditable cross-account access for a whole AWS Organization: plan it offline, check it with
the policy pack, verify it against AWS, and onboard accounts.

Commands:
${Object.entries(COMMANDS)
    .map(([name, e]) => `  ${name.padEnd(9)} ${e.summary}`)
    .join("\n")}
  help      print a command's help: npx org-access help account
  version   print org-access's version

Options:
  -h, --help   this help; after a command, that command's help
  --version    print org-access's version

Without a command, or with options only, org-access plans: npx org-access --stack workload.
Exit codes, every command: 0 ok; 1 a finding, do not deploy; 2 fix the usage or the input.
Run 'npx org-access <command> --help' for a command's options (docs/cli.md).`;

const SHORT_USAGE = `usage: npx org-access [COMMAND] [OPTIONS]\nrun 'npx org-access --help' for the commands`;

/** The version in package.json, the one `npm ci` installed. */
export function version(root = PROJECT_ROOT): string {
    return (
        JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }
    ).version;
}

/** `help COMMAND ...`: that command's own --help (`help bench policy`, `help account`). */
function help(topic: readonly string[], io: Io): number | Promise<number> {
    if (topic.length === 0) {
        io.out.write(`${USAGE}\n`);
        return EXIT.ok;
    }
    return dispatch([...topic.filter((t) => !t.startsWith("-")), "--help"], io);
}

function dispatch(argv: readonly string[], io: Io): number | Promise<number> {
    const [first, ...rest] = argv;
    if (first === "--help" || first === "-h") return help([], io);
    if (first === "--version" || first === "version") {
        io.out.write(`${version()}\n`);
        return EXIT.ok;
    }
    if (first === undefined || first.startsWith("-")) return COMMANDS.plan.run(argv, io);
    if (first === "help") return help(rest, io);
    const entry = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (entry) return entry.run(rest, io);
    return fail(
        new UsageError(
            `unknown command "${first}"${didYouMean(first, [...Object.keys(COMMANDS), "help", "version"])}`,
        ),
        io,
        { json: argv.includes("--json"), shortUsage: SHORT_USAGE },
    );
}

/** Runs `npx org-access ARGV`; returns the exit code. */
export function main(argv: readonly string[], io: Io = STDIO): number | Promise<number> {
    return dispatch(argv, io);
}

/** Runs the process's command line (bin/org-access.js calls this once dist/ is built). */
export function run(): void {
    start((argv) => main(argv));
}

if (require.main === module) run();
