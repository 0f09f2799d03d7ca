/**
 * Runs the pack in-process, without the Pulumi engine: the offline plan (`npm start`) and the
 * `policy:check` CLI call `checkResources`. Every resource policy and stack policy runs through the
 * same validate functions the engine calls, with arguments built as the engine builds them
 * (@pulumi/policy server.js: props behind `unknownCheckingProxy`, urn, name, opts, provider,
 * stackTags, isType/asType, getConfig, notApplicable), and configuration reconciled as the CLI
 * reconciles `--policy-pack-config`.
 */
import * as fs from "fs";
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

export { PolicyConfigError };
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
}

export interface Violation {
    policy: string;
    /** The resource's name; "(stack)" for stack-level violations. */
    resource: string;
    urn?: string;
    message: string;
    enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
}

/** The planned resources are not of the expected shape. */
export class CheckInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CheckInputError";
    }
}

/** Thrown by our `notApplicable`; not an Error, so no stack trace is captured (it is frequent). */
class NotApplicable {
    constructor(public readonly reason?: string) {}
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

interface ClassLike {
    __pulumiType?: unknown;
    isInstance?: (o: unknown) => boolean;
}

/** Same test as the engine's isTypeOf. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
    const t = (resourceClass as ClassLike | undefined)?.__pulumiType;
    if (typeof t === "string" && t.length > 0) return type === t;
    const isInstance = (resourceClass as ClassLike | undefined)?.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

const EMPTY_TAGS: ReadonlyMap<string, string> = Object.freeze(new Map<string, string>());

function synthUrn(type: string, name: string): string {
    return `urn:pulumi:offline::org-access::${type}::${name}`;
}

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

interface Prepared {
    readonly input: PlannedResource;
    readonly urn: string;
    readonly props: Record<string, unknown>;
    readonly opts: PolicyResourceOptions;
    readonly provider?: { type: string; name: string; urn: string; props: Record<string, unknown> };
}

function prepare(r: PlannedResource): Prepared {
    const urn = r.urn ?? synthUrn(r.type, r.name);
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
              urn: r.provider.urn ?? synthUrn(r.provider.type, r.provider.name),
              props: unknownCheckingProxy(r.provider.props ?? {}),
          }
        : undefined;
    return { input: r, urn, props: unknownCheckingProxy(r.props ?? {}), opts, provider };
}

function isResourcePolicy(p: Policies[number]): p is ResourceValidationPolicy {
    return (p as ResourceValidationPolicy).validateResource !== undefined;
}

function isStackPolicy(p: Policies[number]): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
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

function ensureSync(result: unknown, policy: string): void {
    if (result && typeof (result as { then?: unknown }).then === "function") {
        throw new Error(
            `policy ${policy} returned a Promise; checkResources runs policies synchronously`,
        );
    }
}

function reportedLevel(level: EnforcementLevel): Violation["enforcementLevel"] {
    // As the engine does: a remediate policy that still finds a violation reports it as mandatory.
    return level === "remediate" ? "mandatory" : level;
}

function unknownMessage(policy: string, e: UnknownValueError): string {
    return `can't run policy '${policy}' from policy pack '${PACK_NAME}' during preview: ${e.message}`;
}

export interface CheckOptions {
    /** Stack tags passed to policies as `stackTags`. */
    stackTags?: ReadonlyMap<string, string>;
    /** Policies to run instead of the pack's (tests). */
    policies?: Policies;
}

/**
 * Runs every enabled policy of the pack over the planned resources and returns the violations.
 * Throws PolicyConfigError for bad configuration and CheckInputError for malformed resources.
 */
