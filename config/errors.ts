// Turns schema failures into one report that names every bad key and says how to fix it.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { iamUserArn } from "../policypack/iam/arn";
import { closest, closestWithin } from "./didYouMean";
import { partitionOf, REGION_NAME } from "./patterns";
import { regionsOf } from "./regions";
import { NAMESPACE, RETIRED } from "./schema/constants";
import { IAM_QUOTA_LIMITS } from "./schema/iamQuotas";

export { closest };

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

    /**
     * The same problems with `--stack <stack>` in every `pulumi config set|rm|get` of their fixes
     * that names no stack, for a report printed outside `pulumi up` of this stack: the security
     * stack reports the problems of every workload stack's file, and the account commands those
     * of the files they edit. Pasted while another stack is selected, a hint without --stack
     * would change that stack's config (the security stack's own securityAccountId, say).
     * https://www.pulumi.com/docs/iac/cli/commands/pulumi_config_set/ ("-s, --stack string")
     */
    pinned(): ConfigError {
        return new ConfigError(
            this.stackName,
            this.problems.map((p) =>
                p.fix === undefined ? p : { ...p, fix: pinStack(p.fix, this.stackName) },
            ),
        );
    }
}

/** `fix` with `--stack <stack>` in every `pulumi config set|rm|get` that names no stack. */
export function pinStack(fix: string, stack: string): string {
    return fix.replace(
        /pulumi config (set|rm|get)(?! --stack )/g,
        `pulumi config $1 --stack ${stack}`,
    );
}

