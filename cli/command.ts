// The one way a command of org-access reads its arguments, reports errors and picks its exit code.
// Each command (plan/cli.ts, policypack/cli/check.ts, scripts/*.ts, verify/cli.ts) declares its
// options once, for `node:util`'s parseArgs in strict mode, turns the parsed values into its own
// typed options, and hands its work to `runCommand`, which prints `--help`, renders errors and maps
// them to exit codes (cli/exitCodes.ts).
import * as fs from "fs";
import * as path from "path";
import { parseArgs, ParseArgsOptionsConfig } from "node:util";
import * as YAML from "yaml";
import { PROJECT_ROOT } from "../config/stackFile";
import { exitCodeOf, EXIT, problemsOf } from "./exitCodes";
import {
    parseStackName,
    splitQualifiedStackName,
    STACK_KINDS,
    StackKind,
    StackName,
    StackNameError,
} from "../stacks/names";
import { paletteFor } from "./colour";
import { UsageError } from "./errors";
import { didYouMean } from "./suggest";

export { EXIT, exitCodeOf } from "./exitCodes";
export { UsageError } from "./errors";

/** Where a command writes; process.stdout and process.stderr in real use. */
export interface Sink {
    write(text: string): unknown;
}

export interface Io {
    readonly out: Sink;
    readonly err: Sink;
}

/** The process's own streams. */
export const STDIO: Io = { out: process.stdout, err: process.stderr };

/** The values `node:util`'s parseArgs returns for these options (strict: typed, no unknowns). */
export type Values<O extends ParseArgsOptionsConfig> = ReturnType<
    typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>
>["values"];

export interface CommandSpec<O extends ParseArgsOptionsConfig, T> {
    /**
     * Printed by `--help` (exit 0). Its first paragraph (the `usage:` lines) is the short usage
     * printed after an argument error (exit 2), with a pointer to `--help`.
     */
    readonly usage: string;
    /** How to ask for this command's help: `npx org-access plan` (`... --help` is added). */
    readonly invocation?: string;
    /** Every option the command takes; `--help`/`-h` is added to each command. */
    readonly options: O;
    /** Whether the command takes positional arguments (default: none). */
    readonly positionals?: boolean;
    /** What an option's value is called in "--config needs a FILE" (default "a value"). */
    readonly valueNames?: { readonly [K in keyof O]?: string };
    /** Turns the parsed values into the command's typed options; throws UsageError. */
    readonly build: (values: Values<O>, positionals: string[]) => T;
}

/** A command's declared arguments, ready to parse. */
export interface Command<T> {
    readonly usage: string;
    /** What follows an argument error: the `usage:` lines and where the options are explained. */
    readonly shortUsage: string;
    /** Parses argv strictly; "help" when `--help` or `-h` is given (then nothing else is checked). */
    parse(argv: readonly string[]): T | "help";
    /**
     * Whether argv asks for JSON (`--json` before any `--`, for a command that has it), read
     * without parsing, so that an argument error is JSON too.
     */
    wantsJson(argv: readonly string[]): boolean;
}

/** The arguments before `--` (after it, everything is a positional). */
const ownArguments = (argv: readonly string[]) => {
    const end = argv.indexOf("--");
    return end < 0 ? argv : argv.slice(0, end);
};

/** The `usage:` paragraph of a usage text, and the line saying where the rest is. */
function shortUsageOf(usage: string, invocation: string | undefined): string {
    const synopsis = usage.split(/\n\s*\n/)[0];
    return invocation === undefined
        ? synopsis
        : `${synopsis}\nrun '${invocation} --help' for the options`;
}

export function defineCommand<O extends ParseArgsOptionsConfig, T>(
    spec: CommandSpec<O, T>,
): Command<T> {
    return {
        usage: spec.usage,
        shortUsage: shortUsageOf(spec.usage, spec.invocation),
        wantsJson: (argv) =>
            "json" in spec.options && ownArguments(argv).some((a) => a === "--json"),
        parse(argv) {
            const own = ownArguments(argv);
            if (own.includes("--help") || own.includes("-h")) return "help";
            let parsed: { values: Values<O>; positionals: string[] };
            try {
                parsed = parseArgs({
                    args: [...argv],
                    options: spec.options,
                    strict: true,
                    allowPositionals: spec.positionals ?? false,
                }) as typeof parsed;
            } catch (e) {
                // Only the command line's errors are usage errors; a bad option table is a bug.
                if (!String((e as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS_")) throw e;
                throw new UsageError(argumentProblem(e, spec.options, spec.valueNames ?? {}));
            }
            return spec.build(parsed.values, parsed.positionals);
        },
    };
}

/** parseArgs' error, said the way this project's commands say it. */
function argumentProblem(
    e: unknown,
    options: ParseArgsOptionsConfig,
    valueNames: Readonly<Record<string, string | undefined>>,
) {
    const { code, message } = e as { code?: string; message: string };
    const quoted = /'([^' ]+)/.exec(message)?.[1] ?? "";
    switch (code) {
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
            const known = [
                ...Object.keys(options).map((o) => `--${o}`),
                "--help",
                ...Object.values(options).flatMap((o) => (o.short ? [`-${o.short}`] : [])),
            ];
            return `unknown option ${quoted}${didYouMean(quoted, known)}`;
        }
        case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
            return `unexpected argument "${quoted}"`;
        case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
            // Node names an option with a short form `'-s, --stack <value>'`: say its long name.
            const long = /--(\w[\w-]*)/.exec(message)?.[1];
            const option = long ? `--${long}` : quoted;
            return message.includes("does not take an argument")
                ? `${option} takes no value`
                : `${option} needs ${(long && valueNames[long]) ?? "a value"}`;
        }
        default:
            return message;
    }
}

