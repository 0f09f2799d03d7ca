/**
 * Suppressions: a violation the team has accepted, for a reason and until a date.
 *
 * They live in each policy's own config, as `suppressions`, because that is where the real
 * `pulumi preview --policy-pack-config FILE` passes them on: the CLI reconciles the file per
 * policy name and validates each policy's properties against its configSchema
 * (pulumi/pulumi pkg/resource/analyzer/config.go, ReconcilePolicyPackConfig), and the pack reads
 * them back with `args.getConfig()` (@pulumi/policy server.js makeGetConfigFun). A top-level key
 * of its own would reach no policy. So one schema property is added to every policy
 * (`withSuppressionSchema`) and the pack, the offline plan and `check` all decide with `decide`:
 *
 *   "iam-no-admin-grants": {"suppressions": [
 *       {"resource": "aws:iam/role:Role::legacy-admin", "findings": ["3f9c0a1b2c4d5e6f"],
 *        "reason": "TICKET-12: removed in Q2", "expires": "2027-03-31"}]}
 *
 * A suppression accepts findings, not a resource: `findings` lists the ids (`findingId`: a hash of
 * the policy, the resource's type and name, and the violation's message) of the violations it
 * accepts, as `npm start` and `check` print them. A new finding on the same resource (another
 * admin statement, another principal in a StackSet's template, whose findings are all reported on
 * the StackSet) has another id and is reported: an older suppression never hides it. A changed
 * message is a new finding too: the old suppression goes unused, and says so.
 *
 * A suppression is active through its expiry day (UTC); from the next day the violation is
 * reported again, its message naming the expired suppression and its reason.
 */
