/**
 * Test helpers that call policies the way the Pulumi engine does (see @pulumi/policy server.js):
 * args built from the resource class's `__pulumiType`, props behind `unknownCheckingProxy`,
 * `notApplicable`, `stackTags`, and config reconciled from the policy's schema defaults.
 * PolicyPack itself is never constructed (its constructor starts a gRPC server).
 */
import * as assert from "assert";
import {
    Policies,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { resolvePackConfig } from "../../policypack/config";

// The engine's unknown sentinels (internal in @pulumi/policy's typings, present at runtime).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as Record<string, string>;
export const UNKNOWN_STRING: string = proxy.unknownStringValue;
export const UNKNOWN_ARRAY: string = proxy.unknownArrayValue;
export const UNKNOWN_OBJECT: string = proxy.unknownObjectValue;
export const UNKNOWN_NUMBER: string = proxy.unknownNumberValue;
export const UNKNOWN_BOOLEAN: string = proxy.unknownBooleanValue;

/**
 * A resource type: an @pulumi/aws resource class (its `__pulumiType` is set at runtime but hidden
 * from the typings), or a type token for types without a class (providers, components).
 */
export type TypeSource = { isInstance(obj: unknown): boolean } | string;

/** The `__pulumiType` the engine would report for a resource class. */
export function pulumiTypeOf(cls: object): string {
    const t = (cls as { __pulumiType?: unknown }).__pulumiType;
    assert.strictEqual(typeof t, "string", "not a Pulumi resource class");
    return t as string;
}

export function typeOf(t: TypeSource): string {
    return typeof t === "string" ? t : pulumiTypeOf(t);
}

class NotApplicableMarker {
    constructor(public readonly reason?: string) {}
}

const NO_TAGS: ReadonlyMap<string, string> = new Map();

function configOf(
    policy: ResourceValidationPolicy | StackValidationPolicy,
    config?: Record<string, unknown>,
): Record<string, unknown> {
    const resolved = resolvePackConfig(
        [policy] as Policies,
        config ? { [policy.name]: config } : undefined,
    );
    return { ...resolved.get(policy.name)!.properties };
}

export interface ResourceRun {
    violations: string[];
    notApplicable?: string;
}

export interface RunOptions {
    name?: string;
    config?: Record<string, unknown>;
    provider?: { type: string; name: string; urn: string; props: Record<string, unknown> };
}

/** Runs a resource policy on one resource, as the engine's analyze RPC does. Awaits every validation. */
export async function runResourcePolicy(
    policy: ResourceValidationPolicy,
    type: TypeSource,
    props: Record<string, unknown>,
    opts: RunOptions = {},
): Promise<ResourceRun> {
    const t = typeOf(type);
    const name = opts.name ?? "test-resource";
    const violations: string[] = [];
    const config = configOf(policy, opts.config);
    const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource!];
    let notApplicable: string | undefined;
    for (const validation of validations) {
        const proxied = unknownCheckingProxy(props);
        const args: ResourceValidationArgs = {
            type: t,
            props: proxied,
            urn: `urn:pulumi:test::org-access::${t}::${name}`,
            name,
            opts: {
                protect: false,
                ignoreChanges: [],
                aliases: [],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
                additionalSecretOutputs: [],
            },
            stackTags: NO_TAGS,
            isType: (cls) => (cls as unknown as { __pulumiType?: string }).__pulumiType === t,
            asType: ((cls: unknown) =>
                (cls as { __pulumiType?: string }).__pulumiType === t
                    ? proxied
                    : undefined) as ResourceValidationArgs["asType"],
            getConfig: <T extends object>() => ({ ...config }) as T,
            notApplicable: (reason?: string): never => {
                throw new NotApplicableMarker(reason);
            },
            ...(opts.provider
                ? {
                      provider: {
                          ...opts.provider,
                          props: unknownCheckingProxy(opts.provider.props),
                      },
                  }
                : {}),
        };
        try {
            await Promise.resolve(validation(args, (message: string) => violations.push(message)));
        } catch (e) {
            if (e instanceof NotApplicableMarker) {
                notApplicable = e.reason ?? "not applicable";
                continue;
            }
            throw e;
        }
    }
    return { violations, notApplicable };
}