/**
 * Runs a command: parses argv, prints the usage on `--help` (exit 0), runs `run` with the typed
 * options and returns its exit code, or renders what was thrown and returns its exit code. An
 * argument error is followed by the short usage; every other error by nothing but its message (an
 * internal error, a bug, by its stack). Synchronous commands stay synchronous.
 */
export function runCommand<T, R extends number | Promise<number>>(
    command: Command<T>,
    argv: readonly string[],
    io: Io,
    run: (options: T) => R,
): R {
    const json = command.wantsJson(argv);
    let options: T | "help";
    try {
        options = command.parse(argv);
    } catch (e) {
        return fail(e, io, { json, shortUsage: command.shortUsage }) as R;
    }
    if (options === "help") {
        io.out.write(`${command.usage}\n`);
        return EXIT.ok as R;
    }
    try {
        const result = run(options);
        if (typeof result === "number") return result;
        return result.catch((e: unknown) => fail(e, io, { json })) as R;
    } catch (e) {
        return fail(e, io, { json }) as R;
    }
}

/** What `--json` prints on stdout when a command fails, instead of its result. */
export interface JsonError {
    readonly error: {
        readonly message: string;
        readonly exitCode: number;
        /** Each problem of an invalid input, by key, as the text message lists them. */
        readonly problems: readonly {
            readonly key?: string;
            readonly message: string;
            readonly fix?: string;
        }[];
    };
}

/**
 * Writes what went wrong and returns the exit code: the one place a failed command is rendered.
 * stderr gets the message (an argument error, the short usage after it; red on a terminal); under
 * --json, stdout gets the same as a JSON document (JsonError), so that a program reading stdout
 * always reads JSON.
 */
export function fail(
    e: unknown,
    io: Io,
    how: { readonly json?: boolean; readonly shortUsage?: string } = {},
): number {
    const { code, message, usage } = exitCodeOf(e);
    const red = paletteFor(io.err).red;
    const coloured = message.replace(/^(error|internal error):/, (m) => red(m));
    io.err.write(
        usage && how.shortUsage !== undefined
            ? `${coloured}\n${how.shortUsage}\n`
            : `${coloured}\n`,
    );
    if (how.json) {
        const document: JsonError = {
            error: {
                message: message.replace(/^error: /, ""),
                exitCode: code,
                problems: problemsOf(e),
            },
        };
        io.out.write(`${JSON.stringify(document, null, 2)}\n`);
    }
    return code;
}

/**
 * A closed output pipe (`npm start | head -1`) ends the output, not the command: Node ignores
 * SIGPIPE and reports EPIPE as an 'error' event, which unhandled crashes the process with a stack
 * trace. The rest of the output is dropped and the exit code stays the command's, so a pipeline
 * under `set -o pipefail` still fails on findings. Any other stream error crashes as before.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.EventEmitter): void {
    let closed = false;
    stream.on("error", (e: NodeJS.ErrnoException) => {
        // Writes after the EPIPE fail on the destroyed stream; they are the same closed pipe.
        if (e.code === "EPIPE" || (closed && e.code === "ERR_STREAM_DESTROYED")) {
            closed = true;
            return;
        }
        throw e;
    });
}

/** Starts a command as the process's entry point; its exit code becomes the process's. */
export function start(main: (argv: string[]) => number | Promise<number>): void {
    endQuietlyOnClosedPipe(process.stdout);
    endQuietlyOnClosedPipe(process.stderr);
    void Promise.resolve(main(process.argv.slice(2))).then((code) => {
        process.exitCode = code;
    });
}

let cachedProjectName: string | undefined;

/** The project's name, from Pulumi.yaml's `name` (what a fully qualified stack name must use). */
export function projectName(root = PROJECT_ROOT): string {
    if (root === PROJECT_ROOT && cachedProjectName !== undefined) return cachedProjectName;
    const name = (
        YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
            name?: unknown;
        } | null
    )?.name;
    if (typeof name !== "string")
        throw new UsageError(`${path.join(root, "Pulumi.yaml")} has no project name`);
    if (root === PROJECT_ROOT) cachedProjectName = name;
    return name;
}

/**
 * A `--stack` value: a stack name of one of `kinds` (stacks/names.ts), bare or qualified as the
 * Pulumi CLI takes it (`org/stack`, `org/project/stack`, whose project must be Pulumi.yaml's; the
 * organization is not checked: the plan is offline and any backend's organization names the same
 * stack files), else a UsageError (or the command's own subclass) saying which names it takes.
 */
export function stackOption(
    value: string,
    kinds: readonly StackKind[] = STACK_KINDS,
    refusal: new (message: string) => UsageError = UsageError,
    project: () => string = projectName,
): StackName {
    const qualified = splitQualifiedStackName(value);
    if (qualified === undefined)
        throw new refusal(
            `--stack must be a stack name, org/stack or org/project/stack, not "${value}"`,
        );
    if (qualified.project !== undefined && qualified.project !== project())
        throw new refusal(
            `--stack ${value} names the project "${qualified.project}", but Pulumi.yaml names this project "${project()}" (use ${qualified.org}/${project()}/${qualified.stack}, or ${qualified.stack})`,
        );
    try {
        return parseStackName(qualified.stack, kinds);
    } catch (e) {
        if (e instanceof StackNameError) throw new refusal(e.optionMessage("--stack"));
        throw e;
    }
}
