// Turns schema failures into one report that names every bad key and says how to fix it.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { NAMESPACE, RETIRED } from "./schema";

/** One problem with one config key. */
export interface ConfigProblem {
    /** Path below the namespace, e.g. `workloadAccounts[1].accountId`. */
    readonly path: string;
    readonly message: string;
    /** How to fix it, usually a `pulumi config` command. */
    readonly fix?: string;
}

/**
 * Invalid configuration. `problems` lists every problem found, not only the first. A RunError,
 * so `pulumi up` prints the message without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        public readonly stackName: string,
        public readonly problems: readonly ConfigProblem[],
    ) {
        super(formatProblems(stackName, problems));
        this.name = "ConfigError";
    }
}

export function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
    // A path that carries its own namespace (`aws:region`) is printed as it is.
    const lines = problems.map(
        (p) =>
            `* ${p.path.includes(":") ? p.path : `${NAMESPACE}:${p.path}`}: ${p.message}${p.fix ? ` (${p.fix})` : ""}`,
    );
    return `invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
}

/** `workloadAccounts[1].accountId` from ["workloadAccounts", 1, "accountId"]. */
export function keyPath(path: readonly PropertyKey[]): string {
    let out = "";
    for (const part of path) {
        if (typeof part === "number") out += `[${part}]`;
        else out += out === "" ? String(part) : `.${String(part)}`;
    }
    return out;
}

function setCommand(path: string, example: string, secret = false): string {
    return `pulumi config set${secret ? " --secret" : ""} --path '${path}' ${example}`;
}

/** For keys that hold a list or a map, a `--path` example that sets one field of it. */
const CONTAINER_EXAMPLES: Record<string, string> = {
    workloadAccounts: "'workloadAccounts[0].name' prod",
    managementAccount: "'managementAccount.accountId' 123456789012",
    logArchiveAccount: "'logArchiveAccount.accountId' 123456789012",
    auditors: "'auditors[0]' alice",
    reporters: "'reporters[0].name' compliance-reporter",
    tags: "'tags.Team' security",
    workloadStacks: "'workloadStacks[0]' workload",
    "auditRole.managedPolicies": "'auditRole.managedPolicies[0]' SecurityAudit",
    "trustedPrincipals.humanArns":
        "'trustedPrincipals.humanArns[0]' arn:aws:iam::123456789012:user/alice",
};

/** An example value for a key path, used to write the fix command. */
function exampleFor(path: string): string {
    const leaf = /\.humanArns\[\d+\]$/.test(path)
        ? "arn"
        : path.replace(/\[\d+\]$/, "").replace(/.*[.\]]/, "");
    const examples: Record<string, string> = {
        accountId: "123456789012",
        securityAccountId: "123456789012",
        name: "prod",
        organizationId: "o-abcdefghij",
        deployRoleName: "OrganizationAccountAccessRole",
        sessionSeconds: "3600",
        mfaMaxAgeSeconds: "3600",
        externalId: '"$(openssl rand -hex 32)"',
        deployExternalId: '"$(openssl rand -hex 32)"',
        securityDeployExternalId: '"$(openssl rand -hex 32)"',
        arn: "arn:aws:iam::<security account id>:user/<name>",
        expirationDays: "3650",
        transitionDays: "90",
        sourceIps: "203.0.113.0/24",
        sourceVpces: "vpce-0123456789abcdef0",
        maxAccountsPerStack: "10",
    };
    return examples[leaf] ?? "<value>";
}

/** Levenshtein distance, for "did you mean" on misspelt keys. */
function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const tmp = row[j];
            row[j] = Math.min(
                row[j] + 1,
                row[j - 1] + 1,
                prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
            );
            prev = tmp;
        }
    }
    return row[b.length];
}

/** The keys an object schema accepts at `path`, walking through arrays, optionals and defaults. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
    let current: unknown = schema;
    const unwrap = () => {
        // Optional, default and pipe wrappers keep the real schema in `innerType` (Zod 4 internals).
        for (;;) {
            const def = (
                current as { _zod?: { def?: { type?: string; innerType?: unknown; in?: unknown } } }
            )._zod?.def;
            if (def?.innerType) current = def.innerType;
            else if (def?.type === "pipe" && def.in) current = def.in;
            else return;
        }
    };
    unwrap();
    for (const part of path) {
        if (typeof part === "number") {
            current = (current as { element?: unknown }).element;
        } else {
            current = (current as { shape?: Record<string, unknown> }).shape?.[String(part)];
        }
        if (current === undefined) return [];
        unwrap();
    }
    const shape = (current as { shape?: Record<string, { description?: string }> }).shape;
    // A retired key is in the schema only to explain what replaced it; it is not offered.
    return shape ? Object.keys(shape).filter((k) => shape[k]?.description !== RETIRED) : [];
}

function suggestion(key: string, known: string[]): string {
    const best = known.map((k) => ({ k, d: distance(key, k) })).sort((x, y) => x.d - y.d)[0];
    if (best && best.d <= Math.max(2, Math.floor(key.length / 3)))
        return `did you mean '${best.k}'? `;
    return "";
}

/** Every Zod issue as a problem with its key path and fix. */
export function problemsFromZod(
    schema: z.ZodType,
    error: z.ZodError,
    input: unknown,
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const issue of error.issues) {
        const path = keyPath(issue.path);
        if (issue.code === "unrecognized_keys") {
            const known = knownKeysAt(schema, issue.path);
            for (const key of issue.keys) {
                const full = keyPath([...issue.path, key]);
                problems.push({
                    path: full,
                    message: "unknown key",
                    fix: `${suggestion(key, known)}remove it with: pulumi config rm --path '${full}'; allowed keys here: ${known.join(", ")}`,
                });
            }
            continue;
        }
        const value = valueAt(input, issue.path);
        // A reporter's network lists sit below a list index, so they have no fixed path above.
        const network = /\.(sourceIps|sourceVpces)$/.test(path)
            ? `'${path}[0]' ${exampleFor(path)}`
            : undefined;
        const container = CONTAINER_EXAMPLES[path] ?? network;
        if (container !== undefined) {
            problems.push({
                path,
                message:
                    value === undefined
                        ? `is required (${issue.message})`
                        : `${issue.message} (got ${describe(value)})`,
                fix: `set its entries with --path, e.g.: pulumi config set --path ${container}`,
            });
            continue;
        }
        if (value === undefined && issue.code === "invalid_type") {
            problems.push({
                path,
                message: "is required",
                fix: `set it with: ${setCommand(path, exampleFor(path), /ExternalId$/.test(path))}`,
            });
            continue;
        }
        const shown = value === undefined ? "" : ` (got ${describe(value)})`;
        const secret = /externalId$/i.test(path);
        problems.push({
            path,
            message: `${issue.message}${secret ? "" : shown}`,
            fix:
                Array.isArray(value) || (typeof value === "object" && value !== null)
                    ? undefined
                    : `fix with: ${setCommand(path, exampleFor(path), secret)}`,
        });
    }
    return problems;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
    let v = input;
    for (const part of path) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<PropertyKey, unknown>)[part as string];
    }
    return v;
}

function describe(value: unknown): string {
    if (Array.isArray(value)) return "a list";
    if (value === null) return "null";
    if (typeof value === "object") return "an object";
    const text = JSON.stringify(value);
    return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Bad input found while the program runs rather than in the stack file: a malformed stack
 * output, or principals a component refuses to trust. A RunError, so no stack trace is shown.
 */
export class InputError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}