export interface StackResourceSpec {
    type: TypeSource;
    name: string;
    props: Record<string, unknown>;
    provider?: { type: string; name: string; urn?: string; props: Record<string, unknown> };
    /** Name of the parent resource in the same list. */
    parent?: string;
}

export interface StackRun {
    violations: Array<{ message: string; urn?: string }>;
    notApplicable?: string;
}

/** Runs a stack policy, as the engine's analyzeStack RPC does. */
export async function runStackPolicy(
    policy: StackValidationPolicy,
    specs: StackResourceSpec[],
    config?: Record<string, unknown>,
): Promise<StackRun> {
    const cfg = configOf(policy, config);
    const resources: PolicyResource[] = specs.map((s) => {
        const t = typeOf(s.type);
        const props = unknownCheckingProxy(s.props);
        return {
            type: t,
            props,
            urn: `urn:pulumi:test::org-access::${t}::${s.name}`,
            name: s.name,
            opts: {
                protect: false,
                ignoreChanges: [],
                aliases: [],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
                additionalSecretOutputs: [],
            },
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => (cls as unknown as { __pulumiType?: string }).__pulumiType === t,
            asType: ((cls: unknown) =>
                (cls as { __pulumiType?: string }).__pulumiType === t
                    ? props
                    : undefined) as PolicyResource["asType"],
            ...(s.provider
                ? {
                      provider: {
                          type: s.provider.type,
                          name: s.provider.name,
                          urn:
                              s.provider.urn ??
                              `urn:pulumi:test::org-access::${s.provider.type}::${s.provider.name}`,
                          props: unknownCheckingProxy(s.provider.props),
                      },
                  }
                : {}),
        };
    });
    specs.forEach((s, i) => {
        if (s.parent) resources[i].parent = resources[specs.findIndex((x) => x.name === s.parent)];
    });
    const violations: StackRun["violations"] = [];
    try {
        await Promise.resolve(
            policy.validateStack(
                {
                    resources,
                    getConfig: <T extends object>() => ({ ...cfg }) as T,
                    stackTags: NO_TAGS,
                    notApplicable: (reason?: string): never => {
                        throw new NotApplicableMarker(reason);
                    },
                },
                (message: string, urn?: string) => violations.push({ message, urn }),
            ),
        );
    } catch (e) {
        if (e instanceof NotApplicableMarker)
            return { violations, notApplicable: e.reason ?? "not applicable" };
        throw e;
    }
    return { violations };
}

// ---------------------------------------------------------------------------------------------
// Document builders
// ---------------------------------------------------------------------------------------------

export type Json = Record<string, unknown>;

export function policyDoc(...statements: Json[]): Json {
    return { Version: "2012-10-17", Statement: statements };
}

export const SECURITY_ACCOUNT = "222222222222";
export const WORKLOAD_ACCOUNT = "333333333333";
export const ALICE = `arn:aws:iam::${SECURITY_ACCOUNT}:user/alice`;
export const REPORTER = `arn:aws:iam::${SECURITY_ACCOUNT}:user/reporter`;
export const CI_ROLE = `arn:aws:iam::${SECURITY_ACCOUNT}:role/ci`;

export function allowAssume(principal: unknown, condition?: Json, extra: Json = {}): Json {
    return {
        Effect: "Allow",
        Principal: principal,
        Action: "sts:AssumeRole",
        ...(condition ? { Condition: condition } : {}),
        ...extra,
    };
}

export const MFA: Json = { Bool: { "aws:MultiFactorAuthPresent": "true" } };

/** Asserts that exactly `n` violations were reported and each mentions every given fragment. */
export function assertViolations(
    run: { violations: Array<string | { message: string }> },
    n: number,
    ...fragments: string[]
): void {
    const messages = run.violations.map((v) => (typeof v === "string" ? v : v.message));
    assert.strictEqual(
        messages.length,
        n,
        `expected ${n} violation(s), got ${messages.length}:\n${messages.join("\n")}`,
    );
    for (const m of messages)
        for (const f of fragments)
            assert.ok(m.includes(f), `violation does not mention "${f}":\n${m}`);
}

/** Deterministic PRNG (mulberry32) for generated cases. */
export function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export function pick<T>(r: () => number, items: readonly T[]): T {
    return items[Math.floor(r() * items.length)];
}
