// The one way a command of org-access reads its arguments, reports errors and picks its exit code.
// Each command (plan/cli.ts, policypack/cli/check.ts, scripts/*.ts, verify/cli.ts) declares its
// options once, for `node:util`'s parseArgs in strict mode, turns the parsed values into its own
// typed options, and hands its work to `runCommand`, which prints `--help`, renders errors and maps
// them to exit codes (cli/exitCodes.ts).
import { parseArgs, ParseArgsOptionsConfig } from "node:util";
import { exitCodeOf, EXIT } from "./exitCodes";
import { parseStackName, STACK_KINDS, StackKind, StackName, StackNameError } from "../stacks/names";
import { UsageError } from "./errors";

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
    /** Printed by `--help` (exit 0) and after an argument error (exit 2). */
    readonly usage: string;
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
    /** Parses argv strictly; "help" when `--help` or `-h` is given (then nothing else is checked). */
    parse(argv: readonly string[]): T | "help";
}

export function defineCommand<O extends ParseArgsOptionsConfig, T>(
    spec: CommandSpec<O, T>,
): Command<T> {
    return {
        usage: spec.usage,
        parse(argv) {
            const end = argv.indexOf("--");
            const own = end < 0 ? argv : argv.slice(0, end);
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
                throw new UsageError(argumentProblem(e, spec.valueNames ?? {}));
            }
            return spec.build(parsed.values, parsed.positionals);
        },
    };
}

/** parseArgs' error, said the way this project's commands say it. */
function argumentProblem(e: unknown, valueNames: Readonly<Record<string, string | undefined>>) {
    const { code, message } = e as { code?: string; message: string };
    const quoted = /'([^' ]+)/.exec(message)?.[1] ?? "";
    switch (code) {
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
            return `unknown option ${quoted}`;
        case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
            return `unexpected argument "${quoted}"`;
        case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
            return message.includes("does not take an argument")
                ? `${quoted} takes no value`
                : `${quoted} needs ${valueNames[quoted.replace(/^--/, "")] ?? "a value"}`;
        default:
            return message;
    }
}

/**
 * Runs a command: parses argv, prints the usage on `--help` (exit 0), runs `run` with the typed
 * options and returns its exit code, or renders what was thrown and returns its exit code. An
 * argument error is followed by the usage; every other error by nothing but its message (an
 * internal error, a bug, by its stack). Synchronous commands stay synchronous.
 */
export function runCommand<T, R extends number | Promise<number>>(
    command: Command<T>,
    argv: readonly string[],
    io: Io,
    run: (options: T) => R,
): R {
    let options: T | "help";
    try {
        options = command.parse(argv);
    } catch (e) {
        return fail(e, io, command.usage) as R;
    }
    if (options === "help") {
        io.out.write(`${command.usage}\n`);
        return EXIT.ok as R;
    }
    try {
        const result = run(options);
        if (typeof result === "number") return result;
        return result.catch((e: unknown) => fail(e, io)) as R;
    } catch (e) {
        return fail(e, io) as R;
    }
}

/** Writes what went wrong and returns the exit code; `usage` follows an argument error. */
function fail(e: unknown, io: Io, usage?: string): number {
    const { code, message, usage: withUsage } = exitCodeOf(e);
    io.err.write(withUsage && usage !== undefined ? `${message}\n\n${usage}\n` : `${message}\n`);
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

/**
 * A `--stack` value: a stack name of one of `kinds` (stacks/names.ts), else a UsageError (or the
 * command's own subclass) saying which names the command takes.
 */
export function stackOption(
    value: string,
    kinds: readonly StackKind[] = STACK_KINDS,
    refusal: new (message: string) => UsageError = UsageError,
): StackName {
    try {
        return parseStackName(value, kinds);
    } catch (e) {
        if (e instanceof StackNameError) throw new refusal(e.optionMessage("--stack"));
        throw e;
    }
}
