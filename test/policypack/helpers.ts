/**
 * Test helpers that call policies through the pack's runner (policypack/runner.ts), the one the
 * offline plan and `policy:check` use: args built as the engine builds them (isType on the
 * resource class's `__pulumiType`, props behind `unknownCheckingProxy`, `notApplicable`,
 * `stackTags`), and config reconciled from the policy's schema defaults. Unlike `checkResources`,
 * these let an UnknownValueError reach the test, as it reaches the engine.
 * PolicyPack itself is never constructed (its constructor starts a gRPC server).
 */
import * as assert from "assert";
import { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { resolvePackConfig } from "../../policypack/config";
import * as runner from "../../policypack/runner";

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

/** The stack name in the URNs of test resources. */
const STACK = "test";
const NO_TAGS: ReadonlyMap<string, string> = new Map();

function contextOf(
    policy: ResourceValidationPolicy | StackValidationPolicy,
    config?: Record<string, unknown>,
): runner.PolicyContext {
    const resolved = resolvePackConfig(
        [policy] as Policies,
        config ? { [policy.name]: config } : undefined,
    );
    return { config: resolved.get(policy.name)!.properties, stackTags: NO_TAGS };
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

/** Runs a resource policy on one resource, as the engine's analyze RPC does. */
export async function runResourcePolicy(
    policy: ResourceValidationPolicy,
    type: TypeSource,
    props: Record<string, unknown>,
    opts: RunOptions = {},
): Promise<ResourceRun> {
    const resource = runner.engineResource(
        {
            type: typeOf(type),
            name: opts.name ?? "test-resource",
            props,
            ...(opts.provider ? { provider: opts.provider } : {}),
        },
        STACK,
    );
    const violations: string[] = [];
    const outcome = runner.runResourcePolicy(
        policy,
        resource,
        contextOf(policy, opts.config),
        (message: string) => violations.push(message),
    );
    return { violations, ...outcome };
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
    const urnOf = (s: StackResourceSpec) => runner.synthUrn(typeOf(s.type), s.name, STACK);
    const resources = specs.map((s) => {
        const parent = s.parent ? specs.find((x) => x.name === s.parent) : undefined;
        return runner.engineResource(
            {
                type: typeOf(s.type),
                name: s.name,
                props: s.props,
                ...(s.provider ? { provider: s.provider } : {}),
                ...(parent ? { parent: urnOf(parent) } : {}),
            },
            STACK,
        );
    });
    const violations: StackRun["violations"] = [];
    const outcome = runner.runStackPolicy(
        policy,
        runner.policyResources(resources),
        contextOf(policy, config),
        (message: string, urn?: string) => violations.push({ message, urn }),
    );
    return { violations, ...outcome };
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
