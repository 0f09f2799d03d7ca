// The stack-name rule, written once: `security`, `workload`, or a workload shard `workload-<shard>`
// (one workload stack per group of accounts). The program (stacks/index.ts), the offline plan,
// account:add/remove and verify all read stack names through parseStackName. On the command line a
// stack may also be named as the Pulumi CLI names it: `stack`, `org/stack` or `org/project/stack`
// (https://www.pulumi.com/docs/iac/concepts/stacks/), read by splitQualifiedStackName.

/** What a stack deploys: the security account's stack, or a stack of workload accounts. */
export type StackKind = "security" | "workload";

export const STACK_KINDS: readonly StackKind[] = ["security", "workload"];

export interface StackName {
    readonly name: string;
    readonly kind: StackKind;
    /** The shard of a `workload-<shard>` stack; undefined for `workload` and `security`. */
    readonly shard?: string;
}

/** A shard is what Pulumi allows in a stack name: letters, digits, `_`, `.` and `-`. */
const PATTERN = /^(?:(security)|workload(?:-([A-Za-z0-9_.-]+))?)$/;

/** The names a kind allows, for messages: `security`, or `workload` and `workload-<shard>`. */
function forms(kinds: readonly StackKind[]): string[] {
    return kinds.flatMap((k) =>
        k === "security" ? ["security"] : ["workload", "workload-<shard>"],
    );
}

function either(names: readonly string[]): string {
    return names.length < 2
        ? names.join("")
        : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/** A stack name outside the rule, or of a kind the caller does not take. */
export class StackNameError extends Error {
    constructor(
        public readonly stack: string,
        public readonly kinds: readonly StackKind[],
    ) {
        super(`unknown stack "${stack}": name it ${either(forms(kinds).map((f) => `"${f}"`))}`);
        this.name = "StackNameError";
    }

    /** The same problem, said of a command-line option: `--stack must be workload or workload-<shard>, not "x"`. */
    optionMessage(option = "--stack"): string {
        return `${option} must be ${either(forms(this.kinds))}, not "${this.stack}"`;
    }
}

/** Reads a stack name; throws StackNameError when it breaks the rule or is not of one of `kinds`. */
export function parseStackName(name: string, kinds: readonly StackKind[] = STACK_KINDS): StackName {
    const m = PATTERN.exec(name);
    const parsed: StackName | undefined = !m
        ? undefined
        : m[1]
          ? { name, kind: "security" }
          : { name, kind: "workload", ...(m[2] !== undefined ? { shard: m[2] } : {}) };
    if (!parsed || !kinds.includes(parsed.kind)) throw new StackNameError(name, kinds);
    return parsed;
}

/** Whether a stack name selects the workload program: `workload`, or a shard such as `workload-prod`. */
export function isWorkloadStack(name: string): boolean {
    const m = PATTERN.exec(name);
    return m !== null && m[1] === undefined;
}

/** A `--stack` value as the Pulumi CLI reads it: the organization and project parts are optional. */
export interface QualifiedStackName {
    readonly org?: string;
    readonly project?: string;
    readonly stack: string;
}

/**
 * `stack`, `org/stack` or `org/project/stack`, the forms `pulumi --stack` takes (the project, when
 * given, must be the one Pulumi.yaml names: the caller checks it); undefined for any other shape
 * (an empty part, four parts).
 */
export function splitQualifiedStackName(value: string): QualifiedStackName | undefined {
    const parts = value.split("/");
    if (parts.length > 3 || parts.some((p) => p === "")) return undefined;
    if (parts.length === 1) return { stack: value };
    if (parts.length === 2) return { org: parts[0], stack: parts[1] };
    return { org: parts[0], project: parts[1], stack: parts[2] };
}
