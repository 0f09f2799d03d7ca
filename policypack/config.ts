/**
 * Policy-pack configuration, reconciled the way the Pulumi CLI does it for
 * `--policy-pack-config` (defaults from each policy's configSchema, then "all", then per-policy
 * values, then validation against the schema), plus two stricter checks that catch typos early:
 * unknown policy names and unknown settings are errors here.
 * https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/
 */
import { EnforcementLevel, Policies, PolicyConfigSchema } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { SUPPRESSIONS, suppressionProblems } from "./suppressions";

export type { EnforcementLevel };

/** The JSON accepted by `--policy-pack-config`: a level, or an object with settings, per policy (or "all"). */
export type PackConfigInput = Record<
    string,
    EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Bad configuration; `problems` lists every problem found, one line each. */
export class PolicyConfigError extends Error {
    public readonly problems: readonly string[];
    constructor(problems: readonly string[]) {
        super(`invalid policy pack configuration:\n${problems.map((p) => `  * ${p}`).join("\n")}`);
        this.name = "PolicyConfigError";
        this.problems = problems;
    }
}

export interface EffectiveConfig {
    readonly enforcementLevel: EnforcementLevel;
    /** Settings with defaults applied (what `args.getConfig()` returns). */
    readonly properties: Readonly<Record<string, unknown>>;
}

function typeOf(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "array";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    return typeof v;
}

function matchesType(v: unknown, t: string): boolean {
    const actual = typeOf(v);
    return t === actual || (t === "number" && actual === "integer");
}

/** Validates a value against the JSON-schema subset policy config schemas use. */
export function validateValue(
    schema: PolicyConfigJSONSchema | boolean | undefined,
    v: unknown,
    path: string,
    errors: string[],
): void {
    if (schema === undefined || schema === true) return;
    if (schema === false) {
        errors.push(`${path}: not allowed`);
        return;
    }
    if (schema.type !== undefined) {
        const types = Array.isArray(schema.type) ? schema.type : [schema.type];
        if (!types.some((t) => matchesType(v, t))) {
            errors.push(
                `${path}: must be ${types.join(" or ")}, got ${typeOf(v)} ${JSON.stringify(v)}`,
            );
            return;
        }
    }
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
        errors.push(
            `${path}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`,
        );
    }
    if (typeof v === "number") {
        if (schema.minimum !== undefined && v < schema.minimum)
            errors.push(`${path}: must be >= ${schema.minimum}`);
        if (schema.maximum !== undefined && v > schema.maximum)
            errors.push(`${path}: must be <= ${schema.maximum}`);
    }
    if (typeof v === "string") {
        if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(v))
            errors.push(`${path}: must match /${schema.pattern}/, got ${JSON.stringify(v)}`);
        if (schema.minLength !== undefined && v.length < schema.minLength)
            errors.push(`${path}: must have at least ${schema.minLength} characters`);
    }
    if (Array.isArray(v)) {
        if (schema.minItems !== undefined && v.length < schema.minItems)
            errors.push(`${path}: must have at least ${schema.minItems} items`);
        if (schema.items !== undefined && !Array.isArray(schema.items)) {
            v.forEach((item, i) =>
                validateValue(
                    schema.items as PolicyConfigJSONSchema,
                    item,
                    `${path}[${i}]`,
                    errors,
                ),
            );
        }
    }
    if (typeOf(v) === "object" && schema.properties) {
        const obj = v as Record<string, unknown>;
        for (const [k, s] of Object.entries(schema.properties))
            if (obj[k] !== undefined) validateValue(s, obj[k], `${path}.${k}`, errors);
    }
}

/**
 * Reconciles the pack's policies with the given configuration. Throws PolicyConfigError listing
 * every problem. `now` dates the suppressions' "at most a year ahead" (./suppressions.ts).
 */
