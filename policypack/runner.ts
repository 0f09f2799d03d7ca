/**
 * The pack's runner: runs policies in-process, without the Pulumi engine, the way the engine runs
 * them (@pulumi/policy server.js): props behind `unknownCheckingProxy` (when they hold unknown
 * values), urn, name, opts, provider,
 * stackTags, isType/asType on `__pulumiType`, getConfig, notApplicable, and configuration
 * reconciled as the CLI reconciles `--policy-pack-config`.
 *
 * Used by the offline plan (`npm start`), the `policy:check` CLI (`checkResources`) and the policy
 * tests (`runResourcePolicy`, `runStackPolicy` through test/policypack/helpers.ts), so the specs
 * exercise the runner the plan uses.
 */
import * as fs from "fs";
import type { Problem } from "../cli/errors";
import {
    EnforcementLevel,
    Policies,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    UnknownValueError,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { EffectiveConfig, PackConfigInput, PolicyConfigError, resolvePackConfig } from "./config";
import { policies as packPolicies } from "./policies";
import { isTypeOf } from "./policies/types";
import {
    decide,
    expiredMessage,
    findingId,
    isExpired,
    Subject,
    Suppression,
    suppressionsOf,
} from "./suppressions";

export { isTypeOf, PolicyConfigError };
export type { Suppression };
export type { PackConfigInput, EnforcementLevel };

export const PACK_NAME = "org-access-guard";

export interface PlannedResource {
    type: string;
    name: string;
    urn?: string;
    props: Record<string, unknown>;
    provider?: { type: string; name: string; urn?: string; props: Record<string, unknown> };
    /** Parent URN. */
    parent?: string;
    /** The URNs behind each input (the engine's property dependencies). */
    propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface Violation {
    policy: string;
    /** The resource's name; "(stack)" for stack-level violations. */
    resource: string;
    urn?: string;
    message: string;
    enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
    /** The finding's stable id (./suppressions.ts findingId): what a suppression names to accept it. */
    finding?: string;
}

/** The planned resources are not of the expected shape. */
export class CheckInputError extends Error {
    /** @param details each problem, keyed by where it is in INPUT, for `--json`'s error document. */
    constructor(
        message: string,
        public readonly details: readonly Problem[] = [],
    ) {
        super(message);
        this.name = "CheckInputError";
    }
}

// ---------------------------------------------------------------------------------------------
// Resources, as the engine hands them to policies
// ---------------------------------------------------------------------------------------------

/** The URN of a resource that has none, in a stack named `stack`. */
export function synthUrn(type: string, name: string, stack = "offline"): string {
    return `urn:pulumi:${stack}::org-access::${type}::${name}`;
}

/** A planned resource as the engine presents it: props behind the unknown-checking proxy. */
export interface EngineResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The URN the input gave, if any (violations report it). */
    readonly inputUrn?: string;
    readonly parent?: string;
    readonly props: Record<string, unknown>;
    readonly opts: PolicyResourceOptions;
    readonly provider?: { type: string; name: string; urn: string; props: Record<string, unknown> };
    /** The URNs behind each input, as the engine gives a policy pack (plan/run.ts). */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The engine's unknown-value sentinels, as `unknownCheckingProxy` recognises them (@pulumi/policy
 * proxy.js exports them at runtime; its typings mark them internal).
 */
const UNKNOWN_SENTINELS: ReadonlySet<unknown> = new Set(
    Object.entries(
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("@pulumi/policy/proxy") as Record<string, unknown>,
    )
        .filter(([k]) => /^unknown[A-Z]\w*Value$/.test(k))
        .map(([, v]) => v),
);

/** Deeper than any resource's props: past it, the props are treated as holding unknowns. */
const MAX_DEPTH = 64;

/** Whether any field, at any depth, holds an unknown sentinel (or the walk gives up). */
function holdsUnknown(v: unknown, depth = 0): boolean {
    if (typeof v !== "object" || v === null) return false;
    if (depth > MAX_DEPTH) return true;
    for (const field of Object.values(v)) {
        if (UNKNOWN_SENTINELS.has(field)) return true;
        if (typeof field === "object" && field !== null && holdsUnknown(field, depth + 1))
            return true;
    }
    return false;
}

/**
 * Props as the engine hands them to policies: behind `unknownCheckingProxy`, which throws
 * UnknownValueError when a policy reads an unknown value. Props without any unknown value are
 * handed over as they are: there the proxy never throws and only wraps every value read in a new
 * proxy, which every policy pays again on every read of every resource (a third of the pack's
 * time on 20,000 resources).
 */
function engineProps(props: Record<string, unknown>): Record<string, unknown> {
    return holdsUnknown(props) ? unknownCheckingProxy(props) : props;
}

export function engineResource(r: PlannedResource, stack?: string): EngineResource {
    const opts: PolicyResourceOptions = {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(r.parent ? { parent: r.parent } : {}),
    };
    const provider = r.provider
        ? {
              type: r.provider.type,
              name: r.provider.name,
              urn: r.provider.urn ?? synthUrn(r.provider.type, r.provider.name, stack),
              props: engineProps(r.provider.props ?? {}),
          }
        : undefined;
    return {
        type: r.type,
        name: r.name,
        urn: r.urn ?? synthUrn(r.type, r.name, stack),
        ...(r.urn ? { inputUrn: r.urn } : {}),
        ...(r.parent ? { parent: r.parent } : {}),
        props: engineProps(r.props ?? {}),
        opts,
        ...(provider ? { provider } : {}),
        ...(r.propertyDependencies ? { propertyDependencies: r.propertyDependencies } : {}),
    };
}

/** The stack's resources as stack policies see them, with parents linked by URN. */
export function policyResources(resources: readonly EngineResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const out = resources.map((r) => {
        const res: PolicyResource = {
            type: r.type,
            props: r.props,
            urn: r.urn,
            name: r.name,
            opts: r.opts,
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => isTypeOf(r.type, cls),
            asType: ((cls: unknown) =>
                isTypeOf(r.type, cls) ? r.props : undefined) as PolicyResource["asType"],
            ...(r.provider ? { provider: r.provider } : {}),
        };
        byUrn.set(r.urn, res);
        return res;
    });
    resources.forEach((r, i) => {
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (parent) out[i].parent = parent;
        // As the engine's policy server links them: each input's dependencies, by URN.
        for (const [key, urns] of Object.entries(r.propertyDependencies ?? {}))
            out[i].propertyDependencies[key] = urns.flatMap((u) => byUrn.get(u) ?? []);
    });
    return out;
}

// ---------------------------------------------------------------------------------------------
// Running one policy
// ---------------------------------------------------------------------------------------------

/** Thrown by our `notApplicable`; not an Error, so no stack trace is captured (it is frequent). */
class NotApplicable {
    constructor(public readonly reason?: string) {}
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

/** What a policy sees besides the resources: its settings and the stack's tags. */
export interface PolicyContext {
    /** Settings with defaults applied (what `getConfig()` returns). */
    readonly config: Readonly<Record<string, unknown>>;
    readonly stackTags: ReadonlyMap<string, string>;
}

/** Called with the UnknownValueError of a validation; the run goes on, as in the engine. */
export type OnUnknown = (e: UnknownValueError) => void;

export interface Outcome {
    /** Why the policy did not apply, if a validation said so. */
    notApplicable?: string;
}

function validationsOf(p: ResourceValidationPolicy): ResourceValidation[] {
    if (Array.isArray(p.validateResource)) return p.validateResource;
    return p.validateResource ? [p.validateResource] : [];
}

/** The types a validation declares (`__pulumiType` from validateResourceOfType, or our list). */
function declaredTypes(v: ResourceValidation): readonly string[] | undefined {
    const f = v as ResourceValidation & {
        __pulumiType?: string;
        __orgAccessTypes?: readonly string[];
    };
    if (f.__orgAccessTypes) return f.__orgAccessTypes;
    return f.__pulumiType ? [f.__pulumiType] : undefined;
}

/** Whether some validation of the policy may apply to the type (the engine's fast path). */
export function mayApply(p: ResourceValidationPolicy, type: string): boolean {
    return validationsOf(p).some((v) => declaredTypes(v)?.includes(type) ?? true);
}

/**
 * Runs one validation: "not applicable" becomes an outcome, an UnknownValueError goes to
 * `onUnknown` when given; every other error propagates. The only place errors are caught.
 */
function attempt(policy: string, run: () => unknown, onUnknown?: OnUnknown): Outcome {
    try {
        const result = run();
        if (result && typeof (result as { then?: unknown }).then === "function") {
            throw new Error(
                `policy ${policy} returned a Promise; the runner runs policies synchronously`,
            );
        }
        return {};
    } catch (e) {
        if (e instanceof NotApplicable) return { notApplicable: e.reason ?? "not applicable" };
        if (e instanceof UnknownValueError && onUnknown) {
            onUnknown(e);
            return {};
        }
        throw e;
    }
}

function resourceArgs(r: EngineResource, ctx: PolicyContext): ResourceValidationArgs {
    return {
        type: r.type,
        props: r.props,
        urn: r.urn,
        name: r.name,
        opts: r.opts,
        stackTags: ctx.stackTags,
        isType: (cls) => isTypeOf(r.type, cls),
        asType: ((cls: unknown) =>
            isTypeOf(r.type, cls) ? r.props : undefined) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({ ...ctx.config }) as T,
        notApplicable: throwNotApplicable,
        ...(r.provider ? { provider: r.provider } : {}),
    };
}

/**
 * Runs a resource policy on one resource, as the engine's analyze RPC does: each validation in
 * turn, those declaring other types skipped as not applicable. Without `onUnknown`, an
 * UnknownValueError propagates (what the engine receives from the policy).
 */
export function runResourcePolicy(
    policy: ResourceValidationPolicy,
    resource: EngineResource,
    ctx: PolicyContext,
    report: ReportViolation,
    onUnknown?: OnUnknown,
): Outcome {
    let notApplicable: string | undefined;
    for (const v of validationsOf(policy)) {
        const types = declaredTypes(v);
        const outcome =
            types && !types.includes(resource.type)
                ? { notApplicable: `Policy only applies to ${types.join(", ")}` }
                : attempt(policy.name, () => v(resourceArgs(resource, ctx), report), onUnknown);
        notApplicable = outcome.notApplicable ?? notApplicable;
    }
    return notApplicable === undefined ? {} : { notApplicable };
}

/** Runs a stack policy, as the engine's analyzeStack RPC does. */
export function runStackPolicy(
    policy: StackValidationPolicy,
    resources: PolicyResource[],
    ctx: PolicyContext,
    report: ReportViolation,
    onUnknown?: OnUnknown,
): Outcome {
    const args: StackValidationArgs = {
        resources,
        getConfig: <T extends object>() => ({ ...ctx.config }) as T,
        stackTags: ctx.stackTags,
        notApplicable: throwNotApplicable,
    };
    return attempt(policy.name, () => policy.validateStack(args, report), onUnknown);
}

// ---------------------------------------------------------------------------------------------
// Running the pack
// ---------------------------------------------------------------------------------------------

const EMPTY_TAGS: ReadonlyMap<string, string> = Object.freeze(new Map<string, string>());

function validateInput(resources: unknown): PlannedResource[] {
    if (!Array.isArray(resources))
        throw new CheckInputError("resources must be an array of {type, name, props}");
    resources.forEach((r, i) => {
        const where = `resources[${i}]`;
        if (typeof r !== "object" || r === null || Array.isArray(r))
            throw new CheckInputError(`${where} must be an object with type, name and props`);
        const o = r as Record<string, unknown>;
        if (typeof o.type !== "string" || o.type === "")
            throw new CheckInputError(
                `${where}.type must be a non-empty string (a Pulumi type token such as "aws:iam/role:Role")`,
            );
        if (typeof o.name !== "string" || o.name === "")
            throw new CheckInputError(`${where}.name must be a non-empty string`);
        if (
            o.props !== undefined &&
            (typeof o.props !== "object" || o.props === null || Array.isArray(o.props))
        ) {
            throw new CheckInputError(`${where}.props must be an object`);
        }
        if (o.urn !== undefined && typeof o.urn !== "string")
            throw new CheckInputError(`${where}.urn must be a string`);
        if (o.parent !== undefined && typeof o.parent !== "string")
            throw new CheckInputError(`${where}.parent must be a URN string`);
        if (o.provider !== undefined) {
            const p = o.provider as Record<string, unknown>;
            if (
                typeof p !== "object" ||
                p === null ||
                typeof p.type !== "string" ||
                typeof p.name !== "string"
            ) {
                throw new CheckInputError(
                    `${where}.provider must be an object with type, name and props`,
                );
            }
        }
    });
    return resources as PlannedResource[];
}

function isResourcePolicy(p: Policies[number]): p is ResourceValidationPolicy {
    return (p as ResourceValidationPolicy).validateResource !== undefined;
}

function isStackPolicy(p: Policies[number]): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

function reportedLevel(level: EnforcementLevel): Violation["enforcementLevel"] {
    // As the engine does: a remediate policy that still finds a violation reports it as mandatory.
    return level === "remediate" ? "mandatory" : level;
}

/** A violation an active suppression of the pack config hides. */
export interface SuppressedViolation extends Violation {
    readonly suppression: Suppression;
}

/** One suppression of the pack config, and what it did in this run. */
export interface SuppressionUse {
    readonly policy: string;
    /** Its index in the policy's `suppressions`. */
    readonly index: number;
    readonly suppression: Suppression;
    /** active: hid a violation; expired: past its date (violations come back); unused: matched nothing. */
    readonly status: "active" | "expired" | "unused";
    /** How many violations it matched. */
    readonly matched: number;
}

/** What a run of the pack found: the violations, and what its suppressions hid. */
export interface PackResult {
    readonly violations: Violation[];
    readonly suppressed: SuppressedViolation[];
    readonly suppressions: SuppressionUse[];
}

/** Collects what one run decides, across policies. */
class Findings {
    readonly violations: Violation[] = [];
    readonly suppressed: SuppressedViolation[] = [];
    /** Matches per suppression, by identity (each is an object of the effective config). */
    readonly matched = new Map<Suppression, number>();
}

/**
 * Records violations of one policy, through its suppressions (./suppressions.ts, the rule the
 * pack applies under the engine); an unknown value becomes an advisory, as in the engine, and is
 * never suppressed (the engine's server reports those itself).
 */
function recorder(findings: Findings, policy: string, cfg: EffectiveConfig, now: Date) {
    const level = reportedLevel(cfg.enforcementLevel);
    const suppressions = suppressionsOf(policy, cfg.properties, now);
    return {
        violation: (subject: Subject, at: { urn?: string }, message: string): void => {
            const finding = findingId(policy, subject, message);
            const v: Violation = {
                policy,
                resource: subject.name,
                ...at,
                message,
                enforcementLevel: level,
                finding,
            };
            if (suppressions.length === 0) {
                findings.violations.push(v);
                return;
            }
            const d = decide(suppressions, subject, finding, now);
            for (const s of d.matched) findings.matched.set(s, (findings.matched.get(s) ?? 0) + 1);
            if (d.suppressedBy) findings.suppressed.push({ ...v, suppression: d.suppressedBy });
            else if (d.expired)
                findings.violations.push({ ...v, message: expiredMessage(message, d.expired) });
            else findings.violations.push(v);
        },
        unknown:
            (resource: string, at: { urn?: string }): OnUnknown =>
            (e) => {
                findings.violations.push({
                    policy,
                    resource,
                    ...at,
                    message: `can't run policy '${policy}' from policy pack '${PACK_NAME}' during preview: ${e.message}`,
                    enforcementLevel: "advisory",
                });
            },
    };
}

/** Runs `run`, naming the policy and subject in any error it throws. */
function failingWith(subject: string | (() => string), run: () => void): void {
    try {
        run();
    } catch (e) {
        const what = typeof subject === "string" ? subject : subject();
        throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
    }
}

export interface CheckOptions {
    /** Stack tags passed to policies as `stackTags`. */
    stackTags?: ReadonlyMap<string, string>;
    /** Policies to run instead of the pack's (tests). */
    policies?: Policies;
    /** The clock suppressions are dated by (tests); default now. */
    now?: Date;
}

function checkResourcePolicies(
    policies: readonly ResourceValidationPolicy[],
    resources: readonly EngineResource[],
    effective: Map<string, EffectiveConfig>,
    stackTags: ReadonlyMap<string, string>,
    findings: Findings,
    now: Date,
): void {
    const running = policies.map((p) => {
        const cfg = effective.get(p.name)!;
        return {
            policy: p,
            rec: recorder(findings, p.name, cfg, now),
            ctx: { config: cfg.properties, stackTags },
        };
    });
    // The policies that may apply, per resource type: found once per type, not once per resource.
    const byType = new Map<string, typeof running>();
    for (const r of resources) {
        let applicable = byType.get(r.type);
        if (!applicable) {
            applicable = running.filter(({ policy }) => mayApply(policy, r.type));
            byType.set(r.type, applicable);
        }
        for (const { policy, rec, ctx } of applicable) {
            // The subject is spelled out only on failure: it is a new string per resource and policy.
            failingWith(
                () => `policy ${policy.name} failed on ${r.type} "${r.name}"`,
                () =>
                    runResourcePolicy(
                        policy,
                        r,
                        ctx,
                        (message) =>
                            rec.violation(
                                { type: r.type, name: r.name, urn: r.urn },
                                { urn: r.inputUrn },
                                message,
                            ),
                        rec.unknown(r.name, { urn: r.inputUrn }),
                    ),
            );
        }
    }
}

function checkStackPolicies(
    policies: readonly StackValidationPolicy[],
    resources: readonly EngineResource[],
    effective: Map<string, EffectiveConfig>,
    stackTags: ReadonlyMap<string, string>,
    findings: Findings,
    now: Date,
): void {
    if (policies.length === 0) return;
    const stackResources = policyResources(resources);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const p of policies) {
        const cfg = effective.get(p.name)!;
        const rec = recorder(findings, p.name, cfg, now);
        const report: ReportViolation = (message, urn) => {
            const r = urn ? byUrn.get(urn) : undefined;
            if (r)
                rec.violation(
                    { type: r.type, name: r.name, urn: r.urn },
                    r.inputUrn ? { urn: r.inputUrn } : {},
                    message,
                );
            else if (urn)
                rec.violation(
                    {
                        type: urn.split("::")[2]?.split("$").pop(),
                        name: urn.split("::").pop() ?? urn,
                        urn,
                    },
                    { urn },
                    message,
                );
            else rec.violation({ name: "(stack)" }, {}, message);
        };
        failingWith(`stack policy ${p.name} failed`, () =>
            runStackPolicy(
                p,
                stackResources,
                { config: cfg.properties, stackTags },
                report,
                rec.unknown("(stack)", {}),
            ),
        );
    }
}

/**
 * Runs every enabled policy of the pack over the planned resources: the violations, those its
 * suppressions hid, and what each suppression did. Throws PolicyConfigError for bad
 * configuration and CheckInputError for malformed resources.
 */
export function checkPack(
    resources: PlannedResource[],
    config?: PackConfigInput,
    options: CheckOptions = {},
): PackResult {
    const policies = options.policies ?? packPolicies;
    const now = options.now ?? new Date();
    const effective = resolvePackConfig(policies, config, "advisory", now);
    const stackTags = options.stackTags ?? EMPTY_TAGS;
    const prepared = validateInput(resources).map((r) => engineResource(r));
    const active = policies.filter((p) => effective.get(p.name)!.enforcementLevel !== "disabled");
    const findings = new Findings();
    checkResourcePolicies(
        active.filter(isResourcePolicy),
        prepared,
        effective,
        stackTags,
        findings,
        now,
    );
    checkStackPolicies(active.filter(isStackPolicy), prepared, effective, stackTags, findings, now);
    // Every suppression of the config, a disabled policy's included (it matched nothing).
    const suppressions = policies.flatMap((p) =>
        suppressionsOf(p.name, effective.get(p.name)!.properties, now).map(
            (suppression, index): SuppressionUse => {
                const matched = findings.matched.get(suppression) ?? 0;
                const status = isExpired(suppression, now)
                    ? "expired"
                    : matched > 0
                      ? "active"
                      : "unused";
                return { policy: p.name, index, suppression, status, matched };
            },
        ),
    );
    return { violations: findings.violations, suppressed: findings.suppressed, suppressions };
}

/**
 * Runs every enabled policy of the pack over the planned resources and returns the violations
 * (those an active suppression hides left out). Throws PolicyConfigError for bad configuration
 * and CheckInputError for malformed resources.
 */
export function checkResources(
    resources: PlannedResource[],
    config?: PackConfigInput,
    options: CheckOptions = {},
): Violation[] {
    return checkPack(resources, config, options).violations;
}

/**
 * Reads a `--policy-pack-config` file: `{"<policy>": "<level>" | {"enforcementLevel": ..., "<setting>": ...}, "all": ...}`.
 * Throws PolicyConfigError if the file is unreadable, not JSON, or does not fit the pack.
 */
export function loadPackConfig(file: string): PackConfigInput {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new PolicyConfigError([
            `${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        ]);
    }
    if (text.trim() === "") return {};
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e) {
        throw new PolicyConfigError([`${file}: not valid JSON (${(e as Error).message})`]);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new PolicyConfigError([
            `${file}: must contain a JSON object mapping policy names (or "all") to settings`,
        ]);
    }
    resolvePackConfig(packPolicies, parsed as PackConfigInput);
    return parsed as PackConfigInput;
}

/** The pack's policies (read-only view), e.g. for documentation. */
export const POLICIES: Policies = packPolicies;
