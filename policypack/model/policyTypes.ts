/**
 * Which @pulumi/aws resource types carry a policy document or grant access with properties, in
 * which properties, and of what kind:
 * the one source for the pack's document policies and for the evidence proofs' reader of trust
 * and resource policies. The table (./data/policy-types.json) is generated from the provider's own
 * type definitions by scripts/update-policy-types.ts, which documents the rule; a type a provider
 * upgrade adds reaches it as `unknown`, which the pack reports as "not checked", never skips.
 */
import table from "./data/policy-types.json";

/**
 * `resource`: an IAM resource-based policy; `trust`: a role's trust policy; `identity`: an IAM
 * identity policy; `cap`: an IAM document that only narrows access granted elsewhere (endpoint and
 * session policies); `organization`: an AWS Organizations policy (SCP, RCP...), read by the
 * evidence, and an RCP's by the pack too (policies/rcp.ts: the RCP grammar, not IAM's); `grant`: a property that grants access to the resource without a document (a Lambda
 * layer's `principal`, an AMI launch permission's `group`), read as the resource-policy statement
 * it stands for (policies/documents.ts PERMISSION_DOCUMENTS); `unchecked`: an access policy or
 * grant in a language other than IAM's; `none`: a setting that grants nothing; `unknown`: not
 * classified yet.
 */
export type PolicyKind =
    | "resource"
    | "trust"
    | "identity"
    | "cap"
    | "organization"
    | "grant"
    | "unchecked"
    | "none"
    | "unknown";

export interface PolicyTypeEntry {
    /** The IAM service prefix of the type's resource (probes NotAction statements). */
    readonly service: string;
    /** Property path (`policy`, `details.policy`, `inlinePolicies[].policy`) -> kind. */
    readonly props: Readonly<Record<string, PolicyKind>>;
}

export interface PolicyTypeTable {
    readonly source: string;
    readonly rule: string;
    readonly types: Readonly<Record<string, PolicyTypeEntry>>;
}

export const POLICY_TYPES: PolicyTypeTable = table as PolicyTypeTable;

/** The kinds the pack reads as IAM documents. */
export const IAM_KINDS: ReadonlySet<PolicyKind> = new Set(["resource", "trust", "identity", "cap"]);

/** The kinds the pack reports as "not checked" whenever the property is set. */
export const NOT_CHECKED_KINDS: ReadonlySet<PolicyKind> = new Set(["unchecked", "unknown"]);

/** One policy property of one resource, with its value. */
export interface PolicyProp {
    /** Where it is, for messages: `policy`, `details.policy`, `inlinePolicies[1].policy`. */
    readonly where: string;
    /** The table's property path. */
    readonly path: string;
    readonly kind: PolicyKind;
    readonly service: string;
    readonly value: unknown;
}

/** Resource types with at least one property of one of `kinds`. */
export function typesWith(
    kinds: ReadonlySet<PolicyKind>,
    table: PolicyTypeTable = POLICY_TYPES,
): string[] {
    return Object.entries(table.types)
        .filter(([, e]) => Object.values(e.props).some((k) => kinds.has(k)))
        .map(([t]) => t);
}

/**
 * The values at a table path: `a`, `a.b`, or `a[].b` (every element of the array `a`). A named
 * array element is labelled by its name, as a Role's inline policy: `inlinePolicies[0] ("ops")`.
 * Reading goes through the engine's proxy, so an unknown value throws UnknownValueError as any
 * read does.
 */
export function valuesAt(
    props: Record<string, unknown>,
    path: string,
): Array<{ where: string; value: unknown }> {
    const dot = path.indexOf(".");
    const head = dot < 0 ? path : path.slice(0, dot);
    const rest = dot < 0 ? undefined : path.slice(dot + 1);
    const array = head.endsWith("[]");
    const key = array ? head.slice(0, -2) : head;
    const v = props[key];
    if (rest === undefined) return [{ where: key, value: v }];
    const items: unknown[] = array ? (Array.isArray(v) ? v : []) : [v];
    return items.flatMap((item, i) => {
        if (item === null || typeof item !== "object") return [];
        const o = item as Record<string, unknown>;
        const named = array && typeof o.name === "string" && o.name !== "";
        return valuesAt(o, rest).map((x) => ({
            where: named
                ? `${key}[${i}] ("${String(o.name)}")`
                : `${key}${array ? `[${i}]` : ""}.${x.where}`,
            value: x.value,
        }));
    });
}

/** The policy properties of a resource of `type` whose kind is in `kinds`, with their values. */
export function policyPropsOf(
    type: string,
    props: Record<string, unknown>,
    kinds: ReadonlySet<PolicyKind>,
    table: PolicyTypeTable = POLICY_TYPES,
): PolicyProp[] {
    const entry = table.types[type];
    if (!entry) return [];
    const out: PolicyProp[] = [];
    for (const [path, kind] of Object.entries(entry.props)) {
        if (!kinds.has(kind)) continue;
        for (const v of valuesAt(props, path))
            out.push({ where: v.where, path, kind, service: entry.service, value: v.value });
    }
    return out;
}
