/**
 * The request context a policy is evaluated against: who asks (principal), for what (action,
 * resource) and the context keys. Context key names are case-insensitive in IAM, so they are
 * stored lower-cased.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
 */
import { accountRootArn, iamRoleArn, parseArn, PROBE_PARTITION } from "./arn";

/** A context key's value: one string, or a set of strings for multivalued keys. */
export type ContextValue = string | readonly string[];

export type RequestPrincipal =
    | { readonly type: "anonymous" }
    | {
          readonly type: "aws";
          readonly kind: "root" | "user" | "role" | "assumed-role" | "federated-user";
          readonly arn: string;
          readonly account: string;
          readonly partition: string;
          /** The user, role or session name (last path segment). */
          readonly name: string;
          /** For `assumed-role` sessions: the ARN of the role (with its path, if known). */
          readonly roleArn?: string;
          /** The principal's unique id (AIDA..., AROA...), if known. */
          readonly uniqueId?: string;
      }
    | { readonly type: "service"; readonly service: string }
    | { readonly type: "federated"; readonly provider: string }
    | { readonly type: "canonical-user"; readonly id: string };

export interface RequestContext {
    /** Who makes the request. Required to evaluate resource-based policies. */
    readonly principal?: RequestPrincipal;
    /** e.g. `sts:AssumeRole`. */
    readonly action: string;
    /** The resource ARN. Omit for trust policies (they have no Resource element). */
    readonly resource?: string;
    /** Context keys (case-insensitive names). Principal keys are derived when absent. */
    readonly context?: Readonly<Record<string, ContextValue | boolean | number>>;
}

/** Lower-cased key map used by the evaluator. */
export type ContextMap = ReadonlyMap<string, ContextValue>;

export function normaliseContextValue(v: ContextValue | boolean | number): ContextValue {
    if (typeof v === "boolean" || typeof v === "number") return String(v);
    return v;
}

/**
 * Keys AWS derives from the principal itself.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function principalContextKeys(
    p: RequestPrincipal | undefined,
): Record<string, ContextValue> {
    const out: Record<string, ContextValue> = {};
    if (!p) return out;
    if (p.type === "service") {
        out["aws:principalservicename"] = p.service;
        // The list of the service's names; a probe service principal has one.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalservicenameslist
        out["aws:principalservicenameslist"] = [p.service];
        out["aws:principalisawsservice"] = "true";
        return out;
    }
    if (p.type !== "aws") return out;
    out["aws:principalaccount"] = p.account;
    out["aws:principalisawsservice"] = "false";
    switch (p.kind) {
        case "root":
            out["aws:principalarn"] = p.arn;
            out["aws:principaltype"] = "Account";
            break;
        case "user":
            out["aws:principalarn"] = p.arn;
            out["aws:principaltype"] = "User";
            out["aws:username"] = p.name;
            break;
        case "role":
            out["aws:principalarn"] = p.arn;
            out["aws:principaltype"] = "AssumedRole";
            break;
        case "assumed-role":
            // For a role session, aws:PrincipalArn is the role's ARN, not the session's.
            out["aws:principalarn"] = p.roleArn ?? p.arn;
            out["aws:principaltype"] = "AssumedRole";
            break;
        case "federated-user":
            out["aws:principalarn"] = p.arn;
            out["aws:principaltype"] = "FederatedUser";
            break;
    }
    if (p.uniqueId) out["aws:userid"] = p.uniqueId;
    return out;
}

/**
 * aws:ResourceAccount, the account that owns the resource, where the resource's ARN names it (an
 * IAM role's does; an S3 bucket's does not, and the key is left out: unknown). AWS puts it in
 * every request to a resource.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceaccount
 */
function resourceAccount(resource: string | undefined): string | undefined {
    const account = resource ? parseArn(resource)?.account : undefined;
    return account && /^\d{12}$/.test(account) ? account : undefined;
}

/** The keys of each principal, derived once: a principal is immutable, and asked of in every request it makes. */
const principalKeys = new WeakMap<RequestPrincipal, [string, ContextValue][]>();

function principalEntries(p: RequestPrincipal | undefined): [string, ContextValue][] {
    if (!p) return [];
    let entries = principalKeys.get(p);
    if (!entries) principalKeys.set(p, (entries = Object.entries(principalContextKeys(p))));
    return entries;
}

export function buildContextMap(request: RequestContext): Map<string, ContextValue> {
    const map = new Map<string, ContextValue>(principalEntries(request.principal));
    const owner = resourceAccount(request.resource);
    if (owner) map.set("aws:resourceaccount", owner);
    for (const [k, v] of Object.entries(request.context ?? {})) {
        if (v === undefined) continue;
        map.set(k.toLowerCase(), normaliseContextValue(v));
    }
    return map;
}

/**
 * Builds the request principal for an ARN (or a bare 12-digit account id, meaning its root).
 * Returns undefined for strings that name no AWS principal.
 */
export function awsPrincipalFromArn(
    arnOrAccount: string,
    uniqueId?: string,
): RequestPrincipal | undefined {
    if (/^\d{12}$/.test(arnOrAccount)) {
        return {
            type: "aws",
            kind: "root",
            arn: accountRootArn(PROBE_PARTITION, arnOrAccount),
            account: arnOrAccount,
            partition: PROBE_PARTITION,
            name: "root",
        };
    }
    const a = parseArn(arnOrAccount);
    if (!a) return undefined;
    const base = {
        type: "aws" as const,
        arn: arnOrAccount,
        account: a.account,
        partition: a.partition,
        uniqueId,
    };
    const segs = a.resource.split("/");
    const last = segs[segs.length - 1];
    if (a.service === "iam") {
        if (a.resource === "root") return { ...base, kind: "root", name: "root" };
        if (segs[0] === "user" && segs.length >= 2) return { ...base, kind: "user", name: last };
        if (segs[0] === "role" && segs.length >= 2) return { ...base, kind: "role", name: last };
        return undefined;
    }
    if (a.service === "sts") {
        if (segs[0] === "assumed-role" && segs.length >= 3) {
            return {
                ...base,
                kind: "assumed-role",
                name: segs[2],
                roleArn: iamRoleArn(a.partition, a.account, segs[1]),
            };
        }
        if (segs[0] === "federated-user" && segs.length >= 2)
            return { ...base, kind: "federated-user", name: last };
    }
    return undefined;
}