import {
    Policies,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidation,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { createHash } from "crypto";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/** The config property every policy takes. */
export const SUPPRESSIONS = "suppressions";

/**
 * How far ahead a suppression may expire: a year. An accepted risk is looked at again at least
 * once a year, the cycle of an annual access review (SOC 2 CC6.2/CC6.3 reviews, CIS AWS 1.x
 * credential reviews); a longer expiry is a permanent exception that nobody revisits.
 */
export const MAX_SUPPRESSION_DAYS = 365;

export interface Suppression {
    /**
     * The resource: its URN (`urn:pulumi:stack::project::type::name`, exact), or
     * `<type>::<name>` with a literal type and a name where `*` matches any run of characters
     * after a literal prefix of at least {@link MIN_NAME_PREFIX} characters.
     */
    readonly resource: string;
    /** The ids of the findings it accepts (`findingId`, as `npm start` and `check` print them). */
    readonly findings: readonly string[];
    /** Why the violation is accepted (a ticket, an owner): shown in the report and in SARIF. */
    readonly reason: string;
    /** The last day it applies, YYYY-MM-DD (UTC). */
    readonly expires: string;
}

const DATE = "^\\d{4}-\\d{2}-\\d{2}$";
/** A finding id: the first 16 hex digits of a SHA-256 (`findingId`). */
const FINDING = "^[0-9a-f]{16}$";
/** The literal characters a name pattern starts with before its first `*`. */
export const MIN_NAME_PREFIX = 3;
const KEYS = ["resource", "findings", "reason", "expires"];

/**
 * The JSON schema the real CLI validates the property with (gojsonschema, nested schemas
 * included: @pulumi/policy protoutil.js sends each property's schema as it is). The runner checks
 * more (`suppressionProblems`): a real date, at most a year ahead, no match-everything pattern.
 */
export const SUPPRESSIONS_SCHEMA: PolicyConfigJSONSchema = {
    type: "array",
    description:
        "Accepted violations of this policy: {resource (URN, or type::name with * wildcards), findings (ids, as npm start prints them), reason, expires (YYYY-MM-DD)}",
    items: {
        type: "object",
        properties: {
            resource: { type: "string", minLength: 1 },
            findings: {
                type: "array",
                items: { type: "string", pattern: FINDING },
                minItems: 1,
            },
            reason: { type: "string", minLength: 1 },
            expires: { type: "string", pattern: DATE },
        },
        required: ["resource", "findings", "reason", "expires"],
        additionalProperties: false,
    },
    default: [],
};

/** Adds `suppressions` to every policy's configSchema (one place, policies/index.ts). */
export function withSuppressionSchema<P extends Policies[number]>(policy: P): P {
    const schema: PolicyConfigSchema = {
        ...(policy.configSchema ?? {}),
        properties: {
            ...(policy.configSchema?.properties ?? {}),
            [SUPPRESSIONS]: SUPPRESSIONS_SCHEMA,
        },
    };
    return { ...policy, configSchema: schema };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC day of a date, as YYYY-MM-DD. */
export function utcDay(now: Date): string {
    return now.toISOString().slice(0, 10);
}

/** A YYYY-MM-DD that names a real day (not 2027-02-30), as a UTC midnight; else undefined. */
function parseDay(s: string): Date | undefined {
    if (!new RegExp(DATE).test(s)) return undefined;
    const d = new Date(`${s}T00:00:00Z`);
    return Number.isNaN(d.getTime()) || utcDay(d) !== s ? undefined : d;
}

/** What is wrong with a resource matcher, if anything. */
function matcherProblem(resource: string): string | undefined {
    if (resource.startsWith("urn:pulumi:")) {
        if (resource.includes("*"))
            return "a URN is matched exactly: drop the * or use <type>::<name> with wildcards";
        return /^urn:pulumi:[^:]*::[^:]*::.+::.*[^:]$/.test(resource)
            ? undefined
            : "not a full URN (urn:pulumi:<stack>::<project>::<type>::<name>)";
    }
    const parts = resource.split("::");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "")
        return 'must be a URN or "<type>::<name>", e.g. "aws:iam/role:Role::legacy-admin"';
    // A suppression is an exception, not a switch: the type is literal, and a name pattern starts
    // with enough literal characters that `*::*-*`, `*::*a*` or `Role::*e*` (nearly everything)
    // cannot pass as one.
    if (parts[0].includes("*"))
        return "has a * in its type: name the type exactly (e.g. aws:iam/role:Role)";
    const prefix = parts[1].indexOf("*");
    if (prefix >= 0 && prefix < MIN_NAME_PREFIX)
        return `matches too many ${parts[0]}s: a name pattern starts with at least ${MIN_NAME_PREFIX} literal characters before any * (e.g. legacy-*), or name the resource exactly`;
    return undefined;
}

/**
 * Every problem of one policy's `suppressions`, each naming its key and the fix. `now` decides
 * "at most a year ahead"; an expired suppression is no problem here: its violation comes back.
 */
export function suppressionProblems(policy: string, value: unknown, now: Date): string[] {
    const where = `${policy}.${SUPPRESSIONS}`;
    if (!Array.isArray(value))
        return [`${where}: must be an array of {resource, findings, reason, expires}`];
    const problems: string[] = [];
    const today = parseDay(utcDay(now))!;
    value.forEach((s: unknown, i) => {
        const at = `${where}[${i}]`;
        if (typeof s !== "object" || s === null || Array.isArray(s)) {
            problems.push(`${at}: must be an object {resource, findings, reason, expires}`);
            return;
        }
        const o = s as Record<string, unknown>;
        for (const k of Object.keys(o))
            if (!KEYS.includes(k))
                problems.push(`${at}.${k}: unknown key (known: ${KEYS.join(", ")})`);
        if (typeof o.resource !== "string" || o.resource === "")
            problems.push(
                `${at}.resource: is required (the resource's URN, or "<type>::<name>" as in "aws:iam/role:Role::legacy-admin")`,
            );
        else {
            const p = matcherProblem(o.resource);
            if (p) problems.push(`${at}.resource: ${JSON.stringify(o.resource)} ${p}`);
        }
        const ids = o.findings;
        if (!Array.isArray(ids) || ids.length === 0)
            problems.push(
                `${at}.findings: is required, the ids of the findings it accepts (npm start and npx org-access check print each violation's "finding <id>"): a suppression accepts findings, not every violation of a resource`,
            );
        else
            ids.forEach((id: unknown, j) => {
                if (typeof id !== "string" || !new RegExp(FINDING).test(id))
                    problems.push(
                        `${at}.findings[${j}]: ${JSON.stringify(id)} is not a finding id (16 hex digits, as npm start prints after "finding")`,
                    );
            });
        if (typeof o.reason !== "string" || o.reason.trim() === "")
            problems.push(
                `${at}.reason: is required and must not be empty (why the violation is accepted, and by whom: a ticket)`,
            );
        if (typeof o.expires !== "string") {
            problems.push(
                `${at}.expires: is required, a date YYYY-MM-DD at most ${MAX_SUPPRESSION_DAYS} days ahead`,
            );
            return;
        }
        const day = parseDay(o.expires);
        if (!day) {
            problems.push(
                `${at}.expires: ${JSON.stringify(o.expires)} is not a date YYYY-MM-DD (e.g. ${utcDay(new Date(today.getTime() + 90 * DAY_MS))})`,
            );
            return;
        }
        const ahead = Math.round((day.getTime() - today.getTime()) / DAY_MS);
        if (ahead > MAX_SUPPRESSION_DAYS)
            problems.push(
                `${at}.expires: ${o.expires} is ${ahead} days ahead; at most ${MAX_SUPPRESSION_DAYS} (${utcDay(new Date(today.getTime() + MAX_SUPPRESSION_DAYS * DAY_MS))}): review it again then`,
            );
    });
    return problems;
}

/** The suppressions of one policy's effective config that are valid (the others never apply). */
export function suppressionsOf(
    policy: string,
    config: Readonly<Record<string, unknown>>,
    now: Date,
): Suppression[] {
    const list = config[SUPPRESSIONS];
    if (!Array.isArray(list)) return [];
    return list.filter((s) => suppressionProblems(policy, [s], now).length === 0) as Suppression[];
}

/** What a violation is reported on. */
export interface Subject {
    readonly type?: string;
    readonly name: string;
    readonly urn?: string;
}

function glob(pattern: string, s: string): boolean {
    const re = pattern
        .split("*")
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*");
    return new RegExp(`^${re}$`).test(s);
}

/**
 * The stable id of one finding: its policy, its resource's type and name (the StackSet's, for a
 * finding in its template), and its message, which names what is wrong and where (the
 * statement, the template's logical id). No stack and no line: the same finding keeps its id
 * across runs and stacks; any other finding has another.
 */
export function findingId(policy: string, subject: Subject, message: string): string {
    return createHash("sha256")
        .update(JSON.stringify([policy, subject.type ?? "", subject.name, message]))
        .digest("hex")
        .slice(0, 16);
}

/** Whether a suppression names the subject and accepts this finding of it. */
export function matches(s: Suppression, subject: Subject, finding: string): boolean {
    if (!s.findings.includes(finding)) return false;
    if (s.resource.startsWith("urn:pulumi:")) return subject.urn === s.resource;
    const [type, name] = s.resource.split("::");
    return subject.type === type && glob(name, subject.name);
}

export const isExpired = (s: Suppression, now: Date): boolean => utcDay(now) > s.expires;

export interface Decision {
    /** The active suppression that hides the violation. */
    readonly suppressedBy?: Suppression;
    /** The expired suppression the violation is reported again under (first of them). */
    readonly expired?: Suppression;
    /** Every suppression that matched (active or expired): none of them is unused. */
    readonly matched: readonly Suppression[];
}

/** Decides one finding: hidden by an active suppression, reported again past an expired one. */
export function decide(
    suppressions: readonly Suppression[],
    subject: Subject,
    finding: string,
    now: Date,
): Decision {
    const matched = suppressions.filter((s) => matches(s, subject, finding));
    const suppressedBy = matched.find((s) => !isExpired(s, now));
    const expired = suppressedBy ? undefined : matched.find((s) => isExpired(s, now));
    return { matched, ...(suppressedBy ? { suppressedBy } : {}), ...(expired ? { expired } : {}) };
}

/** The message of a violation whose suppression has expired. */
export function expiredMessage(message: string, s: Suppression): string {
    return `${message}\n(suppression expired on ${s.expires}: "${s.reason}"; fix the violation, or renew the suppression in the pack config with a new reason and date)`;
}

// ---------------------------------------------------------------------------------------------
// The pack under the engine (policypack/index.ts): each policy's reportViolation filtered
// ---------------------------------------------------------------------------------------------

/** The type of the resource a URN names (the last of "parent$type"). */
const typeFromUrn = (urn: string): string | undefined =>
    urn.split("::")[2]?.split("$").pop() || undefined;

/**
 * A policy that honours its `suppressions` under the engine: a violation an active suppression
 * matches is not reported; past the expiry it is, saying so. The offline runner
 * (policypack/runner.ts) applies the same `decide` itself, to also list what was suppressed.
 */
export function honouringSuppressions<P extends Policies[number]>(
    policy: P,
    clock: () => Date = () => new Date(),
): P {
    const filtered =
        (
            report: ReportViolation,
            config: Record<string, unknown>,
            subject: (urn?: string) => Subject,
        ) =>
        (message: string, urn?: string): void => {
            const now = clock();
            const about = subject(urn);
            const d = decide(
                suppressionsOf(policy.name, config, now),
                about,
                findingId(policy.name, about, message),
                now,
            );
            if (d.suppressedBy) return;
            report(d.expired ? expiredMessage(message, d.expired) : message, urn);
        };
    const stack = policy as StackValidationPolicy;
    if (typeof stack.validateStack === "function") {
        const validateStack: StackValidationPolicy["validateStack"] = (args, report) => {
            const byUrn = new Map(args.resources.map((r) => [r.urn, r]));
            return stack.validateStack(
                args,
                filtered(report, args.getConfig<Record<string, unknown>>(), (urn) => {
                    const r = urn ? byUrn.get(urn) : undefined;
                    if (r) return { type: r.type, name: r.name, urn };
                    if (urn)
                        return { type: typeFromUrn(urn), name: urn.split("::").pop() ?? urn, urn };
                    return { name: "(stack)" };
                }),
            );
        };
        return { ...policy, validateStack };
    }
    const res = policy as ResourceValidationPolicy;
    const wrap =
        (v: ResourceValidation): ResourceValidation =>
        (args, report) =>
            v(
                args,
                filtered(report, args.getConfig<Record<string, unknown>>(), (urn) =>
                    urn && urn !== args.urn
                        ? { type: typeFromUrn(urn), name: urn.split("::").pop() ?? urn, urn }
                        : { type: args.type, name: args.name, urn: args.urn },
                ),
            );
    const keepTypes = (v: ResourceValidation): ResourceValidation =>
        // The engine's fast path and the runner read the declared types off the function.
        Object.assign(
            wrap(v),
            Object.fromEntries(
                ["__pulumiType", "__orgAccessTypes"]
                    .filter((k) => (v as unknown as Record<string, unknown>)[k] !== undefined)
                    .map((k) => [k, (v as unknown as Record<string, unknown>)[k]]),
            ),
        );
    const validateResource = Array.isArray(res.validateResource)
        ? res.validateResource.map(keepTypes)
        : res.validateResource
          ? keepTypes(res.validateResource)
          : undefined;
    return { ...policy, validateResource };
}