export function resolvePackConfig(
    policies: Policies,
    input: PackConfigInput | undefined,
    packLevel: EnforcementLevel = "advisory",
    now: Date = new Date(),
): Map<string, EffectiveConfig> {
    const errors: string[] = [];
    const levels = new Map<string, EnforcementLevel>();
    const props = new Map<string, Record<string, unknown>>();
    for (const p of policies) {
        levels.set(p.name, p.enforcementLevel ?? packLevel);
        const defaults: Record<string, unknown> = {};
        for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) {
            if (s.default !== undefined) defaults[k] = JSON.parse(JSON.stringify(s.default));
        }
        props.set(p.name, defaults);
    }
    const given = input ?? {};
    if (typeof given !== "object" || given === null || Array.isArray(given)) {
        throw new PolicyConfigError([
            `the configuration must be a JSON object mapping policy names (or "all") to settings`,
        ]);
    }
    const levelOf = (name: string, v: unknown): EnforcementLevel | undefined => {
        if (v === undefined) return undefined;
        if (typeof v !== "string" || !LEVELS.includes(v)) {
            errors.push(
                `${name}.enforcementLevel: must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(v)}`,
            );
            return undefined;
        }
        return v as EnforcementLevel;
    };
    const all = given.all;
    if (all !== undefined) {
        const lvl =
            typeof all === "string"
                ? levelOf("all", all)
                : typeof all === "object" && all !== null && !Array.isArray(all)
                  ? levelOf("all", (all as Record<string, unknown>).enforcementLevel)
                  : undefined;
        if (typeof all === "object" && all !== null && !Array.isArray(all)) {
            for (const k of Object.keys(all))
                if (k !== "enforcementLevel")
                    errors.push(`all.${k}: "all" only takes an enforcementLevel`);
        } else if (typeof all !== "string")
            errors.push(`all: must be an enforcement level or an object, got ${typeOf(all)}`);
        if (lvl) for (const k of levels.keys()) levels.set(k, lvl);
    }
    for (const [name, value] of Object.entries(given)) {
        if (name === "all") continue;
        const policy = policies.find((p) => p.name === name);
        if (!policy) {
            errors.push(
                `${name}: no such policy in this pack (known: ${policies.map((p) => p.name).join(", ")})`,
            );
            continue;
        }
        if (typeof value === "string") {
            const lvl = levelOf(name, value);
            if (lvl) levels.set(name, lvl);
            continue;
        }
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            errors.push(`${name}: must be an enforcement level or an object, got ${typeOf(value)}`);
            continue;
        }
        const { enforcementLevel, ...rest } = value as Record<string, unknown>;
        const lvl = levelOf(name, enforcementLevel);
        if (lvl) levels.set(name, lvl);
        const schema: PolicyConfigSchema | undefined = policy.configSchema;
        for (const [k, v] of Object.entries(rest)) {
            if (!schema?.properties?.[k]) {
                const known = Object.keys(schema?.properties ?? {});
                errors.push(
                    `${name}.${k}: unknown setting (${known.length ? `known: ${known.join(", ")}` : "this policy takes no settings"})`,
                );
                continue;
            }
            props.get(name)![k] = v;
        }
    }
    for (const p of policies) {
        const values = props.get(p.name)!;
        const schema = p.configSchema;
        if (!schema) continue;
        for (const r of schema.required ?? [])
            if (values[r] === undefined) errors.push(`${p.name}.${r}: is required`);
        for (const [k, s] of Object.entries(schema.properties)) {
            if (values[k] === undefined) continue;
            // Stricter than its schema, with every problem named (the schema is what the CLI checks).
            if (k === SUPPRESSIONS) errors.push(...suppressionProblems(p.name, values[k], now));
            else validateValue(s, values[k], `${p.name}.${k}`, errors);
        }
    }
    if (errors.length) throw new PolicyConfigError(errors);
    const out = new Map<string, EffectiveConfig>();
    for (const p of policies)
        out.set(p.name, { enforcementLevel: levels.get(p.name)!, properties: props.get(p.name)! });
    return out;
}
