// The one map from what a command threw to its exit code and message. Every command of org-access
// exits with:
//   0  ok: no mandatory violation, every scenario as expected, the file written;
//   1  do not proceed: a finding (a mandatory policy violation, an evidence scenario that does not
//      behave as designed, an unsafe plan: a resource on the default provider), or the command
//      could not finish (an AWS error it cannot interpret; an unexpected error, a bug, printed as
//      "internal error:" with its stack, like a crash of Node itself, which also exits 1);
//   2  fix the input: a usage error, an invalid stack file or policy-pack config, an unreadable or
//      malformed input, a refused edit, missing credentials, permissions or a deploy prerequisite.
// Exit 2 says "fix the invocation or the environment and run again"; any other non-zero exit says
// "do not deploy". (policy:check exited 2 on an internal error before this map; it now exits 1.)
import type * as Pulumi from "@pulumi/pulumi";
import { NAMESPACE } from "../config/schema/constants";
import { StackFileError } from "../config/stackFile";
import { DefaultProviderError, StacksNotPlannedError } from "../plan/errors";
import { CheckInputError } from "../policypack/runner";
import { PolicyConfigError } from "../policypack/config";
import { StackNameError } from "../stacks/names";
import { VerifyPrerequisiteError } from "../verify/errors";
import { keyedProblems, Problem, UsageError } from "./errors";

export type { Problem } from "./errors";

export const EXIT = { ok: 0, findings: 1, internal: 1, usage: 2, input: 2 } as const;

type ErrorClass = abstract new (...args: never[]) => Error;

export interface ExitRule {
    /** The errors the rule covers: instances of a class, or those a test picks (other libraries' errors). */
    readonly match: ErrorClass | ((e: Error) => boolean);
    readonly code: number;
    /** The message to print (default: the error's message). */
    readonly render?: (e: Error) => string;
}

const isClass = (m: ExitRule["match"]): m is ErrorClass =>
    m.prototype instanceof Error || m === Error;

/** Network failures reaching AWS: Node's error codes and the SDK's timeout. */
const NETWORK_CODES = ["ENOTFOUND", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN"];
const networkCode = (e: Error): string | undefined => {
    const code = (e as { code?: string }).code;
    if (code !== undefined && NETWORK_CODES.includes(code)) return code;
    return e.name === "TimeoutError" ? e.name : undefined;
};

/**
 * pulumi.RunError.isInstance, with @pulumi/pulumi loaded only when an error gets this far: every
 * command imports this map, and loading @pulumi/pulumi (its automation API loads TypeScript and
 * npm's arborist) costs about half a second of start-up that `policy:check` does not otherwise pay.
 */
function isRunError(e: Error): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi = require("@pulumi/pulumi") as typeof Pulumi;
    return pulumi.RunError.isInstance(e);
}

/** First match wins. */
export const EXIT_RULES: readonly ExitRule[] = [
    { match: UsageError, code: EXIT.usage, render: (e) => `error: ${e.message}` },
    { match: StackNameError, code: EXIT.usage, render: (e) => `error: ${e.message}` },
    { match: CheckInputError, code: EXIT.input, render: (e) => `error: ${e.message}` },
    // These messages say themselves what is wrong ("invalid configuration for stack ...").
    // ConfigError is a pulumi.RunError: the RunError rule below gives it this code and message.
    { match: StackFileError, code: EXIT.input },
    { match: PolicyConfigError, code: EXIT.input },
    { match: VerifyPrerequisiteError, code: EXIT.input },
    // The program's own refusals during a mock run (pulumi.RunError: printed without a stack).
    { match: isRunError, code: EXIT.input },
    // The AWS SDK's credential chain found nothing usable.
    {
        match: (e) => e.name === "CredentialsProviderError",
        code: EXIT.input,
        render: (e) => `no usable AWS credentials: ${e.message}`,
    },
    {
        match: (e) => networkCode(e) !== undefined,
        code: EXIT.input,
        render: (e) => `cannot reach AWS (${networkCode(e)}): check the network and --region`,
    },
    // Stacks planned in worker processes: each failure already says itself (a config error's own
    // message, or the worker's crash), with the code its own error had.
    {
        match: (e) => e instanceof StacksNotPlannedError && e.exitCode === EXIT.input,
        code: EXIT.input,
    },
    { match: StacksNotPlannedError, code: EXIT.findings },
    {
        match: DefaultProviderError,
        code: EXIT.findings,
        render: (e) => `unsafe plan: ${e.message}`,
    },
    // An AWS error verify/run.ts does not turn into a prerequisite (throttling, an outage): the
    // command could not finish. Said without a stack trace: the fault is not in this code.
    {
        match: (e) => "$metadata" in e,
        code: EXIT.internal,
        render: (e) => `error: AWS answered ${e.name}: ${e.message}`,
    },
];

function matches(rule: ExitRule, e: Error): boolean {
    return isClass(rule.match) ? e instanceof rule.match : rule.match(e);
}

/** The exit code of what a command threw, and the message to print for it. */
export function exitCodeOf(thrown: unknown): { code: number; message: string; usage: boolean } {
    const e = thrown instanceof Error ? thrown : new Error(String(thrown));
    const rule = EXIT_RULES.find((r) => matches(r, e));
    if (!rule)
        return {
            code: EXIT.internal,
            message: `internal error: ${e.stack ?? e.message}`,
            usage: false,
        };
    return {
        code: rule.code,
        message: rule.render ? rule.render(e) : e.message,
        usage: e instanceof UsageError,
    };
}

/** config/errors.ts's ConfigProblem, read without loading @pulumi/pulumi (see isRunError). */
interface ConfigProblemLike {
    readonly path: string;
    readonly message: string;
    readonly fix?: string;
}

const isConfigProblems = (v: unknown): v is readonly ConfigProblemLike[] =>
    Array.isArray(v) &&
    v.every(
        (p) =>
            typeof (p as ConfigProblemLike)?.path === "string" &&
            typeof (p as ConfigProblemLike).message === "string",
    );

/**
 * The key-by-key problems an error carries: a stack's ConfigError (every bad key, with its fix,
 * keyed as its message names them), a PolicyConfigError (`path: message` each), a plan whose
 * workers could not plan stacks (each stack's problems, else its message); none for the rest.
 */
export function problemsOf(thrown: unknown): Problem[] {
    if (thrown instanceof PolicyConfigError) return keyedProblems(thrown.problems);
    if (thrown instanceof UsageError || thrown instanceof CheckInputError)
        return [...thrown.details];
    if (thrown instanceof StacksNotPlannedError)
        return thrown.failures.flatMap((f) =>
            f.problems !== undefined && f.problems.length > 0
                ? f.problems
                : [{ key: f.stack, message: f.message }],
        );
    const problems = (thrown as { problems?: unknown } | null)?.problems;
    if (thrown instanceof Error && thrown.name === "ConfigError" && isConfigProblems(problems))
        return configProblems(problems);
    return [];
}

/** A stack's config problems (a ConfigError's, the stack file's warnings) keyed for --json. */
export function configProblems(problems: readonly ConfigProblemLike[]): Problem[] {
    return problems.map((p) => ({
        // As config/errors.ts's formatProblems names them: a path with its own namespace
        // (`aws:region`) as it is.
        key: p.path.includes(":") ? p.path : `${NAMESPACE}:${p.path}`,
        message: p.message,
        ...(p.fix !== undefined ? { fix: p.fix } : {}),
    }));
}