export function checkResources(
    resources: PlannedResource[],
    config?: PackConfigInput,
    options: CheckOptions = {},
): Violation[] {
    const policies = options.policies ?? packPolicies;
    const effective: Map<string, EffectiveConfig> = resolvePackConfig(policies, config);
    const stackTags = options.stackTags ?? EMPTY_TAGS;
    const prepared = validateInput(resources).map(prepare);
    const violations: Violation[] = [];

    const active = policies.filter((p) => effective.get(p.name)!.enforcementLevel !== "disabled");
    const resourcePolicies = active.filter(isResourcePolicy);
    const stackPolicies = active.filter(isStackPolicy);

    // Each validation with the types it declares, so a resource only meets the validations that
    // handle its type (the engine's fast path for validateResourceOfType does the same).
    const plan = resourcePolicies.map((p) => ({
        policy: p,
        validations: (Array.isArray(p.validateResource)
            ? p.validateResource
            : p.validateResource
              ? [p.validateResource]
              : []
        ).map((v) => {
            const types = declaredTypes(v);
            return { fn: v, types: types ? new Set(types) : undefined };
        }),
    }));
    for (const r of prepared) {
        for (const { policy: p, validations } of plan) {
            if (!validations.some((v) => !v.types || v.types.has(r.input.type))) continue;
            const cfg = effective.get(p.name)!;
            const level = reportedLevel(cfg.enforcementLevel);
            const report: ReportViolation = (message: string) => {
                violations.push({
                    policy: p.name,
                    resource: r.input.name,
                    urn: r.input.urn,
                    message,
                    enforcementLevel: level,
                });
            };
            for (const { fn: v, types } of validations) {
                if (types && !types.has(r.input.type)) continue;
                const args: ResourceValidationArgs = {
                    type: r.input.type,
                    props: r.props,
                    urn: r.urn,
                    name: r.input.name,
                    opts: r.opts,
                    stackTags,
                    isType: (cls) => isTypeOf(r.input.type, cls),
                    asType: ((cls: unknown) =>
                        isTypeOf(r.input.type, cls)
                            ? r.props
                            : undefined) as ResourceValidationArgs["asType"],
                    getConfig: <T extends object>() => ({ ...cfg.properties }) as T,
                    notApplicable: throwNotApplicable,
                    ...(r.provider ? { provider: r.provider } : {}),
                };
                try {
                    ensureSync(v(args, report), p.name);
                } catch (e) {
                    if (e instanceof NotApplicable) continue;
                    if (e instanceof UnknownValueError) {
                        violations.push({
                            policy: p.name,
                            resource: r.input.name,
                            urn: r.input.urn,
                            message: unknownMessage(p.name, e),
                            enforcementLevel: "advisory",
                        });
                        continue;
                    }
                    throw new Error(
                        `policy ${p.name} failed on ${r.input.type} "${r.input.name}": ${(e as Error).message}`,
                        { cause: e },
                    );
                }
            }
        }
    }

    if (stackPolicies.length) {
        const byUrn = new Map<string, PolicyResource>();
        const stackResources: PolicyResource[] = prepared.map((r) => {
            const res: PolicyResource = {
                type: r.input.type,
                props: r.props,
                urn: r.urn,
                name: r.input.name,
                opts: r.opts,
                dependencies: [],
                propertyDependencies: {},
                isType: (cls) => isTypeOf(r.input.type, cls),
                asType: ((cls: unknown) =>
                    isTypeOf(r.input.type, cls) ? r.props : undefined) as PolicyResource["asType"],
                ...(r.provider ? { provider: r.provider } : {}),
            };
            byUrn.set(r.urn, res);
            return res;
        });
        prepared.forEach((r, i) => {
            const parent = r.input.parent ? byUrn.get(r.input.parent) : undefined;
            if (parent) stackResources[i].parent = parent;
        });
        const inputByUrn = new Map(prepared.map((r) => [r.urn, r.input]));
        for (const p of stackPolicies) {
            const cfg = effective.get(p.name)!;
            const level = reportedLevel(cfg.enforcementLevel);
            const report: ReportViolation = (message: string, urn?: string) => {
                const input = urn ? inputByUrn.get(urn) : undefined;
                violations.push({
                    policy: p.name,
                    resource: input ? input.name : urn ? (urn.split("::").pop() ?? urn) : "(stack)",
                    ...(input?.urn ? { urn: input.urn } : !input && urn ? { urn } : {}),
                    message,
                    enforcementLevel: level,
                });
            };
            const args: StackValidationArgs = {
                resources: stackResources,
                getConfig: <T extends object>() => ({ ...cfg.properties }) as T,
                stackTags,
                notApplicable: throwNotApplicable,
            };
            try {
                ensureSync(p.validateStack(args, report), p.name);
            } catch (e) {
                if (e instanceof NotApplicable) continue;
                if (e instanceof UnknownValueError) {
                    violations.push({
                        policy: p.name,
                        resource: "(stack)",
                        message: unknownMessage(p.name, e),
                        enforcementLevel: "advisory",
                    });
                    continue;
                }
                throw new Error(`stack policy ${p.name} failed: ${(e as Error).message}`, {
                    cause: e,
                });
            }
        }
    }
    return violations;
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