export function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
    // A path that carries its own namespace (`aws:region`) or names a file (`Pulumi.yaml ...`) is
    // printed as it is.
    const lines = problems.map(
        (p) =>
            `* ${/:|^Pulumi\./.test(p.path) ? p.path : `${NAMESPACE}:${p.path}`}: ${p.message}${p.fix ? ` (${p.fix})` : ""}`,
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

/**
 * The `pulumi config set` command that stores `value` at `path`, pasteable as it is. With `--path`,
 * the CLI stores an integer-looking value as a number and true/false as a boolean ("integers are
 * treated as numbers"), so a string key given such a value also gets `--type string`, which Pulumi
 * CLI 3.148.0 added (pulumi/pulumi#18287).
 * https://www.pulumi.com/docs/iac/cli/commands/pulumi_config_set/
 */
export function setCommand(
    path: string,
    value: string,
    options: { readonly secret?: boolean; readonly type?: "string"; readonly stack?: string } = {},
): string {
    const flags = `${options.stack ? ` --stack ${options.stack}` : ""}${options.secret ? " --secret" : ""}`;
    const key = fullKey(path);
    // A top-level key is always stored as a string, so it needs neither --path nor --type.
    if (!/[.[]/.test(path)) return `pulumi config set${flags} ${key} ${value}`;
    const typed = options.type === "string" && !options.secret && SCALAR_LOOKING.test(value);
    return `pulumi config set${flags} --path '${key}' ${value}${typed ? " --type string" : ""}`;
}

/**
 * `org-access:<path>`: a key written in full. The CLI puts a bare key under the project's name
 * (Pulumi.yaml `name:`), so with a renamed project a bare key lands in a namespace this program
 * never reads. A key with its own namespace (`aws:region`) is kept.
 * https://www.pulumi.com/docs/iac/concepts/config/ (keys are `namespace:key`; the namespace
 * defaults to the project's name)
 */
export function fullKey(path: string): string {
    return /^[\w-]+:/.test(path) ? path : `${NAMESPACE}:${path}`;
}

/** The `pulumi config rm` of `path`, with --path when it reaches into a list or a map. */
export function rmCommand(path: string): string {
    return /[.[]/.test(path)
        ? `pulumi config rm --path '${fullKey(path)}'`
        : `pulumi config rm ${fullKey(path)}`;
}

/** What `pulumi config set --path` would store as a number or a boolean instead of a string. */
export const SCALAR_LOOKING = /^(-?\d+|true|false)$/;

/**
 * For keys that hold a list or a map, the `--path` commands that set one complete entry (every
 * required field of it), so that pasting them gives a valid value, not one missing field at a time.
 */
const CONTAINER_EXAMPLES: Record<string, readonly (readonly [string, string])[]> = {
    workloadAccounts: [
        ["workloadAccounts[0].name", "name"],
        ["workloadAccounts[0].accountId", "accountId"],
    ],
    managementAccount: [["managementAccount.accountId", "accountId"]],
    logArchiveAccount: [["logArchiveAccount.accountId", "accountId"]],
    auditors: [["auditors[0]", "user"]],
    reporters: [
        ["reporters[0].name", "user"],
        ["reporters[0].externalId", "externalId"],
    ],
    tags: [["tags.Team", "security"]],
    "guardrails.targets": [["guardrails.targets[0]", "targets"]],
    workloadStacks: [["workloadStacks[0]", "workload"]],
    "auditRole.managedPolicies": [["auditRole.managedPolicies[0]", "SecurityAudit"]],
    "trustedPrincipals.humanArns": [["trustedPrincipals.humanArns[0]", "arn"]],
};

/** `base`, or `base-2`, `base-3`... : the first that `taken` does not hold. */
export function freeName(base: string, taken: ReadonlySet<string>): string {
    if (!taken.has(base)) return base;
    for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * Every name the input already uses for an account or an IAM user (`name` fields, and the user
 * lists), so that an example never suggests one that is taken.
 */
function takenNames(input: unknown): Set<string> {
    const taken = new Set<string>();
    const walk = (v: unknown, key: string) => {
        if (typeof v === "string") {
            if (/^(name|auditors|users|responders)$/.test(key)) taken.add(v);
        } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
        else if (v !== null && typeof v === "object")
            for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(input, "");
    return taken;
}

/** The leaf key of a path: `accountId` of `workloadAccounts[1].accountId`, `auditors` of `auditors[0]`. */
function leafOf(path: string): string {
    return path.replace(/\[\d+\]$/, "").replace(/.*[.\]]/, "");
}

/**
 * An example value for a key path, used to write the fix command: valid for the key, and never a
 * name the input already uses. `kind` overrides the leaf (`user`, `arn`) or is the literal value.
 */
function exampleFor(
    path: string,
    input: unknown,
    kind = leafOf(path),
    elsewhere: readonly string[] = [],
): string {
    const taken = new Set([...takenNames(input), ...elsewhere]);
    const security = (input as { securityAccountId?: unknown } | undefined)?.securityAccountId;
    // A misspelt region gets the closest region of its partition.
    const current = valueAt(input, parsePath(path));
    // A well-formed name far from every known region may be one @pulumi/aws does not know yet:
    // no example, so no command that puts another region in its place.
    const region = () =>
        typeof current === "string" && REGION_NAME.test(current)
            ? (closestWithin(current, regionsOf(partitionOf(current)), 2) ?? NO_EXAMPLE)
            : (typeof current === "string" && closest(current, regionsOf(partitionOf(current)))) ||
              "us-east-1";
    const examples: Record<string, () => string> = {
        accountId: () => "123456789012",
        securityAccountId: () => "123456789012",
        name: () =>
            freeName(/(^|\.)reporters\[/.test(path) ? "compliance-reporter" : "prod", taken),
        user: () => freeName(/^reporters/.test(path) ? "compliance-reporter" : "alice", taken),
        auditors: () => freeName("alice", taken),
        organizationId: () => "o-abcdefghij",
        deployRoleName: () => "OrganizationAccountAccessRole",
        sessionSeconds: () => "3600",
        mfaMaxAgeSeconds: () => "3600",
        externalId: () => '"$(openssl rand -hex 32)"',
        deployExternalId: () => '"$(openssl rand -hex 32)"',
        securityDeployExternalId: () => '"$(openssl rand -hex 32)"',
        // A principal of the security account, the only account a trust policy here names.
        arn: () =>
            iamUserArn(
                "aws",
                typeof security === "string" && /^\d{12}$/.test(security)
                    ? security
                    : "123456789012",
                freeName("alice", taken),
            ),
        humanArns: () => examples.arn(),
        expirationDays: () => "3650",
        transitionDays: () => "90",
        sourceIps: () => "203.0.113.0/24",
        sourceVpces: () => "vpce-0123456789abcdef0",
        maxAccountsPerStack: () => "10",
        allowedRegions: region,
        regions: region,
        ssoRegion: region,
        // The examples the keys' own messages give, so that a hint is always a pasteable command.
        repository: () => "example-org/org-access",
        deployEnvironment: () => "production",
        deployBranch: () => "main",
        deployWorkflow: () => ".github/workflows/deploy.yml",
        stateBucket: () => "org-access-state",
        emails: () => "security@example.com",
        unusedAccessAge: () => "90",
        targets: () => "r-abcd1234",
        workloadTargets: () => "r-abcd1234",
        instanceArn: () => "arn:aws:sso:::instance/ssoins-1234567890abcdef",
        identityStoreId: () => "d-1234567890",
        auditGroups: () => "906722b2-4011-70ac-c9b5-e1cd8b4ca7b1",
        managedPolicyArn: () => "arn:aws:iam::aws:policy/ReadOnlyAccess",
        deployAccount: () => "management",
        ...Object.fromEntries(
            Object.entries(IAM_QUOTA_LIMITS).map(([k, { default: d }]) => [k, () => String(d)]),
        ),
    };
    return (
        examples[kind]?.() ?? (/^[\w-]+$/.test(kind) && kind !== leafOf(path) ? kind : NO_EXAMPLE)
    );
}

/** The schema at `path`, through arrays, optionals, defaults and pipes; undefined if there is none. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): unknown {
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
        const def = (current as { _zod?: { def?: { type?: string; valueType?: unknown } } })._zod
            ?.def;
        if (typeof part === "number") {
            current = (current as { element?: unknown }).element;
        } else if (def?.type === "record") {
            // A map (`tags`): every key holds the record's value schema.
            current = def.valueType;
        } else {
            current = (current as { shape?: Record<string, unknown> }).shape?.[String(part)];
        }
        if (current === undefined) return undefined;
        unwrap();
    }
    return current;
}

/** `["workloadAccounts", 0, "accountId"]` from `workloadAccounts[0].accountId`. */
function parsePath(path: string): PropertyKey[] {
    return path.split(/\.|(?=\[)/).map((p) => (/^\[\d+\]$/.test(p) ? Number(p.slice(1, -1)) : p));
}

/** The Zod type name of the schema at `path` ("string", "boolean"...), or undefined. */
function typeAt(schema: z.ZodType, path: string): string | undefined {
    const at = schemaAt(schema, parsePath(path)) as { _zod?: { def?: { type?: string } } };
    return at?._zod?.def?.type;
}

/** Whether the schema wants a string at `path`, so an integer-looking value needs `--type string`. */
function wantsString(schema: z.ZodType, path: string): boolean {
    return typeAt(schema, path) === "string";
}

/** The values an enum schema at `path` allows, or none. */
function enumValues(schema: z.ZodType, path: string): string[] {
    const at = schemaAt(schema, parsePath(path)) as {
        _zod?: { def?: { type?: string; entries?: Record<string, unknown> } };
    };
    const def = at?._zod?.def as
        { type?: string; entries?: Record<string, unknown>; values?: unknown[] } | undefined;
    // A literal (rootAccess: "centralized") allows its one value.
    const values =
        def?.type === "enum" && def.entries
            ? Object.values(def.entries)
            : def?.type === "literal"
              ? (def.values ?? [])
              : [];
    return values.filter((v): v is string => typeof v === "string");
}

/**
 * The command that sets `path` to an example value, typed as the schema wants it; words instead of
 * a command when there is no example value to give (a `<value>` pasted into bash redirects input).
 */
function exampleCommand(
    schema: z.ZodType,
    path: string,
    input: unknown,
    kind?: string,
    elsewhere: readonly string[] = [],
): string {
    // A number or a boolean where a string belongs is most often the right value, stored untyped:
    // `--path` made it a number. Re-set the user's own value as a string when it is valid as one.
    const own = ownValueAsString(schema, path, valueAt(input, parsePath(path)));
    if (own !== undefined) return setCommand(path, own, { type: "string" });
    // A key with a few allowed values gets the first (the default, where there is one).
    const example = exampleFor(path, input, kind, elsewhere);
    const allowed = example === NO_EXAMPLE ? enumValues(schema, path) : [];
    // A flag: what the user most likely meant by a value such as "yes", as a boolean.
    if (example === NO_EXAMPLE && allowed.length === 0 && typeAt(schema, path) === "boolean") {
        const current = valueAt(input, parsePath(path));
        const meant = /^(y|yes|on|1|true|enabled?)$/i.test(String(current).trim());
        return setCommand(path, String(meant));
    }
    if (example === NO_EXAMPLE && allowed.length === 0)
        return `give it a valid value: pulumi config set --path '${fullKey(path)}' followed by the value${wantsString(schema, path) ? ", and --type string when it looks like a number or true/false" : ""}`;
    return setCommand(path, allowed[0] ?? example, {
        secret: /externalId$/i.test(path),
        type: wantsString(schema, path) || allowed.length > 0 ? "string" : undefined,
    });
}

/** What `exampleFor` returns for a key it has no example of. */
const NO_EXAMPLE = "<value>";

/**
 * `value` as the string the schema at `path` wants, when `value` is a number or a boolean whose
 * text passes that schema (an account id typed 210987654321 for a target); otherwise undefined.
 */
function ownValueAsString(schema: z.ZodType, path: string, value: unknown): string | undefined {
    // A secret is never echoed back into a hint.
    if (typeof value !== "number" && typeof value !== "boolean") return undefined;
    if (/externalId$/i.test(path)) return undefined;
    if (!wantsString(schema, path)) return undefined;
    const at = schemaAt(schema, parsePath(path)) as z.ZodType;
    return at.safeParse(String(value)).success ? String(value) : undefined;
}

/** The keys an object schema accepts at `path`, walking through arrays, optionals and defaults. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
    const shape = (schemaAt(schema, path) as { shape?: Record<string, { description?: string }> })
        ?.shape;
    // A retired key is in the schema only to explain what replaced it; it is not offered.
    return shape ? Object.keys(shape).filter((k) => shape[k]?.description !== RETIRED) : [];
}

function suggestion(key: string, known: string[]): string {
    const best = closest(key, known);
    return best === undefined ? "" : `did you mean '${best}'? `;
}

/** Every Zod issue as a problem with its key path and fix. */
export function problemsFromZod(
    schema: z.ZodType,
    error: z.ZodError,
    input: unknown,
    /** Account names other stacks' files use: a suggested name is none of them either. */
    elsewhere: readonly string[] = [],
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
                    fix: `${suggestion(key, known)}remove it with: pulumi config rm --path '${fullKey(full)}'; allowed keys here: ${known.join(", ")}`,
                });
            }
            continue;
        }
        const value = valueAt(input, issue.path);
        // A reporter's network lists sit below a list index, so they have no fixed path above.
        const network = /\.(sourceIps|sourceVpces)$/.test(path)
            ? [[`${path}[0]`, leafOf(path)] as const]
            : undefined;
        const container = CONTAINER_EXAMPLES[path] ?? network;
        if (container !== undefined) {
            problems.push({
                path,
                message:
                    value === undefined
                        ? `is required (${issue.message})`
                        : `${issue.message} (got ${describe(value)})`,
                // A scalar where the list or map belongs is removed first: --path cannot index into it.
                fix: `set ${container.length > 1 ? "an entry" : "its entries"} with --path, e.g.: ${[
                    ...(value === undefined || fits(value, container[0][0].startsWith(`${path}[`))
                        ? []
                        : [rmCommand(path)]),
                    ...container.map(([p, kind]) =>
                        exampleCommand(schema, p, input, kind, elsewhere),
                    ),
                ].join(" && ")}`,
            });
            continue;
        }
        if (value === undefined && issue.code === "invalid_type") {
            problems.push({
                path,
                message: "is required",
                fix: withLead(
                    "set it with",
                    exampleCommand(schema, path, input, undefined, elsewhere),
                ),
            });
            continue;
        }
        const shown = value === undefined ? "" : ` (got ${describe(value)})`;
        const secret = /externalId$/i.test(path);
        // A retired key is removed, never set again.
        const parent = schemaAt(schema, issue.path.slice(0, -1)) as {
            shape?: Record<string, { description?: string }>;
        };
        if (parent?.shape?.[String(issue.path[issue.path.length - 1])]?.description === RETIRED) {
            problems.push({
                path,
                message: `${issue.message}${secret ? "" : shown}`,
                fix: `remove it with: ${rmCommand(path)}`,
            });
            continue;
        }
        problems.push({
            path,
            message: `${issue.message}${secret ? "" : shown}`,
            fix:
                Array.isArray(value) || (typeof value === "object" && value !== null)
                    ? undefined
                    : withLead(
                          "fix with",
                          exampleCommand(schema, path, input, undefined, elsewhere),
                      ),
        });
    }
    return problems;
}

/** `lead: command`, or the words alone when `exampleCommand` had no value to put in a command. */
function withLead(lead: string, fix: string): string {
    return fix.startsWith("pulumi ") ? `${lead}: ${fix}` : fix;
}

/** Whether `value` is the container `--path` can index into: a list, or a map. */
function fits(value: unknown, list: boolean): boolean {
    return list
        ? Array.isArray(value)
        : typeof value === "object" && value !== null && !Array.isArray(value);
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
